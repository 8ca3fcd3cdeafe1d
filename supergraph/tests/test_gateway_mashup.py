# ruff: noqa: E501 - the operations are kept on one line each, as clients send them
"""Key chains, a self-referencing interface across subgraphs, a union completed elsewhere, a root field shared by
three subgraphs. Expected data cross-checked against Apollo Gateway with compare_with_apollo.py."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_mashup") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


CASES = [
    (
        "{ b { id a { id name nameInB nameInC } } }",
        {
            "b": {
                "id": "b1",
                "a": [
                    {"id": "a1", "name": "A1", "nameInB": "a1 in b", "nameInC": "a1 in c"},
                    {"id": "a2", "name": "A2", "nameInB": "a2 in b", "nameInC": "a2 in c"},
                ],
            }
        },
    ),
    (
        "{ b { id nameInB nameInC } }",
        {"b": {"id": "b1", "nameInB": "b1 in b", "nameInC": "b1 in c"}},
    ),
    (
        "{ shared { id fromA fromB fromC } }",
        {"shared": {"id": "s1", "fromA": "from a", "fromB": "from b", "fromC": "from c"}},
    ),
    (
        "{ shared { fromC } }",
        {"shared": {"fromC": "from c"}},
    ),
    (
        "{ items { id label weight next { id ... on Item { label weight } next { id ... on Item { weight label } } } } }",
        {
            "items": [
                {
                    "id": "i1",
                    "label": "first",
                    "weight": 1,
                    "next": {
                        "id": "i2",
                        "label": "second",
                        "weight": 2,
                        "next": {"id": "i3", "weight": 3, "label": "third"},
                    },
                },
                {"id": "i3", "label": "third", "weight": 3, "next": None},
            ]
        },
    ),
    (
        "{ things { __typename ... on Gadget { id power } ... on Item { id label weight next { id } } } }",
        {
            "things": [
                {"__typename": "Gadget", "id": "g1", "power": 9},
                {"__typename": "Item", "id": "i2", "label": "second", "weight": 2, "next": {"id": "i3"}},
            ]
        },
    ),
    (
        "{ b { a { compositeId { one two } pId nameInC } } }",
        {
            "b": {
                "a": [
                    {"compositeId": {"one": "x", "two": "y"}, "pId": "p1", "nameInC": "a1 in c"},
                    {"compositeId": {"one": "x", "two": "z"}, "pId": "p2", "nameInC": "a2 in c"},
                ]
            }
        },
    ),
]


@pytest.mark.parametrize(("query", "data"), CASES)
async def test_mashup(gw, query, data):
    await check(gw, query, data)
