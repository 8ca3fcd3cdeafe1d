#!/usr/bin/env python3
"""Gateway benchmark: our gateway, Apollo Gateway and Hive Gateway on the same supergraph and load.

Starts the four benchmark subgraphs once, then each gateway in turn: checks that its answer to the
benchmark query equals workload/expected-response.json, warms it up, drives it with wrk (POST, Lua
script, N connections) and measures RPS, latency percentiles and errors (non-2xx, socket errors, GraphQL
errors and wrong-size answers, every response checked by post.lua). Prints a table and the ratios
ours/Apollo and ours/Hive, and writes everything as JSON into bench/results/. Every process it starts
runs in its own process group, on 127.0.0.1, and is stopped before it exits.

    .venv/bin/python bench/gateway/run.py [--duration 30] [--warmup 10] [--gateways ours,apollo,hive]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
WORKLOAD = HERE / "workload"
HOST = "127.0.0.1"
GATEWAYS = ("ours", "apollo", "hive")
LABELS = {"ours": "Bookshare (Python)", "apollo": "Apollo Gateway", "hive": "Hive Gateway"}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def post_json(url: str, payload: bytes, timeout: float = 30.0) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        url, data=payload, method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# ---------------------------------------------------------------------------------------------- processes


@dataclass
class Service:
    """A process started by this script, alone in its own process group so it can be stopped whole."""

    name: str
    argv: list[str]
    cwd: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - argv built by this script
            self.argv, cwd=self.cwd, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**_local_only(os.environ), **self.env}, start_new_session=True,
        )
        log_file.close()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None:
            return
        pgid = self.process.pid  # start_new_session: the group id is the child's pid
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and _group_members(pgid):
                self.process.poll()
                time.sleep(0.1)
            if not _group_members(pgid):
                break
        self.process.poll()
        self.process = None

    def cpu_seconds(self) -> float:
        """CPU time used so far by every live process of this service's group."""
        if self.process is None:
            return 0.0
        total = 0
        for pid in _group_members(self.process.pid):
            stat = _read_stat(pid)
            if stat:
                total += int(stat[11]) + int(stat[12])  # utime, stime
        return total / CLK_TCK

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _local_only(environment: os._Environ[str] | dict[str, str]) -> dict[str, str]:
    """The environment without what would make a gateway report to a registry or tracing service."""
    return {k: v for k, v in environment.items() if not k.startswith(("APOLLO_", "HIVE_", "OTEL_"))}


def _read_stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the parenthesised command name; [2] is the process group, [11]/[12] utime/stime.
    return raw[raw.rindex(")") + 2:].split()


def _group_members(pgid: int) -> list[int]:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _read_stat(int(entry))
            if stat and int(stat[2]) == pgid and stat[0] != "Z":
                members.append(int(entry))
    return members


def wait_ready(service: Service, probe: Any, timeout: float) -> str | None:
    """None once probe() succeeds; otherwise why the service is not ready."""
    deadline = time.monotonic() + timeout
    last_error = "no answer"
    while time.monotonic() < deadline:
        if not service.alive():
            return f"{service.name} exited with code {service.process.returncode if service.process else '?'}"
        try:
            if probe():
                return None
        except (OSError, ValueError) as error:
            last_error = str(error)
        time.sleep(0.25)
    return f"{service.name} not ready after {timeout:.0f}s ({last_error})"


# ------------------------------------------------------------------------------------------------ set-up


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("wrk is missing; installing the Debian package with apt-get ...")
        subprocess.run(["apt-get", "update", "-qq"], check=True)  # noqa: S607
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)  # noqa: S607
        path = shutil.which("wrk")
        if path:
            return path
    sys.exit("wrk is not installed: install it with `sudo apt-get install wrk` (Debian/Ubuntu package 'wrk')")


def ensure_node_modules() -> bool:
    modules = HERE / "node_modules"
    if (modules / "@apollo" / "gateway").is_dir() and (modules / ".bin" / "hive-gateway").exists():
        return True
    npm = shutil.which("npm")
    if npm is None:
        log("node_modules missing and npm not found: Apollo and Hive Gateway will be skipped")
        return False
    log(f"installing the reference gateways from package-lock.json: npm ci (in {HERE})")
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE)  # noqa: S603
    return done.returncode == 0


