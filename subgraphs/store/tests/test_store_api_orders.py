"""Buying and selling through the API: the copy changes hands, refusals, events, and who sees what."""

from bookshare_store.domain import reasons
from bookshare_store.testing import ALICE, BOB, CAROL, Store, error_code

PLACE = "mutation($c: ID!) { placeOrder(copyId: $c) { id status price } }"
ME_COPIES = """query($r: [_Any!]!) { _entities(representations: $r) { ... on User {
    copies(first: 20) { edges { node { id status forLoan forSale owner { id } } } } } } }"""


async def my_copies(store: Store, user) -> list[dict]:
    doc = await store.ok(ME_COPIES, {"r": [{"__typename": "User", "id": user.user_id}]}, as_user=user)
    return [e["node"] for e in doc["_entities"][0]["copies"]["edges"]]


async def test_completing_an_order_hands_the_copy_to_the_buyer(store: Store) -> None:
    copy = await store.add_copy(ALICE, price="4.50")
    waiting_loan = await store.request_loan(CAROL, copy["id"])
    waiting_order = (await store.ok(PLACE, {"c": copy["id"]}, as_user=CAROL))["placeOrder"]
    order = (await store.ok(PLACE, {"c": copy["id"]}, as_user=BOB))["placeOrder"]
    assert order["status"] == "PLACED" and order["price"] == "4.50"
    # A later price change does not change what Bob agreed to pay.
    await store.ok('mutation($id: ID!) { updateCopy(id: $id, input: {price: "9.00"}) { price } }',
                   {"id": copy["id"]}, as_user=ALICE)
    assert (await store.step("acceptOrder", order["id"], as_user=ALICE))["data"]["acceptOrder"]["status"] == "ACCEPTED"
    done = await store.gql("mutation($id: ID!) { completeOrder(id: $id) { status price completedAt } }",
                           {"id": order["id"]}, as_user=ALICE)
    assert done["data"]["completeOrder"]["status"] == "COMPLETED" and done["data"]["completeOrder"]["price"] == "4.50"
    assert [c["id"] for c in await my_copies(store, BOB)] == [copy["id"]]
    [bought] = await my_copies(store, BOB)
    assert bought["status"] == "SOLD" and bought["owner"] == {"id": BOB.user_id}
    assert not bought["forLoan"] and not bought["forSale"]  # unlisted until Bob chooses
    assert await my_copies(store, ALICE) == []
    # Those who were waiting for the copy are told it is gone.
    loan = await store.ok("query($id: ID!) { loan(id: $id) { status reason } }", {"id": waiting_loan["id"]},
                          as_user=CAROL)
    assert loan["loan"] == {"status": "REJECTED", "reason": reasons.COPY_SOLD}
    other = await store.ok("query($id: ID!) { order(id: $id) { status reason } }", {"id": waiting_order["id"]},
                           as_user=CAROL)
    assert other["order"] == {"status": "REJECTED", "reason": reasons.COPY_SOLD}
    names = [e["event"] for e in await store.events() if e["event"].startswith("store_order")]
    assert names == ["store_order_add", "store_order_add", "store_order_accept", "store_order_complete",
                     "store_order_reject"]
    [complete] = await store.events("store_order_complete")
    assert (complete["buyer_id"], complete["seller_id"], complete["price"]) == (BOB.user_id, ALICE.user_id, "4.50")
    # The new owner can lend it on; the old one can no longer touch it.
    relist = await store.ok("mutation($id: ID!) { updateCopy(id: $id, input: {forLoan: true}) { status } }",
                            {"id": copy["id"]}, as_user=BOB)
    assert relist["updateCopy"]["status"] == "AVAILABLE"
    assert error_code(await store.step("withdrawCopy", copy["id"], as_user=ALICE)) == "FORBIDDEN"


