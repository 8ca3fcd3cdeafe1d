"""The quick start works: `bookshare dev` (what `make run` starts) brings up every service behind the
gateway, and the public API contract of ../shared/acceptance/contract.py holds against it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "acceptance" / "contract.py"
SERVICES = ["gateway", "auth", "store", "metadata", "posts", "notification"]


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"bookshare dev exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("bookshare dev did not start in time")


@pytest.fixture(scope="module")
def running_system(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    data_dir = tmp_path_factory.mktemp("data")
    ports = dict(zip(SERVICES, _free_ports(len(SERVICES)), strict=True))
    env = {**os.environ, "BOOKSHARE_DATA_DIR": str(data_dir),
           **{f"BOOKSHARE_{name.upper()}_PORT": str(port) for name, port in ports.items()}}
    env.pop("BOOKSHARE_BROKER_URL", None)
    log = (data_dir / "dev.log").open("w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "bookshare"), "dev"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(ports["gateway"], process)
        yield ports, data_dir, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_every_service_keeps_its_own_sqlite_file(running_system) -> None:  # noqa: ANN001
    _, data_dir, _ = running_system
    for name in SERVICES[1:]:
        assert (data_dir / f"{name}.db").is_file(), name
    assert "type Query" in (data_dir / "supergraph.graphql").read_text()


def test_the_public_contract_holds_through_the_gateway(running_system) -> None:  # noqa: ANN001
    if not CONTRACT.is_file():
        pytest.skip(f"the acceptance contract is not beside the checkout ({CONTRACT})")
    ports, data_dir, _ = running_system
    result = subprocess.run([sys.executable, str(CONTRACT), "all"], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "BOOKSHARE_GATEWAY": f"http://127.0.0.1:{ports['gateway']}"})
    assert result.returncode == 0, result.stdout + result.stderr + (data_dir / "dev.log").read_text()[-3000:]
    assert "FAIL" not in result.stdout


def test_ctrl_c_stops_everything_cleanly(running_system) -> None:  # noqa: ANN001
    ports, _, process = running_system
    process.send_signal(2)  # SIGINT, as Ctrl-C
    assert process.wait(timeout=30) == 0
    for port in ports.values():
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            pass
