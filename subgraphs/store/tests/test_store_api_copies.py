"""Listing, changing and withdrawing copies through the store's GraphQL API."""

from bookshare_store.domain import reasons
from bookshare_store.testing import ALICE, ANONYMOUS, BOB, CAROL, ISBN, ISBN10, OTHER_ISBN, Store, error_code

COPY_FIELDS = "id isbn condition forLoan forSale price status note owner { id } book { isbn }"


async def test_a_new_user_can_list_a_copy_before_auth_has_told_the_store_about_them(store: Store) -> None:
    doc = await store.ok(
        f"mutation {{ addCopy(input: {{isbn: \"{ISBN10}\", condition: GOOD, forLoan: true, forSale: true, "
        f"price: \"4.50\", note: \" spine creased \"}}) {{ {COPY_FIELDS} }} }}", as_user=ALICE)
    copy = doc["addCopy"]
    assert copy["isbn"] == ISBN  # the ISBN-10 was filed under its ISBN-13
    assert copy["book"] == {"isbn": ISBN}
    assert copy["owner"] == {"id": ALICE.user_id}
    assert (copy["status"], copy["price"], copy["note"], copy["condition"]) == ("AVAILABLE", "4.50", "spine creased",
                                                                                "GOOD")
    [event] = await store.events("store_copy_add")
    assert event["copy_id"] == copy["id"] and event["owner_id"] == ALICE.user_id and event["isbn"] == ISBN
    assert event["price"] == "4.50"


async def test_listing_is_refused_with_a_bad_isbn_price_or_no_user_and_nothing_is_written(store: Store) -> None:
    mutation = "mutation($i: AddCopyInput!) { addCopy(input: $i) { id } }"
    cases = [
        ({"isbn": "9780306406158", "condition": "GOOD"}, ALICE, "BAD_USER_INPUT"),  # wrong check digit
        ({"isbn": ISBN, "condition": "GOOD", "forSale": True}, ALICE, "BAD_USER_INPUT"),  # for sale, no price
        ({"isbn": ISBN, "condition": "GOOD", "forSale": True, "price": "4.505"}, ALICE, "BAD_USER_INPUT"),
        ({"isbn": ISBN, "condition": "GOOD", "price": "-1"}, ALICE, "BAD_USER_INPUT"),
        ({"isbn": ISBN, "condition": "GOOD"}, ANONYMOUS, "UNAUTHENTICATED"),
    ]
    for data, user, code in cases:
        doc = await store.gql(mutation, {"i": data}, as_user=user)
        assert error_code(doc) == code, (data, doc)
        assert doc["data"] is None
    assert await store.events() == []
    listing = await store.ok("{ copies { edges { node { id } } } }", as_user=ALICE)
    assert listing["copies"]["edges"] == []


