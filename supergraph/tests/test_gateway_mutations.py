"""Mutations run in the order written, each with its entity fetches done before the next one starts."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_mutations") as s:
        yield s


@pytest.fixture
async def gw(served):
    served.subgraphs["multiplier"].state["counter"] = 0
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


async def test_mutations_across_subgraphs_run_in_order(gw):
    await check(gw, "mutation { a: add(n: 1) b: multiply(by: 10) c: add(n: 2) d: add(n: 3) e: multiply(by: 2) }",
                {"a": 1, "b": 10, "c": 12, "d": 15, "e": 30})


async def test_mutation_result_is_completed_from_another_subgraph_before_the_next_mutation(gw):
    query = """mutation Notes($t: String!) {
      first: addNote(text: $t) { id text counterAtCreation length }
      add(n: 5)
      second: addNote(text: "hi") { id counterAtCreation }
    }"""
    body = await check(gw, query, {
        "first": {"id": "n1", "text": "hello", "counterAtCreation": 0, "length": 5},
        "add": 5,
        "second": {"id": "n2", "counterAtCreation": 5},
    }, variables={"t": "hello"})
    assert "errors" not in body


async def test_mutation_plan_is_a_sequence(gw):
    text = gw.explain("mutation { a: add(n: 1) b: multiply(by: 2) }")
    assert text.index('"adder"') < text.index('"multiplier"')
    assert "Sequence" in text