def rewrite_supergraph(text: str, base_url: str) -> str:
    """Point every @join__graph at our subgraphs: url -> {base_url}/{graph name}."""
    pattern = re.compile(r'@join__graph\(\s*name:\s*"([^"]+)"\s*,\s*url:\s*"[^"]*"\s*\)')
    rewritten, count = pattern.subn(lambda m: f'@join__graph(name: "{m[1]}", url: "{base_url}/{m[1]}")', text)
    if count == 0:
        raise ValueError("no @join__graph(name:, url:) found in the supergraph")
    return rewritten


def package_version(name: str) -> str | None:
    try:
        return json.loads((HERE / "node_modules" / name / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def ours_command(supergraph: Path, port: int, workers: int) -> tuple[list[str] | None, str]:
    """Our gateway's command line, or None and why it cannot run yet."""
    executable = REPO / ".venv" / "bin" / "bookshare"
    if not executable.exists():
        return None, f"{executable} does not exist (run `make install`)"
    try:
        help_run = subprocess.run(  # noqa: S603
            [str(executable), "gateway", "--help"], capture_output=True, text=True, timeout=60, cwd=REPO,
        )
    except subprocess.TimeoutExpired:
        return None, "`bookshare gateway --help` did not answer within 60 s"
    if help_run.returncode != 0:
        last = (help_run.stderr or help_run.stdout).strip().splitlines()[-1:] or ["no output"]
        return None, f"`bookshare gateway --help` failed: {last[0]}"
    argv = [str(executable), "gateway", "--supergraph", str(supergraph), "--port", str(port)]
    if "--workers" in help_run.stdout:
        argv += ["--workers", str(workers)]
    if "--host" in help_run.stdout:
        argv += ["--host", HOST]
    return argv, ""


# ---------------------------------------------------------------------------------------------- measuring


def first_difference(actual: Any, expected: Any, path: str = "$") -> str | None:
    if type(actual) is not type(expected):
        return f"{path}: {type(actual).__name__} instead of {type(expected).__name__}"
    if isinstance(expected, dict):
        if list(actual) != list(expected):
            return f"{path}: keys {list(actual)} instead of {list(expected)}"
        for key in expected:
            found = first_difference(actual[key], expected[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        if len(actual) != len(expected):
            return f"{path}: {len(actual)} items instead of {len(expected)}"
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            found = first_difference(a, e, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if actual == expected else f"{path}: {actual!r} instead of {expected!r}"


def check_answer(url: str, body: bytes, expected: Any) -> dict[str, Any]:
    status, raw = post_json(url, body)
    result: dict[str, Any] = {"status": status, "length": len(raw)}
    try:
        answer = json.loads(raw)
    except ValueError:
        result.update(equal=False, difference="the answer is not JSON: " + raw[:200].decode(errors="replace"))
        return result
    difference = None if status == 200 else f"HTTP status {status}"
    difference = difference or first_difference(answer, expected)
    result.update(equal=difference is None, difference=difference)
    if isinstance(answer, dict) and answer.get("errors"):
        result["errors"] = answer["errors"][:3]
    return result


def run_wrk(wrk: str, url: str, args: argparse.Namespace, seconds: float, body_file: Path,
            expected_length: int, error_dir: Path | None = None) -> dict[str, Any]:
    argv = [
        wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(seconds))}s",
        "--timeout", f"{args.timeout}s", "-s", str(HERE / "post.lua"), url,
    ]
    env = {**os.environ, "BENCH_BODY_FILE": str(body_file), "BENCH_EXPECTED_LENGTH": str(expected_length),
           "BENCH_ERROR_DIR": str(error_dir or "")}
    if error_dir:
        error_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=seconds + 120)  # noqa: S603
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.removeprefix("BENCH_RESULT "))
    raise RuntimeError(f"wrk gave no result (exit {done.returncode}): {done.stderr.strip()[-500:]}")


def summarise(raw: dict[str, Any]) -> dict[str, Any]:
    socket_errors = sum(raw["socket_errors"].values())
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": raw["requests"] / seconds if seconds else 0.0,
        "requests": raw["requests"],
        "p50_ms": raw["latency_us"]["p50"] / 1000,
        "p95_ms": raw["latency_us"]["p95"] / 1000,
        "p99_ms": raw["latency_us"]["p99"] / 1000,
        "errors": raw["non_2xx"] + socket_errors + raw["graphql_errors"] + raw["length_mismatches"],
        "non_2xx": raw["non_2xx"],
        "socket_errors": socket_errors,
        "graphql_errors": raw["graphql_errors"],
        "length_mismatches": raw["length_mismatches"],
        "wrk": raw,
    }


