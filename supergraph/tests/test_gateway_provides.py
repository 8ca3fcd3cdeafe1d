"""@provides: provided fields are read from the providing subgraph; the rest still comes from their owner."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_provides") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway, served.subgraphs
    await gateway.aclose()


async def test_nested_provides_needs_no_further_fetch(gw):
    gateway, subgraphs = gw
    subgraphs["people"].requests.clear()
    await check(gateway, "{ reviews { body author { name address { city } } } }", {"reviews": [
        {"body": "Great", "author": {"name": "Ada (as provided)", "address": {"city": "London (as provided)"}}},
    ]})
    assert subgraphs["people"].requests == []


async def test_fields_outside_provides_come_from_their_owner(gw):
    gateway, _ = gw
    await check(gateway, "{ reviews { author { name address { city country } } } }", {"reviews": [
        {"author": {"name": "Ada (as provided)", "address": {"city": "London (as provided)", "country": "UK"}}},
    ]})


async def test_provides_on_an_interface_field_applies_to_the_named_type_only(gw):
    gateway, _ = gw
    await check(gateway, "{ featured { id title ... on Book { year } } }", {
        "featured": {"id": "b1", "title": "Dune (as provided)", "year": 1965}})


async def test_provides_on_a_union_field(gw):
    gateway, _ = gw
    await check(gateway, "{ results { __typename ... on Book { title year } ... on Film { title } } }", {
        "results": [
            {"__typename": "Book", "title": "Dune (as provided)", "year": 1965},
            {"__typename": "Film", "title": "Alien (as provided)"},
        ]})


async def test_shared_root_field_is_answered_by_one_subgraph(gw):
    gateway, subgraphs = gw
    subgraphs["people"].requests.clear()
    subgraphs["media"].requests.clear()
    await check(gateway, "{ people { id name } }",
                {"people": [{"id": "1", "name": "Ada"}, {"id": "2", "name": "Grace"}]})
    # `people` exists in two subgraphs; the one that also has `name` answers it alone
    assert len(subgraphs["people"].requests) == 1 and subgraphs["media"].requests == []


@pytest.fixture(scope="module")
def served_value():
    with serve_scenario("sc_shared_value") as s:
        yield s


async def test_shared_root_value_type_is_assembled_from_each_subgraph(served_value):
    gateway = served_value.gateway()
    try:
        await check(gateway, "{ info { version left right { name } } }", {
            "info": {"version": "1", "left": "from left", "right": [{"name": "r1"}, {"name": "r2"}]}})
        await check(gateway, "{ i: info { left } j: info { right { name } } }", {
            "i": {"left": "from left"}, "j": {"right": [{"name": "r1"}, {"name": "r2"}]}})
    finally:
        await gateway.aclose()
