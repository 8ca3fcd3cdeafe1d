"""@interfaceObject: interface fields from subgraphs that see the interface as one object type."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_interface_object") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


async def test_interface_object_field_on_concrete_objects(gw):
    await check(gw, "{ media { __typename id title rating ... on Book { author } } }", {"media": [
        {"__typename": "Book", "id": "m1", "title": "Dune", "rating": 5, "author": "Herbert"},
        {"__typename": "Song", "id": "m2", "title": "Heroes", "rating": 4},
    ]})


async def test_objects_from_the_interface_object_subgraph_learn_their_type(gw):
    await check(gw, "{ topRated { __typename id rating title ... on Song { artist } } }", {"topRated": [
        {"__typename": "Book", "id": "m1", "rating": 5, "title": "Dune"},
        {"__typename": "Song", "id": "m2", "rating": 4, "title": "Heroes", "artist": "Bowie"},
    ]})


async def test_interface_object_fields_only(gw):
    await check(gw, "{ topRated { id rating } }", {"topRated": [{"id": "m1", "rating": 5}, {"id": "m2", "rating": 4}]})


async def test_requires_in_an_interface_object(gw):
    await check(gw, "{ media { titleLength } topRated { id titleLength } }", {
        "media": [{"titleLength": 4}, {"titleLength": 6}],
        "topRated": [{"id": "m1", "titleLength": 4}, {"id": "m2", "titleLength": 6}],
    })


async def test_non_resolvable_interface_object_reference(gw):
    await check(gw, "{ promoted { id title rating __typename } }", {
        "promoted": {"id": "m2", "title": "Heroes", "rating": 4, "__typename": "Song"}})


@pytest.fixture(scope="module")
def served_lonely():
    with serve_scenario("sc_lonely_interface") as s:
        yield s


async def test_interface_object_fields_resolve_directly_without_type_conditions(served_lonely):
    gateway = served_lonely.gateway()
    try:
        await check(gateway, "{ b { id field } }", {"b": {"id": "n1", "field": "foo"}})
        await check(gateway, "{ a { id } }", {"a": None})
    finally:
        await gateway.aclose()


async def test_interface_field_unreachable_from_a_subgraph_without_implementations_is_refused(served_lonely):
    # `a` lives only in a subgraph where nothing implements Node: no object it returns can reach `field`
    # (Apollo Router refuses to plan this; Apollo Gateway answers {"a": null} without a word)
    gateway = served_lonely.gateway()
    try:
        result = await gateway.execute("{ a { field } }")
        assert result.body["data"] is None
        assert result.body["errors"][0]["extensions"]["code"] == "QUERY_PLANNING_FAILED"
    finally:
        await gateway.aclose()
