"""Entity keys: single, multiple, compound, nested, non-resolvable, null keys, parent entity calls."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_entities") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway, served.subgraphs
    await gateway.aclose()


async def test_single_key_jump_to_another_subgraph_uses_the_key_it_can_resolve(gw):
    gateway, _ = gw
    # `plans` only knows User by email: the planner must pick the email key, not id
    await check(gateway, "{ users { name plan } }", {"users": [
        {"name": "Ada", "plan": "pro"}, {"name": "Alan", "plan": "free"}]})


async def test_compound_key_and_non_resolvable_reference(gw):
    gateway, _ = gw
    await check(gateway, "{ accounts { number region balance holder { id name plan } } }", {"accounts": [
        {"number": "1", "region": "eu", "balance": 10, "holder": {"id": "u1", "name": "Ada", "plan": "pro"}},
        {"number": "1", "region": "us", "balance": 20, "holder": {"id": "u2", "name": "Alan", "plan": "free"}},
        {"number": "2", "region": "eu", "balance": 30, "holder": None},
    ]})


async def test_nested_key(gw):
    gateway, _ = gw
    await check(gateway, "{ shipments { id status weight carrier { code } } }", {"shipments": [
        {"id": "s1", "status": "delivered", "weight": 3, "carrier": {"code": "dhl"}},
        {"id": "s1", "status": "in transit", "weight": 5, "carrier": {"code": "ups"}},
    ]})


async def test_null_key_on_a_chain_of_keys_leaves_the_field_null_without_error(gw):
    gateway, _ = gw
    await check(gateway, "{ shelf { book { upc author { name } } } }", {"shelf": [
        {"book": {"upc": "b1", "author": {"name": "Alice"}}},
        {"book": {"upc": "b2", "author": {"name": "Bob"}}},
        {"book": {"upc": "b3", "author": None}},
    ]})


async def test_value_type_completed_through_the_parent_entity(gw):
    gateway, _ = gw
    await check(gateway, "{ products { id category { id name details { productCount } } } }", {"products": [
        {"id": "p1", "category": {"id": "c1", "name": "Books", "details": {"productCount": 2}}},
        {"id": "p2", "category": {"id": "c2", "name": "Music", "details": {"productCount": 1}}},
        {"id": "p3", "category": {"id": "c1", "name": "Books", "details": {"productCount": 2}}},
    ]})


async def test_representations_are_deduplicated(gw):
    gateway, subgraphs = gw
    subgraphs["details"].requests.clear()
    await check(gateway, "{ a: products { id category { details { productCount } } } }", {"a": [
        {"id": "p1", "category": {"details": {"productCount": 2}}},
        {"id": "p2", "category": {"details": {"productCount": 1}}},
        {"id": "p3", "category": {"details": {"productCount": 2}}},
    ]})
    (req,) = subgraphs["details"].requests
    reps = req["variables"]["representations"]
    assert len(reps) == len({r["id"] for r in reps}) == 3


async def test_entity_call_by_argument_with_alias_and_typename(gw):
    gateway, _ = gw
    await check(gateway, '{ who: user(id: "u2") { __typename mail: email plan } nobody: user(id: "zz") { name } }',
                {"who": {"__typename": "User", "mail": "alan@example.org", "plan": "free"}, "nobody": None})


async def test_client_aliases_that_reuse_key_field_names(gw):
    gateway, _ = gw
    # the client calls `region` "number" and `name` "email": the keys the gateway needs must not be confused
    await check(gateway, "{ accounts { number: region balance } users { email: name plan } }", {
        "accounts": [{"number": "eu", "balance": 10}, {"number": "us", "balance": 20}, {"number": "eu", "balance": 30}],
        "users": [{"email": "Ada", "plan": "pro"}, {"email": "Alan", "plan": "free"}],
    })
