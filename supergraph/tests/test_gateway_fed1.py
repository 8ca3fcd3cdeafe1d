"""Federation 1 subgraphs composed into join v0.3: extended types, @external keys, @provides, @requires."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_fed1") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


async def test_extended_entities_and_requires(gw):
    await check(gw, "{ topProducts { upc name inStock shippingEstimate reviews { body author { name } } } }", {
        "topProducts": [
            {"upc": "1", "name": "Table", "inStock": True, "shippingEstimate": 50,
             "reviews": [{"body": "Love it!", "author": {"name": "Ada Lovelace"}}]},
            {"upc": "2", "name": "Couch", "inStock": False, "shippingEstimate": 0,
             "reviews": [{"body": "Too heavy", "author": {"name": "Alan Turing"}},
                         {"body": "Could be softer", "author": {"name": "Ada Lovelace"}}]},
        ]})


async def test_provided_external_field_and_back_to_the_parent_subgraph(gw):
    await check(gw, "{ me { username reviews { author { username } product { name reviews { id } } } } }", {
        "me": {"username": "@ada", "reviews": [
            {"author": {"username": "@ada"}, "product": {"name": "Table", "reviews": [{"id": "r1"}]}},
            {"author": {"username": "@ada"}, "product": {"name": "Couch", "reviews": [{"id": "r2"}, {"id": "r3"}]}},
        ]}})


@pytest.fixture(scope="module")
def served_external():
    with serve_scenario("sc_external") as s:
        yield s


async def test_fed2_extension_with_external_key_answers_its_key_itself(served_external):
    gateway = served_external.gateway()
    try:
        await check(gateway, "{ cheapestProduct { id price name } }",
                    {"cheapestProduct": {"id": "1", "price": 100.0, "name": "name-1"}})
        await check(gateway, "{ products { name price id } }", {"products": [
            {"name": "name-1", "price": 100.0, "id": "1"}, {"name": "name-2", "price": 200.0, "id": "2"}]})
        assert served_external.subgraphs["product"].requests[0]["query"].startswith("query($representations")
    finally:
        await gateway.aclose()