async def test_only_the_owner_changes_or_withdraws_a_copy(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    update = "mutation($id: ID!, $i: UpdateCopyInput!) { updateCopy(id: $id, input: $i) { price condition forSale } }"
    doc = await store.gql(update, {"id": copy["id"], "i": {"price": "1.00"}}, as_user=BOB)
    assert error_code(doc) == "FORBIDDEN"
    doc = await store.step("withdrawCopy", copy["id"], as_user=BOB)
    assert error_code(doc) == "FORBIDDEN"
    assert (await store.ok("query($id: ID!) { copy(id: $id) { price status } }", {"id": copy["id"]},
                           as_user=BOB))["copy"] == {"price": "4.50", "status": "AVAILABLE"}
    changed = await store.ok(update, {"id": copy["id"], "i": {"price": "3.00", "condition": "FAIR"}}, as_user=ALICE)
    assert changed["updateCopy"] == {"price": "3.00", "condition": "FAIR", "forSale": True}
    assert [e["price"] for e in await store.events("store_copy_update")] == ["3.00"]


async def test_copies_query_filters_by_book_and_offer_and_pages_with_cursors(store: Store) -> None:
    lend_only = await store.add_copy(ALICE, forSale=False, price=None)
    sale = await store.add_copy(BOB, forLoan=False)
    other_book = await store.add_copy(BOB, isbn=OTHER_ISBN)
    query = ("query($isbn: String, $l: Boolean, $s: Boolean, $first: Int, $after: String) { copies(isbn: $isbn, "
             "forLoan: $l, forSale: $s, first: $first, after: $after) { edges { cursor node { id } } "
             "pageInfo { hasNextPage endCursor } } }")

    async def ids(**variables) -> list[str]:
        doc = await store.ok(query, variables, as_user=ANONYMOUS)
        return [e["node"]["id"] for e in doc["copies"]["edges"]]

    assert await ids(isbn=ISBN10) == [sale["id"], lend_only["id"]]  # newest first, ISBN-10 accepted
    assert await ids(isbn=ISBN, l=True) == [lend_only["id"]]
    assert await ids(s=True) == [other_book["id"], sale["id"]]
    first = (await store.ok(query, {"first": 2}, as_user=ANONYMOUS))["copies"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await store.ok(query, {"first": 2, "after": first["pageInfo"]["endCursor"]}, as_user=ANONYMOUS))["copies"]
    assert [e["node"]["id"] for e in rest["edges"]] == [lend_only["id"]]
    assert rest["pageInfo"]["hasNextPage"] is False
    doc = await store.gql(query, {"isbn": "12345"}, as_user=ANONYMOUS)
    assert error_code(doc) == "BAD_USER_INPUT"
    doc = await store.gql(query, {"after": "not-a-cursor"}, as_user=ANONYMOUS)
    assert error_code(doc) == "BAD_USER_INPUT"


async def test_withdrawn_copies_leave_the_listing_and_waiting_requests_are_turned_down(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"])
    withdrawn = await store.step("withdrawCopy", copy["id"], as_user=ALICE)
    assert withdrawn["data"]["withdrawCopy"]["status"] == "WITHDRAWN"
    assert (await store.ok("{ copies { edges { node { id } } } }", as_user=BOB))["copies"]["edges"] == []
    loan_now = await store.ok("query($id: ID!) { loan(id: $id) { status reason } }", {"id": loan["id"]}, as_user=BOB)
    assert loan_now["loan"] == {"status": "REJECTED", "reason": reasons.COPY_WITHDRAWN}
    [rejected] = await store.events("store_loan_reject")
    assert rejected["borrower_id"] == BOB.user_id and rejected["actor_id"] is None
    assert len(await store.events("store_copy_withdraw")) == 1
    again = await store.step("withdrawCopy", copy["id"], as_user=ALICE)
    assert error_code(again) == "BAD_USER_INPUT"
    # Offering it again brings it back.
    relist = await store.ok("mutation($id: ID!) { updateCopy(id: $id, input: {forLoan: true}) { status } }",
                            {"id": copy["id"]}, as_user=ALICE)
    assert relist["updateCopy"]["status"] == "AVAILABLE"


async def test_book_and_user_fields_the_store_contributes(store: Store) -> None:
    await store.add_copy(ALICE)
    await store.add_copy(ALICE, forLoan=False, forSale=False, price=None)  # kept on the shelf, not offered
    mine = await store.add_copy(ALICE, isbn=OTHER_ISBN)
    await store.step("withdrawCopy", mine["id"], as_user=ALICE)
    entities = """query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Book { isbn availableCopyCount copies(first: 10) { edges { node { id } } } }
        ... on User { id copies(first: 10) { edges { node { status forLoan forSale } } } } } }"""
    reps = [{"__typename": "Book", "isbn": ISBN}, {"__typename": "Book", "isbn": OTHER_ISBN},
            {"__typename": "User", "id": ALICE.user_id}]
    as_bob = (await store.ok(entities, {"r": reps}, as_user=BOB))["_entities"]
    assert as_bob[0]["availableCopyCount"] == 1 and len(as_bob[0]["copies"]["edges"]) == 1
    assert as_bob[1]["availableCopyCount"] == 0 and as_bob[1]["copies"]["edges"] == []
    assert len(as_bob[2]["copies"]["edges"]) == 1  # others see what is on offer
    as_alice = (await store.ok(entities, {"r": reps}, as_user=ALICE))["_entities"]
    assert len(as_alice[2]["copies"]["edges"]) == 2  # the owner also sees unoffered ones, not withdrawn ones


async def test_refusals_are_not_logged_as_errors(store: Store, caplog) -> None:  # noqa: ANN001
    import logging

    copy = await store.add_copy(ALICE)
    with caplog.at_level(logging.ERROR, logger="strawberry"):
        refused = await store.step("withdrawCopy", copy["id"], as_user=BOB)
    assert error_code(refused) == "FORBIDDEN"
    assert [r for r in caplog.records if r.name.startswith("strawberry")] == []


async def test_copies_of_many_books_come_in_one_query_with_the_same_pages(store: Store) -> None:
    from sqlalchemy import event

    for isbn in (ISBN, OTHER_ISBN, ISBN):
        await store.add_copy(ALICE, isbn=isbn)
    await store.add_copy(BOB, isbn=OTHER_ISBN, forLoan=False)
    entities = """query($r: [_Any!]!, $l: Boolean) { _entities(representations: $r) { ... on Book {
        isbn copies(first: 1, forLoan: $l) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } } }"""
    reps = [{"__typename": "Book", "isbn": ISBN}, {"__typename": "Book", "isbn": OTHER_ISBN},
            {"__typename": "Book", "isbn": "9791090636071"}]
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if "FROM copies" in statement:
            statements.append(statement)

    event.listen(store.db.engine.sync_engine, "before_cursor_execute", count)
    try:
        batched = (await store.ok(entities, {"r": reps, "l": True}, as_user=CAROL))["_entities"]
    finally:
        event.remove(store.db.engine.sync_engine, "before_cursor_execute", count)
    assert len(statements) == 1
    single = "query($isbn: String, $l: Boolean) { copies(isbn: $isbn, first: 1, forLoan: $l) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"  # noqa: E501
    for book in batched:
        alone = (await store.ok(single, {"isbn": book["isbn"], "l": True}, as_user=CAROL))["copies"]
        assert book["copies"] == alone
    assert [len(b["copies"]["edges"]) for b in batched] == [1, 1, 0]
    assert [b["copies"]["pageInfo"]["hasNextPage"] for b in batched] == [True, False, False]
    # The next page continues from the batched page's cursor.
    after = batched[0]["copies"]["pageInfo"]["endCursor"]
    more = await store.ok("query($r: [_Any!]!, $a: String) { _entities(representations: $r) { ... on Book { "
                          "copies(first: 5, after: $a) { edges { node { id } } } } } }",
                          {"r": reps[:1], "a": after}, as_user=CAROL)
    assert len(more["_entities"][0]["copies"]["edges"]) == 1
    negative = await store.gql("query($r: [_Any!]!) { _entities(representations: $r) { ... on Book { "
                               "copies(first: -1) { edges { cursor } } } } }", {"r": reps[:1]}, as_user=CAROL)
    assert error_code(negative) == "BAD_USER_INPUT"


async def test_updating_a_listing_keeps_it_consistent(store: Store) -> None:
    copy = await store.add_copy(ALICE)  # for loan and for sale at 4.50
    update = ("mutation($id: ID!, $i: UpdateCopyInput!) { updateCopy(id: $id, input: $i) { forLoan forSale price "
              "note condition } }")
    for bad in ({"price": None}, {"forSale": None}, {"condition": None}, {"price": "abc"}, {"note": "x" * 1001}):
        doc = await store.gql(update, {"id": copy["id"], "i": bad}, as_user=ALICE)
        assert error_code(doc) == "BAD_USER_INPUT", bad
    unchanged = await store.ok("query($id: ID!) { copy(id: $id) { forSale price note } }", {"id": copy["id"]},
                               as_user=ALICE)
    assert unchanged["copy"] == {"forSale": True, "price": "4.50", "note": None}
    done = await store.ok(update, {"id": copy["id"], "i": {"forSale": False, "price": None, "note": "signed"}},
                          as_user=ALICE)
    assert done["updateCopy"] == {"forLoan": True, "forSale": False, "price": None, "note": "signed",
                                  "condition": "GOOD"}
    assert len(await store.events("store_copy_update")) == 1  # refused updates wrote nothing
