# ruff: noqa: E501 - the operations are kept on one line each, as clients send them
"""`node` shared by two subgraphs that hold some ids only as @external: each part is answered by the subgraph that
can, and a selection no subgraph can answer is refused. Cross-checked against Apollo Gateway."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_shared_node") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


CASES = [
    (
        '{ node(id: "pe1") { id } }',
        None,
        True,
    ),
    (
        '{ p: node(id: "pe1") { __typename } r: node(id: "r1") { __typename } }',
        {"p": {"__typename": "Person"}, "r": {"__typename": "Room"}},
        False,
    ),
    (
        '{ p: node(id: "pe1") { ... on Person { id nick } } r: node(id: "r1") { ... on Room { id topic } } }',
        {"p": {"id": "pe1", "nick": "ada"}, "r": {"id": "r1", "topic": "books"}},
        False,
    ),
    (
        '{ p: node(id: "pe1") { ... on Room { id } } r: node(id: "r1") { ... on Person { id } } }',
        {"p": {}, "r": {}},
        False,
    ),
    (
        '{ p: node(id: "pe1") { __typename ... on Room { id } } r: node(id: "r1") { __typename ... on Person { id } } }',
        {"p": {"__typename": "Person"}, "r": {"__typename": "Room"}},
        False,
    ),
    (
        '{ p: node(id: "pe1") { id ... on Room { id } } }',
        None,
        True,
    ),
    (
        '{ room(id: "r1") { id topic owner { id nick } } }',
        {"room": {"id": "r1", "topic": "books", "owner": {"id": "pe1", "nick": "ada"}}},
        False,
    ),
    (
        '{ person(id: "pe1") { id nick rooms { id topic } } }',
        {"person": {"id": "pe1", "nick": "ada", "rooms": [{"id": "r1", "topic": "books"}]}},
        False,
    ),
]


@pytest.mark.parametrize(("query", "data", "errors"), CASES)
async def test_shared_node(gw, query, data, errors):
    await check(gw, query, data, errors=errors)
