"""Operating the gateway: health and readiness, Prometheus metrics after traffic, the request id (response
header, subgraphs, logs), JSON logs, CORS, and reloading a changed supergraph without dropping requests."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest
import structlog
from edge_kit import BOOKS_SDL, Federation, client, federation, post, supergraph_sdl

from supergraph.edge import EdgeApp, EdgeSettings
from supergraph.edge.logs import configure_logging
from supergraph.transport import HttpxSubgraphClient


@pytest.fixture(scope="module")
def fed():  # noqa: ANN201
    with federation() as f:
        yield f


async def _started(app: EdgeApp) -> None:
    """What the lifespan startup does (httpx's ASGI transport does not send lifespan events)."""
    app.ready = True


async def test_health_and_readiness(fed: Federation) -> None:
    app = fed.app()
    async with client(app) as http:
        assert (await http.get("/health")).json() == {"status": "ok"}
        before_start = await http.get("/ready")
        await _started(app)
        app._ready_cache = None
        ready = await http.get("/ready")
    assert before_start.status_code == 503
    assert ready.status_code == 200
    assert ready.json()["subgraphs"] == {"accounts": "ok", "books": "ok"}


async def test_not_ready_when_a_subgraph_is_unreachable(fed: Federation) -> None:
    app = EdgeApp(fed.sdl, settings=EdgeSettings(), url_overrides={**fed.overrides, "books": "http://127.0.0.1:9/x"})
    await _started(app)
    async with client(app) as http:
        response = await http.get("/ready")
    assert response.status_code == 503
    assert response.json()["subgraphs"]["accounts"] == "ok"
    assert response.json()["subgraphs"]["books"].startswith("unreachable")


async def test_metrics_after_traffic(fed: Federation) -> None:
    app = fed.app()
    async with client(app) as http:
        for _ in range(3):
            await post(http, "query Books { books { title owner { name } } }")
        await post(http, 'query Boom { book(isbn: "boom") { title } }')
        await post(http, "query Deep { books { related { related { related { title } } } } }", )
        await post(http, "{ nope }")
        text = (await http.get("/metrics")).text
    lines = set(text.splitlines())
    assert 'bookshare_gateway_requests_total{operation="Books",outcome="ok"} 3.0' in lines
    assert 'bookshare_gateway_requests_total{operation="Boom",outcome="errors"} 1.0' in lines
    assert 'bookshare_gateway_requests_total{operation="anonymous",outcome="refused"} 1.0' in lines
    assert 'bookshare_gateway_request_duration_seconds_count{operation="Books"} 3.0' in lines
    assert 'bookshare_gateway_subgraph_fetch_duration_seconds_count{subgraph="books"} 5.0' in lines
    assert 'bookshare_gateway_subgraph_fetch_duration_seconds_count{subgraph="accounts"} 3.0' in lines
    assert 'bookshare_gateway_subgraph_fetch_errors_total{kind="graphql",subgraph="books"} 1.0' in lines
    assert 'bookshare_gateway_plan_cache_total{result="hit"} 2.0' in lines
    assert 'bookshare_gateway_plan_cache_total{result="miss"} 3.0' in lines


async def test_the_request_id_reaches_the_subgraphs_and_comes_back(fed: Federation) -> None:
    async with client(fed.app()) as http:
        fed.clear()
        given = await post(http, "{ books { title owner { name } } }", headers={"x-request-id": "abc-123"})
        made = await post(http, "{ books { title } }", headers={"x-request-id": "bad id\\n<script>"})
    assert given.headers["x-request-id"] == "abc-123"
    assert {h["x-request-id"] for hs in fed.recorder.headers.values() for h in hs[:2]} >= {"abc-123"}
    assert all("bookshare-gateway-credential" in h for hs in fed.recorder.headers.values() for h in hs)
    assert len(made.headers["x-request-id"]) == 32 and made.headers["x-request-id"] != given.headers["x-request-id"]
    assert fed.recorder.headers["books"][-1]["x-request-id"] == made.headers["x-request-id"]


async def test_logs_are_json_lines_with_the_request_id(fed: Federation, capsys: pytest.CaptureFixture) -> None:
    configure_logging(json=True)
    try:
        async with client(fed.app(environment="production", access_log=True)) as http:
            await post(http, 'query Boom { book(isbn: "boom") { title } }', headers={"x-request-id": "log-1"})
    finally:
        structlog.reset_defaults()
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    entries = [line for line in lines if line.get("request_id") == "log-1"]
    assert entries[0]["level"] == "warning" and "hunter2" in json.dumps(entries[0]) and "timestamp" in entries[0]
    access = entries[-1]
    assert (access["event"], access["operation"], access["status"]) == ("graphql request", "Boom", 200)
    assert access["duration_ms"] > 0


async def test_cors_for_configured_origins_only(fed: Federation) -> None:
    preflight = {"origin": "http://localhost:3000", "access-control-request-method": "POST",
                 "access-control-request-headers": "content-type"}
    async with client(fed.app()) as http:  # development: local origins
        dev = await http.options("/graphql", headers=preflight)
        other = await http.options("/graphql", headers={**preflight, "origin": "https://evil.example"})
    async with client(fed.app(environment="production")) as http:
        prod = await http.options("/graphql", headers=preflight)
    async with client(fed.app(environment="production", cors_origins=["https://app.bookshare.example"])) as http:
        configured = await post(http, "{ books { isbn } }", headers={"origin": "https://app.bookshare.example"})
    assert dev.status_code == 204 and dev.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "POST" in dev.headers["access-control-allow-methods"]
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in prod.headers
    assert configured.headers["access-control-allow-origin"] == "https://app.bookshare.example"


async def test_a_changed_supergraph_file_is_loaded_without_dropping_requests(fed: Federation, tmp_path: Path) -> None:
    without_related = BOOKS_SDL.replace("  related(first: Int): [Book!]!\n", "")
    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph_sdl(list(fed.subgraphs.values()), fed.base, without_related))
    closed: list[object] = []

    class Tracked(HttpxSubgraphClient):
        async def aclose(self) -> None:
            closed.append(self)
            await super().aclose()

    app = EdgeApp(path.read_text(), settings=EdgeSettings(), url_overrides=fed.overrides, supergraph_path=path,
                  client_factory=Tracked)
    related = "{ books { related(first: 1) { title } } }"
    async with client(app) as http:
        before = await post(http, related)
        assert before.status_code == 400  # not in this supergraph yet
        old = app.state
        fed.subgraphs["books"].delay = 0.5
        try:
            in_flight = asyncio.create_task(post(http, "{ books { title } }"))
            await asyncio.sleep(0.2)
            path.write_text("this is not a supergraph")
            os.utime(path, ns=(1, 1))
            assert not await app.reload_if_changed()  # a bad file keeps the current supergraph
            path.write_text(fed.sdl)
            os.utime(path, ns=(2, 2))
            assert await app.reload_if_changed()
            assert app.state is not old and old.in_flight == 1
        finally:
            fed.subgraphs["books"].delay = 0
        assert (await in_flight).json()["data"]["books"][0] == {"title": "Dune"}
        after = await post(http, related)
        await asyncio.sleep(0.1)
    assert after.status_code == 200 and after.json()["data"]["books"][0]["related"][0] == {"title": "Dune"}
    assert old.in_flight == 0 and old.gateway.client.inner is not None
    assert closed[0] is old.gateway.client.inner  # the old gateway's connections were closed once it was idle
    text = app.metrics.render().decode()
    assert 'bookshare_gateway_supergraph_reloads_total{result="ok"} 1.0' in text
    assert 'bookshare_gateway_supergraph_reloads_total{result="failed"} 1.0' in text


