"""Shared helpers for the gateway's conformance suite: serve fixture subgraphs, build a gateway in front of them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from supergraph.gateway import Gateway
from supergraph.testing import FixtureSubgraph, SubgraphsApp, serve_asgi

FIXTURES = Path(__file__).parent / "supergraph_fixtures"


@contextmanager
def running(subgraphs: list[FixtureSubgraph], supergraph_sdl: str, **gateway_kwargs: Any) -> Iterator[Gateway]:
    with serve_asgi(SubgraphsApp(subgraphs)) as base:
        overrides = {s.name: f"{base}/{s.name}" for s in subgraphs}
        yield Gateway(supergraph_sdl, url_overrides=overrides, **gateway_kwargs)


async def ask(gw: Gateway, query: str, variables: dict[str, Any] | None = None,
              operation_name: str | None = None) -> dict[str, Any]:
    result = await gw.execute(query, variables, operation_name)
    return result.body
