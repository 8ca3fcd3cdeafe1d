"""Interfaces and unions across subgraphs, fragments of every kind, __typename everywhere."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_abstract") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


async def test_interface_fields_and_type_specific_fields_from_another_subgraph(gw):
    await check(gw, "{ items { __typename id name ... on Book { price pages } ... on Magazine { issue } } }", {
        "items": [
            {"__typename": "Book", "id": "b1", "name": "Dune", "price": 10, "pages": 412},
            {"__typename": "Magazine", "id": "m1", "name": "Wired", "issue": 7},
            {"__typename": "Book", "id": "b2", "name": "Emma", "price": 7, "pages": 320},
        ]})


async def test_fragment_on_a_member_the_subgraph_does_not_know_is_ignored(gw):
    await check(gw, "{ items { id ... on Dvd { minutes } } }", {"items": [{"id": "b1"}, {"id": "m1"}, {"id": "b2"}]})


async def test_partial_unions(gw):
    await check(gw, "{ search { ... on Book { name price } ... on Magazine { name } ... on Dvd { minutes } } }", {
        "search": [{"name": "Wired"}, {"name": "Dune", "price": 10}]})
    await check(gw, "{ extraResults { __typename ... on Dvd { name } ... on Magazine { issue } } }", {
        "extraResults": [{"__typename": "Dvd", "name": "Alien"}, None]})


async def test_abstract_types_nested_inside_entities(gw):
    await check(gw, """{ owners { name favorite { __typename name ... on Book { pages } }
                         collection { ... on Dvd { minutes } ... on Book { name price } } } }""", {
        "owners": [
            {"name": "Ada", "favorite": {"__typename": "Book", "name": "Emma", "pages": 320},
             "collection": [{"minutes": 117}, {"name": "Dune", "price": 10}]},
            {"name": "Alan", "favorite": {"__typename": "Dvd", "name": "Alien"}, "collection": []},
        ]})


async def test_named_nested_fragments_on_abstract_types_with_aliases(gw):
    query = """
    query Shelf {
      everything: items { ...ItemParts }
      more: extraItems { ...ItemParts }
    }
    fragment ItemParts on Item { kind: __typename id ...BookParts ... on Dvd { length: minutes } }
    fragment BookParts on Book { title: name pages }
    """
    await check(gw, query, {
        "everything": [
            {"kind": "Book", "id": "b1", "title": "Dune", "pages": 412},
            {"kind": "Magazine", "id": "m1"},
            {"kind": "Book", "id": "b2", "title": "Emma", "pages": 320},
        ],
        "more": [{"kind": "Dvd", "id": "d1", "length": 117},
                 {"kind": "Book", "id": "b1", "title": "Dune", "pages": 412}],
    })


async def test_typename_on_the_root_and_inside_entity_fetches(gw):
    await check(gw, "{ __typename owners { __typename favorite { __typename } } }", {
        "__typename": "Query",
        "owners": [{"__typename": "Owner", "favorite": {"__typename": "Book"}},
                   {"__typename": "Owner", "favorite": {"__typename": "Dvd"}}]})


async def test_field_whose_nullability_differs_between_subgraphs(gw):
    await check(gw, "{ extraItems { ... on Book { pages } } items { ... on Book { pages } } }", {
        "extraItems": [{}, {"pages": 412}], "items": [{"pages": 412}, {}, {"pages": 320}]})