def test_served_with_its_lifespan_it_is_ready_and_follows_its_supergraph_file(fed: Federation, tmp_path: Path) -> None:
    import time

    import httpx

    from supergraph.testing import serve_asgi

    path = tmp_path / "supergraph.graphql"
    path.write_text(supergraph_sdl(list(fed.subgraphs.values()), fed.base,
                                   BOOKS_SDL.replace("  related(first: Int): [Book!]!\n", "")))
    app = EdgeApp(path.read_text(), settings=EdgeSettings(supergraph_poll_seconds=0.1), url_overrides=fed.overrides,
                  supergraph_path=path)
    query = {"query": "{ books { related(first: 1) { isbn } } }"}
    with serve_asgi(app) as base:
        assert httpx.get(f"{base}/ready").status_code == 200
        assert httpx.post(f"{base}/graphql", json=query).status_code == 400
        path.write_text(fed.sdl)
        os.utime(path, ns=(10**18, 10**18))
        deadline = time.monotonic() + 10
        while httpx.post(f"{base}/graphql", json=query).status_code != 200:
            assert time.monotonic() < deadline, "the changed supergraph was not picked up"
            time.sleep(0.1)
    assert app.ready is False  # the lifespan shutdown ran


def test_with_several_workers_metrics_are_summed_across_processes(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    worker = ("from supergraph.edge.metrics import EdgeMetrics\n"
              "m = EdgeMetrics()\n"
              "m.count_request('Books', 'ok'); m.operation('Books')[1].observe(0.01)\n"
              "m.document_checks.count(True); m.plan_cache.count(False)\n")
    for _ in range(2):  # two worker processes
        subprocess.run([sys.executable, "-c", worker], env=env, check=True, timeout=60)
    scrape = "from supergraph.edge.metrics import EdgeMetrics\nprint(EdgeMetrics().render().decode())"
    text = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=60, capture_output=True,
                          text=True).stdout
    lines = set(text.splitlines())
    assert 'bookshare_gateway_requests_total{operation="Books",outcome="ok"} 2.0' in lines
    assert 'bookshare_gateway_request_duration_seconds_count{operation="Books"} 2.0' in lines
    assert 'bookshare_gateway_document_checks_cache_total{result="hit"} 2.0' in lines
    assert 'bookshare_gateway_plan_cache_total{result="miss"} 2.0' in lines
