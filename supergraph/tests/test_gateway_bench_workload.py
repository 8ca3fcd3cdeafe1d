"""The public benchmark's workload: the gateway must answer its query exactly, from four subgraphs."""

import json

import pytest
from supergraph_fixtures.bench import WORKLOAD as BENCH
from supergraph_fixtures.bench import subgraphs as bench
from supergraph_testkit import ask, running


@pytest.fixture
def bench_gateway():
    subgraphs = bench.build()
    with running(subgraphs, (BENCH / "supergraph.graphql").read_text()) as gw:
        yield gw, {s.name: s for s in subgraphs}


async def test_benchmark_query_is_answered_exactly(bench_gateway):
    gw, _ = bench_gateway
    body = await ask(gw, (BENCH / "query.graphql").read_text())
    expected = json.loads((BENCH / "expected-response.json").read_text())
    assert body == expected
    # the key order of the response follows the operation, as JSON clients see it
    assert json.dumps(body) == json.dumps(expected)
    await gw.aclose()


async def test_benchmark_plan_is_cached_and_reused(bench_gateway):
    gw, subgraphs = bench_gateway
    query = (BENCH / "query.graphql").read_text()
    first = await ask(gw, query)
    fetches_first = sum(len(s.requests) for s in subgraphs.values())
    second = await ask(gw, query)
    assert first == second
    assert len(gw._plans) == 1
    assert sum(len(s.requests) for s in subgraphs.values()) == 2 * fetches_first
    await gw.aclose()


async def test_concurrent_requests_share_the_plan_and_stay_correct(bench_gateway):
    import asyncio

    gw, _ = bench_gateway
    query = (BENCH / "query.graphql").read_text()
    expected = json.loads((BENCH / "expected-response.json").read_text())
    bodies = await asyncio.gather(*(ask(gw, query) for _ in range(20)))
    assert all(b == expected for b in bodies)
    assert len(gw._plans) == 1
    await gw.aclose()
