"""Serve the benchmark subgraphs: `python -m bench_subgraphs --port 4200 [--workers 2]` (from bench/gateway)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import uvicorn

from .app import WORKLOAD


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--supergraph", type=Path, default=WORKLOAD / "supergraph.graphql")
    parser.add_argument("--expected-response", type=Path, default=WORKLOAD / "expected-response.json")
    parser.add_argument("--no-memo", action="store_true", help="execute every request, even a repeated one")
    args = parser.parse_args()
    # Worker processes build the app themselves from these.
    os.environ["BENCH_SUPERGRAPH"] = str(args.supergraph.resolve())
    os.environ["BENCH_EXPECTED_RESPONSE"] = str(args.expected_response.resolve())
    os.environ["BENCH_SUBGRAPH_MEMO"] = "0" if args.no_memo else "1"
    uvicorn.run(
        "bench_subgraphs.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
        app_dir=str(Path(__file__).resolve().parent.parent),
        backlog=4096,
        # Never close an idle keep-alive connection first (as hyper, under the public benchmark's
        # subgraphs, does not): a gateway reusing a pooled connection the server is closing at that
        # moment gets "socket hang up", an error of the set-up and not of the gateway.
        timeout_keep_alive=3600,
    )


if __name__ == "__main__":
    main()
