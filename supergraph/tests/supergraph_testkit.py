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


class Served:
    """Fixture subgraphs of one scenario, served over HTTP; `gateway()` makes a gateway in front of them (one per
    test: its HTTP client belongs to the test's event loop)."""

    def __init__(self, sdl: str, subgraphs: list[FixtureSubgraph], base: str):
        self.sdl = sdl
        self.subgraphs = {s.name: s for s in subgraphs}
        self.overrides = {s.name: f"{base}/{s.name}" for s in subgraphs}

    def gateway(self, **kwargs: Any) -> Gateway:
        return Gateway(self.sdl, url_overrides=self.overrides, **kwargs)


@contextmanager
def serve_scenario(name: str) -> Iterator[Served]:
    """Serve the fixture subgraphs of supergraph_fixtures/<name>.py (supergraph: supergraph_fixtures/<name>.graphql)."""
    import importlib

    module = importlib.import_module(f"supergraph_fixtures.{name}")
    subgraphs = module.build()
    sdl = (FIXTURES / f"{name}.graphql").read_text()
    with serve_asgi(SubgraphsApp(subgraphs)) as base:
        yield Served(sdl, subgraphs, base)


async def check(gw: Gateway, query: str, data: Any, errors: bool = False,
                variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run `query`; its data must equal `data` exactly (key order included) and errors be present iff expected."""
    import json

    body = await ask(gw, query, variables)
    assert body.get("data") == data, json.dumps(body, indent=1)
    assert json.dumps(body.get("data")) == json.dumps(data), "key order differs from the operation"
    assert bool(body.get("errors")) is errors, body.get("errors")
    return body
