"""Subgraph failures give partial data with errors at the right paths; nulls propagate as the spec says."""

import time

import pytest
from supergraph_testkit import ask, check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_errors") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway(timeout=0.5)
    yield gateway
    await gateway.aclose()


async def test_failing_subgraph_leaves_its_fields_null_and_reports_an_error(gw):
    body = await check(gw, '{ product(id: "p1") { name reviews { body } } }',
                       {"product": {"name": "Table", "reviews": None}}, errors=True)
    assert body["errors"][0]["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR", "service": "reviews"}


async def test_slow_subgraph_times_out_instead_of_hanging(gw):
    started = time.monotonic()
    await check(gw, '{ product(id: "p3") { name eta } }', {"product": {"name": "Lamp", "eta": None}}, errors=True)
    assert time.monotonic() - started < 2.5


async def test_entity_error_is_reported_at_the_client_path_and_nulls_propagate(gw):
    body = await check(gw, "{ products { id stock } }", {"products": [
        {"id": "p1", "stock": 3}, None, {"id": "p3", "stock": 0}]}, errors=True)
    paths = [e.get("path") for e in body["errors"]]
    assert ["products", 1, "stock"] in paths
    assert body["errors"][0]["message"] == "stock unknown"


async def test_null_propagates_through_non_null_list_items_to_the_root(gw):
    await check(gw, "{ strict { id stock } }", None, errors=True)


async def test_error_in_one_root_field_keeps_the_others(gw):
    body = await check(gw, '{ broken product(id: "p1") { name warehouse } }',
                       {"broken": None, "product": {"name": "Table", "warehouse": "north"}}, errors=True)
    assert body["errors"][0]["path"] == ["broken"]


async def test_missing_entity_gives_null(gw):
    await check(gw, '{ product(id: "zz") { name stock } }', {"product": None})


async def test_malformed_requests_are_refused_with_a_reason(gw):
    body = await ask(gw, "{ products { id ")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    result = await gw.execute("query($id: ID!) { product(id: $id) { name } }", {})
    assert result.status == 400 and result.body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    result = await gw.execute("query A { products { id } } query B { strict { id } }", None, "C")
    assert result.status == 400 and "data" not in result.body