def benchmark_gateway(name: str, service: Service, url: str, args: argparse.Namespace, wrk: str,
                      body_file: Path, expected: Any, subgraphs: Service) -> dict[str, Any]:
    body = body_file.read_bytes()
    result: dict[str, Any] = {"gateway": name, "label": LABELS[name], "url": url, "command": service.argv}
    service.start()
    probe_body = json.dumps({"query": "{ __typename }"}).encode()
    not_ready = wait_ready(service, lambda: post_json(url, probe_body, timeout=5)[0] == 200, args.start_timeout)
    if not_ready:
        log(f"  {LABELS[name]} skipped: {not_ready}\n{service.log_tail()}")
        result.update(skipped=not_ready, log_tail=service.log_tail())
        return result
    check = check_answer(url, body, expected)
    result["first_answer"] = check
    if not check["equal"]:
        log(f"  MISMATCH: {LABELS[name]}'s answer differs from expected-response.json: {check['difference']}")
    else:
        log(f"  answer equals expected-response.json ({check['length']} bytes)")
    if args.warmup > 0:
        log(f"  warm-up {args.warmup:.0f}s ...")
        result["warmup"] = summarise(run_wrk(wrk, url, args, args.warmup, body_file, check["length"],
                                             service.log_path.with_suffix(".warmup-errors")))
    log(f"  measuring {args.duration:.0f}s with {args.connections} connections ...")
    cpu_before = (service.cpu_seconds(), subgraphs.cpu_seconds(), time.monotonic(), os.getloadavg()[0])
    error_dir = service.log_path.with_suffix(".errors")
    measured = summarise(run_wrk(wrk, url, args, args.duration, body_file, check["length"], error_dir))
    if any(error_dir.iterdir()):
        log(f"  first wrong answers saved in {error_dir}")
    wall = time.monotonic() - cpu_before[2]
    measured["gateway_cpu_cores"] = (service.cpu_seconds() - cpu_before[0]) / wall
    measured["subgraphs_cpu_cores"] = (subgraphs.cpu_seconds() - cpu_before[1]) / wall
    measured["loadavg_1m_before"] = cpu_before[3]
    # Throughput per CPU-second the gateway actually got: comparable even when other work shares the machine.
    measured["rps_per_core"] = measured["rps"] / measured["gateway_cpu_cores"] if measured["gateway_cpu_cores"] else 0.0
    result["measured"] = measured
    # A few answers taken after the load, compared in full (post.lua compared every one by size).
    samples = [check_answer(url, body, expected) for _ in range(args.samples)]
    result["samples_equal"] = sum(1 for s in samples if s["equal"])
    result["samples"] = args.samples
    result["correct"] = check["equal"] and result["samples_equal"] == args.samples
    if not service.alive():
        result["died"] = f"the gateway exited during the run:\n{service.log_tail()}"
        log(f"  {result['died']}")
    log(f"  {measured['rps']:.1f} req/s, p95 {measured['p95_ms']:.0f} ms, errors {measured['errors']}, "
        f"gateway CPU {measured['gateway_cpu_cores']:.2f} cores, subgraphs {measured['subgraphs_cpu_cores']:.2f}")
    return result


# ------------------------------------------------------------------------------------------------ report


