"""The Relay node pattern across subgraphs."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_node") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


QUERY = """query($id: ID!) {
  node(id: $id) { __typename id ... on User { name posts { title } } ... on Post { title author { name } } }
}"""


async def test_node_resolves_a_user(gw):
    await check(gw, QUERY, {"node": {"__typename": "User", "id": "u1", "name": "Ada",
                                     "posts": [{"title": "Engines"}, {"title": "Notes"}]}}, variables={"id": "u1"})


async def test_node_resolves_a_post(gw):
    await check(gw, QUERY, {"node": {"__typename": "Post", "id": "p2", "title": "Machines",
                                     "author": {"name": "Alan"}}}, variables={"id": "p2"})


async def test_unknown_node_is_null(gw):
    await check(gw, QUERY, {"node": None}, variables={"id": "zz"})


async def test_list_of_mixed_nodes_keeps_order_and_nulls(gw):
    await check(gw, '{ nodes(ids: ["p1", "u2", "zz", "p3"]) { id ... on Post { title } ... on User { name } } }', {
        "nodes": [{"id": "p1", "title": "Engines"}, {"id": "u2", "name": "Alan"}, None,
                  {"id": "p3", "title": "Notes"}]})