async def test_order_refusals_change_nothing(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    assert error_code(await store.gql(PLACE, {"c": copy["id"]}, as_user=ALICE)) == "FORBIDDEN"  # own copy
    loan_only = await store.add_copy(ALICE, forSale=False, price=None)
    assert error_code(await store.gql(PLACE, {"c": loan_only["id"]}, as_user=BOB)) == "BAD_USER_INPUT"
    order = (await store.ok(PLACE, {"c": copy["id"]}, as_user=BOB))["placeOrder"]
    assert error_code(await store.gql(PLACE, {"c": copy["id"]}, as_user=BOB)) == "BAD_USER_INPUT"  # twice
    for mutation in ("acceptOrder", "rejectOrder", "completeOrder"):
        for user in (BOB, CAROL):
            assert error_code(await store.step(mutation, order["id"], as_user=user)) == "FORBIDDEN"
    for user in (ALICE, CAROL):
        assert error_code(await store.step("cancelOrder", order["id"], as_user=user)) == "FORBIDDEN"
    assert error_code(await store.step("completeOrder", order["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    assert error_code(await store.gql("query($id: ID!) { order(id: $id) { id } }", {"id": order["id"]},
                                      as_user=CAROL)) == "FORBIDDEN"
    state = await store.ok("query($id: ID!) { order(id: $id) { status } }", {"id": order["id"]}, as_user=BOB)
    assert state["order"]["status"] == "PLACED"
    assert [e["event"] for e in await store.events() if e["event"].startswith("store_order")] == ["store_order_add"]
    await store.step("acceptOrder", order["id"], as_user=ALICE)
    assert (await store.step("cancelOrder", order["id"], as_user=BOB))["data"]["cancelOrder"]["status"] == "CANCELLED"
    status = await store.ok("query($id: ID!) { copy(id: $id) { status } }", {"id": copy["id"]}, as_user=BOB)
    assert status["copy"]["status"] == "AVAILABLE"  # the reservation was released
    assert error_code(await store.step("acceptOrder", order["id"], as_user=ALICE)) == "BAD_USER_INPUT"


async def test_users_see_their_orders_by_role(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    order = (await store.ok(PLACE, {"c": copy["id"]}, as_user=BOB))["placeOrder"]
    query = """query($r: [_Any!]!, $role: OrderRole) { _entities(representations: $r) { ... on User {
        orders(role: $role, first: 5) { edges { node { id buyer { id } seller { id } copy { id } } } } } } }"""

    async def orders(user, role=None):
        doc = await store.ok(query, {"r": [{"__typename": "User", "id": user.user_id}], "role": role}, as_user=user)
        return [e["node"] for e in doc["_entities"][0]["orders"]["edges"]]

    [as_buyer] = await orders(BOB, "BUYER")
    assert as_buyer == {"id": order["id"], "buyer": {"id": BOB.user_id}, "seller": {"id": ALICE.user_id},
                        "copy": {"id": copy["id"]}}
    assert await orders(BOB, "SELLER") == []
    assert [o["id"] for o in await orders(ALICE, "SELLER")] == [order["id"]]


async def test_seller_and_buyer_see_the_accepted_order_holding_the_copy(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    order = (await store.ok(PLACE, {"c": copy["id"]}, as_user=BOB))["placeOrder"]
    query = "query($id: ID!) { copy(id: $id) { status acceptedOrder { id price } currentLoan { id } } }"
    assert (await store.ok(query, {"id": copy["id"]}, as_user=ALICE))["copy"]["acceptedOrder"] is None
    await store.step("acceptOrder", order["id"], as_user=ALICE)
    for user in (ALICE, BOB):
        seen = (await store.ok(query, {"id": copy["id"]}, as_user=user))["copy"]
        assert seen == {"status": "RESERVED", "acceptedOrder": {"id": order["id"], "price": "4.50"},
                        "currentLoan": None}
    assert (await store.ok(query, {"id": copy["id"]}, as_user=CAROL))["copy"]["acceptedOrder"] is None
