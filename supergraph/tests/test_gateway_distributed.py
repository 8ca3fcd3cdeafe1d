# ruff: noqa: E501 - the operations are kept on one line each, as clients send them
"""A union member that implements interfaces only in another subgraph, and interfaces spread over two subgraphs.
Cross-checked against Apollo Gateway with compare_with_apollo.py."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_distributed") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


CASES = [
    (
        "{ products { ... on Node { id } } }",
        {"products": [{"id": "oven1"}, {"id": "oven2"}, {"id": "toaster1"}, {"id": "toaster2"}]},
        False,
    ),
    (
        "{ products { ... on WithWarranty { warranty } ... on Oven { id } } }",
        {
            "products": [
                {"warranty": 1, "id": "oven1"},
                {"warranty": 2, "id": "oven2"},
                {"warranty": 3},
                {"warranty": 4},
            ]
        },
        False,
    ),
    (
        "{ nodes { ... on Toaster { warranty } ... on Oven { id } } }",
        {"nodes": [{"warranty": 3}, {"warranty": 4}]},
        False,
    ),
    (
        "{ nodes { id } }",
        {"nodes": [{"id": "toaster1"}, {"id": "toaster2"}]},
        False,
    ),
    (
        "{ nodes { ... on Node { ... on WithWarranty { warranty } } } }",
        {"nodes": [{"warranty": 3}, {"warranty": 4}]},
        False,
    ),
    (
        "{ nodes { ... on Node { id ... on Node { id ... on WithWarranty { warranty } } } } }",
        {"nodes": [{"id": "toaster1", "warranty": 3}, {"id": "toaster2", "warranty": 4}]},
        False,
    ),
    (
        "{ toasters { ...T } } fragment T on Toaster { warranty }",
        {"toasters": [{"warranty": 3}, {"warranty": 4}]},
        False,
    ),
    (
        '{ node(id: "oven1") { ... on Oven { warranty } } }',
        {"node": {"warranty": 1}},
        False,
    ),
    (
        '{ node(id: "toaster1") { ... on Toaster { warranty } } }',
        {"node": {"warranty": 3}},
        False,
    ),
    (
        "{ products { __typename ... on Toaster { id warranty } ... on Node { __typename } } }",
        {
            "products": [
                {"__typename": "Oven"},
                {"__typename": "Oven"},
                {"__typename": "Toaster", "id": "toaster1", "warranty": 3},
                {"__typename": "Toaster", "id": "toaster2", "warranty": 4},
            ]
        },
        False,
    ),
]


@pytest.mark.parametrize(("query", "data", "errors"), CASES)
async def test_distributed_abstract_types(gw, query, data, errors):
    await check(gw, query, data, errors=errors)
