"""Fetching `_service { sdl }` from running subgraphs over HTTP and composing what they return."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from supergraph.composition import FetchError, compose_from_urls, fetch_sdl

TOKEN = "Bearer gateway-credential"
SDLS = {
    "books": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
             'type Query { books: [Book!]! }\ntype Book @key(fields: "isbn") { isbn: ID! title: String }',
    "reviews": 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
               'type Book @key(fields: "isbn") { isbn: ID! reviews: [String!]! }',
}


async def _graphql(request: Request) -> JSONResponse:
    if request.headers.get("authorization") != TOKEN:
        return JSONResponse({"errors": [{"message": "missing gateway credential"}]}, status_code=401)
    body = json.loads(await request.body())
    if "_service" not in body.get("query", "") or "sdl" not in body["query"]:
        return JSONResponse({"errors": [{"message": "unexpected query"}]}, status_code=400)
    name = request.path_params["name"]
    if name == "broken":
        return JSONResponse({"errors": [{"message": "resolver exploded"}]})
    return JSONResponse({"data": {"_service": {"sdl": SDLS[name]}}})


@pytest.fixture
async def subgraph_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = Starlette(routes=[Route("/{name}/graphql", _graphql, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # up to 5 s
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "test subgraph server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


async def test_composition_fetch_sdl_returns_the_subgraph_schema(subgraph_server):
    sdl = await fetch_sdl(f"{subgraph_server}/books/graphql", {"authorization": TOKEN})
    assert sdl == SDLS["books"]


async def test_composition_fetch_sdl_without_credential_is_refused(subgraph_server):
    with pytest.raises(FetchError, match="HTTP 401"):
        await fetch_sdl(f"{subgraph_server}/books/graphql")


async def test_composition_fetch_sdl_reports_graphql_errors(subgraph_server):
    with pytest.raises(FetchError, match="resolver exploded"):
        await fetch_sdl(f"{subgraph_server}/broken/graphql", {"authorization": TOKEN})


async def test_composition_compose_from_urls_builds_the_supergraph(subgraph_server):
    result = await compose_from_urls(
        [("books", f"{subgraph_server}/books/graphql"), ("reviews", f"{subgraph_server}/reviews/graphql")],
        headers={"authorization": TOKEN},
    )
    assert result.errors == []
    assert result.supergraph_sdl is not None
    assert f'BOOKS @join__graph(name: "books", url: "{subgraph_server}/books/graphql")' in result.supergraph_sdl
    assert "reviews: [String!]! @join__field(graph: REVIEWS)" in result.supergraph_sdl


async def test_composition_compose_from_urls_names_the_unreachable_subgraph(subgraph_server):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    result = await compose_from_urls(
        [("books", f"{subgraph_server}/books/graphql"), ("reviews", f"http://127.0.0.1:{closed_port}/graphql")],
        headers={"authorization": TOKEN},
    )
    assert result.supergraph_sdl is None
    assert [(e.code, e.subgraph) for e in result.errors] == [("SUBGRAPH_FETCH_FAILED", "reviews")]
    assert "cannot reach" in result.errors[0].message
