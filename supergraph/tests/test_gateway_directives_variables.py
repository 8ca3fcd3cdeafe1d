"""@include/@skip (literal, variable, defaulted, on fragments) and variables passed to subgraphs."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_entities") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    for sg in served.subgraphs.values():
        sg.requests.clear()
    yield gateway, served.subgraphs
    await gateway.aclose()


QUERY = """query Users($withPlan: Boolean!, $hideName: Boolean = false) {
  users { id name @skip(if: $hideName) plan @include(if: $withPlan) }
}"""


async def test_include_false_removes_the_field_and_its_fetch(gw):
    gateway, subgraphs = gw
    await check(gateway, QUERY, {"users": [{"id": "u1", "name": "Ada"}, {"id": "u2", "name": "Alan"}]},
                variables={"withPlan": False})
    assert subgraphs["plans"].requests == []


async def test_include_true_and_skip_true(gw):
    gateway, _ = gw
    await check(gateway, QUERY, {"users": [{"id": "u1", "plan": "pro"}, {"id": "u2", "plan": "free"}]},
                variables={"withPlan": True, "hideName": True})


async def test_same_text_with_other_variable_values_gets_its_own_plan(gw):
    gateway, _ = gw
    await check(gateway, QUERY, {"users": [{"id": "u1", "name": "Ada"}, {"id": "u2", "name": "Alan"}]},
                variables={"withPlan": False})
    await check(gateway, QUERY, {"users": [{"id": "u1", "name": "Ada", "plan": "pro"},
                                           {"id": "u2", "name": "Alan", "plan": "free"}]},
                variables={"withPlan": True})


async def test_directives_on_fragments_and_literals(gw):
    gateway, _ = gw
    query = """query($on: Boolean!) {
      users { id ... on User @include(if: $on) { plan } ...Mail @skip(if: true) }
    }
    fragment Mail on User { email }"""
    await check(gateway, query, {"users": [{"id": "u1", "plan": "pro"}, {"id": "u2", "plan": "free"}]},
                variables={"on": True})
    await check(gateway, query, {"users": [{"id": "u1"}, {"id": "u2"}]}, variables={"on": False})


async def test_variables_reach_the_subgraph_that_needs_them(gw):
    gateway, subgraphs = gw
    await check(gateway, "query($id: ID!) { u: user(id: $id) { plan } }", {"u": {"plan": "pro"}},
                variables={"id": "u1"})
    (req,) = subgraphs["users"].requests
    assert req["variables"] == {"id": "u1"}
    assert subgraphs["plans"].requests[0]["variables"].keys() == {"representations"}


async def test_defer_is_accepted_and_answered_in_one_response(gw):
    gateway, _ = gw
    await check(gateway, '{ users { id ... @defer(label: "later") { name plan } } }', {"users": [
        {"id": "u1", "name": "Ada", "plan": "pro"}, {"id": "u2", "name": "Alan", "plan": "free"}]})