def representatives(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One entry per gateway: its median-RPS round, with every round's RPS, errors and correctness."""
    chosen = []
    for name in dict.fromkeys(r["gateway"] for r in results):
        rounds = [r for r in results if r["gateway"] == name]
        measured = sorted((r for r in rounds if "measured" in r), key=lambda r: r["measured"]["rps"])
        if not measured:
            chosen.append(rounds[0])
            continue
        median = measured[(len(measured) - 1) // 2]
        chosen.append({
            **median,
            "rps_all_rounds": [round(r["measured"]["rps"], 1) for r in rounds if "measured" in r],
            "errors_all_rounds": sum(r["measured"]["errors"] for r in measured),
            "correct_all_rounds": all(r["correct"] for r in measured) and len(measured) == len(rounds),
        })
    return chosen


def table(chosen: list[dict[str, Any]]) -> str:
    header = f"{'gateway':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}  " \
             f"{'non2xx/sock/gql/size':<21} {'correct':<8} {'gw CPU':>6} {'req/CPU-s':>9}  rounds req/s"
    lines = [header, "-" * len(header)]
    for r in chosen:
        if "measured" not in r:
            lines.append(f"{r['label']:<20} skipped: {r.get('skipped', 'not run')}")
            continue
        m = r["measured"]
        if m["requests"] == 0:
            seconds = m["wrk"]["duration_us"] / 1e6
            lines.append(f"{r['label']:<20} no response completed within the measured {seconds:.0f}s")
            continue
        detail = f"{m['non_2xx']}/{m['socket_errors']}/{m['graphql_errors']}/{m['length_mismatches']}"
        correct = "yes" if r["correct_all_rounds"] else "NO"
        lines.append(
            f"{r['label']:<20} {m['rps']:>8.1f} {m['p50_ms']:>8.1f} {m['p95_ms']:>8.1f} {m['p99_ms']:>8.1f} "
            f"{r['errors_all_rounds']:>7}  {detail:<21} {correct:<8} "
            f"{m['gateway_cpu_cores']:>6.2f} {m['rps_per_core']:>9.1f}  "
            + " ".join(f"{x:.1f}" for x in r["rps_all_rounds"])
        )
    return "\n".join(lines)


def ratios(chosen: list[dict[str, Any]]) -> dict[str, float]:
    by_name = {r["gateway"]: r["measured"] for r in chosen if "measured" in r}
    found: dict[str, float] = {}
    ours = by_name.get("ours")
    for other in ("apollo", "hive"):
        if ours and other in by_name and by_name[other]["rps"] > 0:
            found[f"ours/{other} rps"] = ours["rps"] / by_name[other]["rps"]
            if by_name[other]["p95_ms"]:
                found[f"ours/{other} p95 latency"] = ours["p95_ms"] / by_name[other]["p95_ms"]
            if by_name[other]["rps_per_core"]:
                found[f"ours/{other} req per CPU-second"] = ours["rps_per_core"] / by_name[other]["rps_per_core"]
    return found


# -------------------------------------------------------------------------------------------------- main


def gateway_service(name: str, port: int, supergraph: Path, args: argparse.Namespace, run_dir: Path,
                    round_number: int, node_ok: bool) -> tuple[Service | None, str, str]:
    """The process to start for a gateway and its GraphQL URL, or None and why it cannot run."""
    log_path = run_dir / f"{name}-{round_number}.log"
    if name == "ours":
        argv, why = ours_command(supergraph, port, args.workers)
        if argv is None:
            return None, "", f"our gateway cannot start yet: {why}"
        return Service(name, argv, REPO, log_path), f"http://{HOST}:{port}/graphql", ""
    if not node_ok:
        return None, "", "node_modules not installed (npm ci --prefix bench/gateway)"
    if name == "apollo":
        argv = ["node", "apollo_gateway.mjs", "--supergraph", str(supergraph), "--port", str(port),
                "--host", HOST, "--workers", str(args.workers)]
        return Service(name, argv, HERE, log_path, {"NODE_ENV": "production"}), f"http://{HOST}:{port}/", ""
    argv = [str(HERE / "node_modules" / ".bin" / "hive-gateway"), "supergraph", str(supergraph),
            "--host", HOST, "--port", str(port), "--fork", str(args.workers), "--jit",
            "-c", str(HERE / "hive_gateway.config.mjs")]
    env = {"NODE_ENV": "production", "HIVE_BENCH_DEDUP": "1" if args.hive_dedup else "0"}
    return Service(name, argv, HERE, log_path, env), f"http://{HOST}:{port}/graphql", ""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=30, help="measured seconds per gateway (default 30)")
    parser.add_argument("--warmup", type=float, default=10, help="warm-up seconds per gateway, not measured")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--timeout", type=int, default=30,
                        help="seconds before wrk counts a request as a socket timeout error (default 30)")
    parser.add_argument("--gateways", default=",".join(GATEWAYS), help="comma-separated, in order: ours,apollo,hive")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="processes per gateway, the same for each (default: CPU count)")
    parser.add_argument("--subgraph-workers", type=int, default=1)
    parser.add_argument("--no-memo", action="store_true", help="subgraphs execute every request, even repeats")
    parser.add_argument("--hive-dedup", action="store_true",
                        help="turn on Hive Gateway's inbound in-flight request deduplication")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure every gateway this many times, interleaved; the table shows each one's median")
    parser.add_argument("--samples", type=int, default=3, help="answers compared in full after the load")
    parser.add_argument("--start-timeout", type=float, default=90)
    parser.add_argument("--results-dir", type=Path, default=REPO / "bench" / "results")
    args = parser.parse_args()
    if args.hive_dedup:
        LABELS["hive"] = "Hive Gateway (dedup)"
    args.gateways = [g.strip() for g in args.gateways.split(",") if g.strip()]
    unknown = set(args.gateways) - set(GATEWAYS)
    if unknown:
        parser.error(f"unknown gateways {sorted(unknown)}; choose from {', '.join(GATEWAYS)}")
    return args


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    args = parse_args()
    # SIGTERM ends the run the same way as Ctrl-C: through the finally that stops every process.
    signal.signal(signal.SIGTERM, _interrupt)
    wrk = ensure_wrk()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    run_dir = args.results_dir / f"gateway-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    node_ok = any(g in args.gateways for g in ("apollo", "hive")) and ensure_node_modules()

    expected = json.loads((WORKLOAD / "expected-response.json").read_bytes())
    body_file = run_dir / "request.json"
    body_file.write_text(json.dumps({"query": (WORKLOAD / "query.graphql").read_text()}))
    subgraph_port = free_port()
    supergraph = run_dir / "supergraph.graphql"
    supergraph.write_text(
        rewrite_supergraph((WORKLOAD / "supergraph.graphql").read_text(), f"http://{HOST}:{subgraph_port}")
    )

    subgraph_argv = [sys.executable, "-m", "bench_subgraphs", "--host", HOST, "--port", str(subgraph_port),
                     "--workers", str(args.subgraph_workers)]
    if args.no_memo:
        subgraph_argv.append("--no-memo")
    subgraphs = Service("subgraphs", subgraph_argv, HERE, run_dir / "subgraphs.log")
    results: list[dict[str, Any]] = []
    started: list[Service] = [subgraphs]
    try:
        subgraphs.start()
        sdl_probe = json.dumps({"query": "{ _service { sdl } }"}).encode()
        not_ready = wait_ready(
            subgraphs,
            lambda: all(
                post_json(f"http://{HOST}:{subgraph_port}/{name}", sdl_probe, timeout=5)[0] == 200
                for name in ("accounts", "inventory", "products", "reviews")
            ),
            30,
        )
        if not_ready:
            log(f"subgraphs did not start: {not_ready}\n{subgraphs.log_tail()}")
            return 1
        log(f"subgraphs on http://{HOST}:{subgraph_port}/{{accounts,inventory,products,reviews}}; "
            f"results in {run_dir}")

        for round_number in range(1, args.rounds + 1):
            for name in args.gateways:
                port = free_port()
                suffix = f", round {round_number}/{args.rounds}" if args.rounds > 1 else ""
                log(f"== {LABELS[name]} ({args.workers} worker(s)) on port {port}{suffix}")
                service, url, why = gateway_service(name, port, supergraph, args, run_dir, round_number, node_ok)
                if service is None:
                    log(f"  skipped: {why}")
                    results.append({"gateway": name, "label": LABELS[name], "round": round_number, "skipped": why})
                    continue
                started.append(service)
                try:
                    result = benchmark_gateway(name, service, url, args, wrk, body_file, expected, subgraphs)
                    results.append({**result, "round": round_number})
                finally:
                    service.stop()
    except KeyboardInterrupt:
        log("interrupted: stopping every process started")
        return 130
    finally:
        for service in reversed(started):
            service.stop()

    chosen = representatives(results)
    found_ratios = ratios(chosen)
    report = {
        "started_at": stamp,
        "machine": {"cpus": os.cpu_count(), "loadavg": os.getloadavg()},
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "versions": {
            "@apollo/gateway": package_version("@apollo/gateway"),
            "@apollo/server": package_version("@apollo/server"),
            "@graphql-hive/gateway": package_version("@graphql-hive/gateway"),
            "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()  # noqa: S607
            if shutil.which("node") else None,
        },
        "summary": [
            {k: v for k, v in r.items() if k not in ("first_answer", "warmup", "log_tail", "command")} for r in chosen
        ],
        "ratios": found_ratios,
        "results": results,
    }
    (run_dir / "result.json").write_text(json.dumps(report, indent=2))
    (args.results_dir / "gateway-latest.json").write_text(json.dumps(report, indent=2))
    print()
    print(f"gateway benchmark: {args.connections} connections, {args.duration:.0f}s measured after "
          f"{args.warmup:.0f}s warm-up, {args.workers} worker(s) per gateway, {os.cpu_count()} CPUs, "
          f"{args.rounds} round(s) (median shown)")
    print(table(chosen))
    for label, value in found_ratios.items():
        print(f"{label}: {value:.2f}")
    if not found_ratios:
        print("ratios: need our gateway and at least one reference gateway measured")
    print(f"JSON: {run_dir / 'result.json'}")
    failed = [
        r for r in chosen
        if "measured" in r and (not r["correct_all_rounds"] or r["errors_all_rounds"] or not r["measured"]["requests"])
    ]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
