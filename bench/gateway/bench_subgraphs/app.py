"""One raw ASGI app serving the four subgraphs at /accounts, /inventory, /products and /reviews.

Raw ASGI (no framework) keeps per-request overhead to uvicorn's httptools parser and one dict lookup.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson

from .data import read_catalog
from .executor import Executor
from .schema import build_subgraphs
from .sdl import derive

WORKLOAD = Path(__file__).resolve().parent.parent / "workload"

_JSON_HEADERS = [(b"content-type", b"application/json")]


def load_executors(supergraph: Path, expected_response: Path, *, memoise: bool = True) -> dict[str, Executor]:
    sdls = derive(supergraph.read_text())
    catalog = read_catalog(orjson.loads(expected_response.read_bytes()))
    return {name: Executor(sub, memoise=memoise) for name, sub in build_subgraphs(sdls, catalog).items()}


class SubgraphsApp:
    def __init__(self, executors: dict[str, Executor]) -> None:
        # Both /accounts and /accounts/graphql reach the accounts subgraph.
        self._routes: dict[str, Executor] = {}
        for name, executor in executors.items():
            self._routes[f"/{name}"] = executor
            self._routes[f"/{name}/graphql"] = executor

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        executor = self._routes.get(scope["path"].rstrip("/") or "/")
        if executor is None:
            await _respond(send, 404, orjson.dumps({"errors": [{"message": "no such subgraph"}]}))
            return
        if scope["method"] != "POST":
            await _respond(send, 405, orjson.dumps({"errors": [{"message": "POST a JSON GraphQL request"}]}))
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        status, body = executor.answer(b"".join(chunks))
        await _respond(send, status, body)


async def _respond(send: Any, status: int, body: bytes) -> None:
    headers = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app() -> SubgraphsApp:
    """Factory for uvicorn; paths and memoisation come from the environment set by `__main__`."""
    supergraph = Path(os.environ.get("BENCH_SUPERGRAPH", WORKLOAD / "supergraph.graphql"))
    expected = Path(os.environ.get("BENCH_EXPECTED_RESPONSE", WORKLOAD / "expected-response.json"))
    memoise = os.environ.get("BENCH_SUBGRAPH_MEMO", "1") != "0"
    return SubgraphsApp(load_executors(supergraph, expected, memoise=memoise))
