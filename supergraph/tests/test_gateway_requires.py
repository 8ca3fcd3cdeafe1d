"""@requires: the required fields reach the subgraph in the representation, whatever it takes to collect them."""

import pytest
from supergraph_testkit import check, serve_scenario


@pytest.fixture(scope="module")
def served():
    with serve_scenario("sc_requires") as s:
        yield s


@pytest.fixture
async def gw(served):
    gateway = served.gateway()
    yield gateway
    await gateway.aclose()


async def test_requires_fields_from_another_subgraph_and_field_arguments(gw):
    await check(gw, '{ products { id isHeavy shippingEstimate(zip: "94000") } }', {"products": [
        {"id": "p1", "isHeavy": True, "shippingEstimate": 42},
        {"id": "p2", "isHeavy": False, "shippingEstimate": 2},
        {"id": "p3", "isHeavy": False, "shippingEstimate": 10},
    ]})


async def test_requires_argument_from_a_variable(gw):
    await check(gw, "query($z: String!) { products { shippingEstimate(zip: $z) } }", {"products": [
        {"shippingEstimate": 21}, {"shippingEstimate": 1}, {"shippingEstimate": 5},
    ]}, variables={"z": "10115"})


async def test_chain_of_requires(gw):
    # hasDiscount needs isExpensive (pricing), which itself needs price (catalog)
    await check(gw, "{ products { id hasDiscount } }", {"products": [
        {"id": "p1", "hasDiscount": False}, {"id": "p2", "hasDiscount": True}, {"id": "p3", "hasDiscount": False},
    ]})


async def test_chain_of_requires_together_with_the_intermediate_field(gw):
    await check(gw, "{ products { hasDiscount isExpensive price } }", {"products": [
        {"hasDiscount": False, "isExpensive": True, "price": 900},
        {"hasDiscount": True, "isExpensive": False, "price": 15},
        {"hasDiscount": False, "isExpensive": True, "price": 120},
    ]})


async def test_requires_with_fragments_on_an_interface(gw):
    await check(gw, "{ products { label media { title } } }", {"products": [
        {"label": "Dune (412 pages)", "media": {"title": "Dune"}},
        {"label": "Alien (117 min)", "media": {"title": "Alien"}},
        {"label": "no media", "media": None},
    ]})


async def test_circular_requires_relays_back_to_the_first_subgraph(gw):
    await check(gw, "{ feed { id byNovice author { id yearsOfExperience } } }", {"feed": [
        {"id": "post1", "byNovice": True, "author": {"id": "u1", "yearsOfExperience": 1}},
        {"id": "post2", "byNovice": False, "author": {"id": "u2", "yearsOfExperience": 9}},
    ]})


async def test_circular_requires_without_asking_for_the_required_data(gw):
    await check(gw, "{ feed { byNovice } }", {"feed": [{"byNovice": True}, {"byNovice": False}]})


async def test_client_alias_reusing_a_required_field_name(gw):
    await check(gw, '{ products { price: weight shippingEstimate(zip: "1") weight: price } }', {"products": [
        {"price": 12, "shippingEstimate": 21, "weight": 900},
        {"price": 1, "shippingEstimate": 1, "weight": 15},
        {"price": 4, "shippingEstimate": 5, "weight": 120},
    ]})


@pytest.fixture(scope="module")
def served_args():
    with serve_scenario("sc_requires_args") as s:
        yield s


@pytest.fixture
async def gw_args(served_args):
    gateway = served_args.gateway()
    yield gateway, served_args.subgraphs
    await gateway.aclose()


async def test_requires_of_a_field_with_arguments(gw_args):
    gateway, _ = gw_args
    await check(gateway, "{ products { id eurLabel } }", {"products": [
        {"id": "p1", "eurLabel": "10.00 EUR"}, {"id": "p2", "eurLabel": "4.00 EUR"}]})


async def test_requires_of_one_field_with_conflicting_arguments_and_a_client_alias(gw_args):
    gateway, subgraphs = gw_args
    subgraphs["labels"].requests.clear()
    await check(gateway, '{ products { id eurLabel usdLabel gbp: price(currency: "GBP") } }', {"products": [
        {"id": "p1", "eurLabel": "10.00 EUR", "usdLabel": "12.50 USD", "gbp": 5.0},
        {"id": "p2", "eurLabel": "4.00 EUR", "usdLabel": "5.00 USD", "gbp": 2.0},
    ]})
    # one representation cannot carry price in two currencies: two fetches
    assert len(subgraphs["labels"].requests) == 2
    await check(gateway, '{ products { price(currency: "GBP") usdLabel } }', {"products": [
        {"price": 5.0, "usdLabel": "12.50 USD"}, {"price": 2.0, "usdLabel": "5.00 USD"}]})


@pytest.fixture(scope="module")
def served_chain():
    with serve_scenario("sc_requires_chain") as s:
        yield s


async def test_requires_chain_alternating_between_two_subgraphs(served_chain):
    gateway = served_chain.gateway()
    try:
        await check(gateway, "{ feed { author { id name } } }", {"feed": [
            {"author": {"id": "au2", "name": "Brian"}}, {"author": {"id": "au1", "name": "Ada"}}]})
        await check(gateway, "{ feed { id authorId comments { id authorId } author { name } } }", {"feed": [
            {"id": "p1", "authorId": "au2",
             "comments": [{"id": "c1", "authorId": "au2"}, {"id": "c2", "authorId": "au1"}],
             "author": {"name": "Brian"}},
            {"id": "p2", "authorId": "au1", "comments": [{"id": "c3", "authorId": "au1"}], "author": {"name": "Ada"}},
        ]})
    finally:
        await gateway.aclose()


async def test_client_key_equal_to_a_required_field_name_in_a_later_selection(gw_args):
    gateway, _ = gw_args
    # the second `products` selection names GBP prices `price`; the EUR price required by eurLabel must not take it
    await check(gateway, '{ products { eurLabel } products { price(currency: "GBP") } }', {"products": [
        {"eurLabel": "10.00 EUR", "price": 5.0}, {"eurLabel": "4.00 EUR", "price": 2.0}]})
