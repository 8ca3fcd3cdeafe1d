"""Lending through the API: the happy path, every refusal, the events each step writes, overdue and timeline."""

import datetime as dt

from bookshare_store.adapters.overdue import announce_overdue_loans
from bookshare_store.testing import ALICE, BOB, CAROL, Store, error_code

LOAN = "query($id: ID!) { loan(id: $id) { status dueDate overdue approvedAt startedAt returnedAt closedAt } }"


async def test_a_loan_goes_from_request_to_return_and_each_step_tells_the_other_party(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"])
    assert loan["status"] == "REQUESTED"
    for mutation, status, copy_status in [("approveLoan", "APPROVED", "RESERVED"), ("startLoan", "ACTIVE", "ON_LOAN"),
                                          ("returnLoan", "RETURNED", "AVAILABLE")]:
        doc = await store.step(mutation, loan["id"], as_user=ALICE)
        assert doc["data"][mutation]["status"] == status, doc
        now = await store.ok("query($id: ID!) { copy(id: $id) { status } }", {"id": copy["id"]}, as_user=BOB)
        assert now["copy"]["status"] == copy_status
    details = (await store.ok(LOAN, {"id": loan["id"]}, as_user=BOB))["loan"]
    assert details["approvedAt"] and details["startedAt"] and details["returnedAt"] and details["closedAt"] is None
    events = [e for e in await store.events() if e["event"].startswith("store_loan_")]
    assert [e["event"] for e in events] == ["store_loan_request", "store_loan_approve", "store_loan_start",
                                            "store_loan_return"]
    assert all(e["lender_id"] == ALICE.user_id and e["borrower_id"] == BOB.user_id and e["loan_id"] == loan["id"]
               for e in events)
    assert [e["actor_id"] for e in events] == [BOB.user_id, ALICE.user_id, ALICE.user_id, ALICE.user_id]
    timeline = await store.ok("query($id: ID!) { loan(id: $id) { timeline { status action byStore } } }",
                              {"id": loan["id"]}, as_user=ALICE)
    assert [(s["status"], s["action"]) for s in timeline["loan"]["timeline"]] == [
        ("REQUESTED", "REQUEST"), ("APPROVED", "APPROVE"), ("ACTIVE", "START"), ("RETURNED", "RETURN")]


async def test_only_the_lender_moves_a_loan_and_only_the_borrower_cancels_it(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"])
    for mutation in ("approveLoan", "rejectLoan", "startLoan", "returnLoan"):
        for user in (BOB, CAROL):
            assert error_code(await store.step(mutation, loan["id"], as_user=user)) == "FORBIDDEN", (mutation, user)
    for user in (ALICE, CAROL):
        assert error_code(await store.step("cancelLoan", loan["id"], as_user=user)) == "FORBIDDEN"
    assert error_code(await store.gql("query($id: ID!) { loan(id: $id) { id } }", {"id": loan["id"]},
                                      as_user=CAROL)) == "FORBIDDEN"
    assert (await store.ok(LOAN, {"id": loan["id"]}, as_user=BOB))["loan"]["status"] == "REQUESTED"
    assert len(await store.events("store_loan_request")) == 1
    assert [e["event"] for e in await store.events() if e["event"] != "store_loan_request"] == ["store_copy_add"]
    cancelled = await store.step("cancelLoan", loan["id"], as_user=BOB)
    assert cancelled["data"]["cancelLoan"]["status"] == "CANCELLED"
    [event] = await store.events("store_loan_cancel")
    assert event["actor_id"] == BOB.user_id


async def test_moves_out_of_order_are_refused_and_change_nothing(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"])
    for mutation in ("startLoan", "returnLoan"):
        assert error_code(await store.step(mutation, loan["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    await store.step("approveLoan", loan["id"], as_user=ALICE)
    assert error_code(await store.step("approveLoan", loan["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    assert error_code(await store.step("returnLoan", loan["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    await store.step("startLoan", loan["id"], as_user=ALICE)
    assert error_code(await store.step("cancelLoan", loan["id"], as_user=BOB)) == "BAD_USER_INPUT"
    assert error_code(await store.step("rejectLoan", loan["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    assert (await store.ok(LOAN, {"id": loan["id"]}, as_user=BOB))["loan"]["status"] == "ACTIVE"
    assert error_code(await store.step("approveLoan", "no-such-loan", as_user=ALICE)) == "NOT_FOUND"


async def test_nobody_borrows_their_own_copy_or_asks_twice_or_asks_for_what_is_not_lent(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    request = "mutation($c: ID!, $d: Date!) { requestLoan(copyId: $c, dueDate: $d) { id } }"
    assert error_code(await store.gql(request, {"c": copy["id"], "d": due}, as_user=ALICE)) == "FORBIDDEN"
    await store.request_loan(BOB, copy["id"])
    assert error_code(await store.gql(request, {"c": copy["id"], "d": due}, as_user=BOB)) == "BAD_USER_INPUT"
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert error_code(await store.gql(request, {"c": copy["id"], "d": past}, as_user=CAROL)) == "BAD_USER_INPUT"
    sale_only = await store.add_copy(ALICE, forLoan=False)
    assert error_code(await store.gql(request, {"c": sale_only["id"], "d": due}, as_user=CAROL)) == "BAD_USER_INPUT"
    assert error_code(await store.gql(request, {"c": "missing", "d": due}, as_user=CAROL)) == "NOT_FOUND"
    assert len(await store.events("store_loan_request")) == 1


async def test_a_copy_lent_to_one_borrower_cannot_be_promised_to_another(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    first = await store.request_loan(BOB, copy["id"])
    second = await store.request_loan(CAROL, copy["id"])  # people may queue
    await store.step("approveLoan", first["id"], as_user=ALICE)
    refused = await store.step("approveLoan", second["id"], as_user=ALICE)
    assert error_code(refused) == "BAD_USER_INPUT"
    assert "already lent or promised" in refused["errors"][0]["message"]
    order = await store.ok("mutation($c: ID!) { placeOrder(copyId: $c) { id } }", {"c": copy["id"]}, as_user=CAROL)
    assert error_code(await store.step("acceptOrder", order["placeOrder"]["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    # Once the first loan is over, the next borrower can have it.
    await store.step("startLoan", first["id"], as_user=ALICE)
    await store.step("returnLoan", first["id"], as_user=ALICE)
    assert (await store.step("approveLoan", second["id"], as_user=ALICE))["data"]["approveLoan"]["status"] == "APPROVED"


async def test_backing_out_of_an_approved_loan_puts_the_copy_back(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"])
    await store.step("approveLoan", loan["id"], as_user=ALICE)
    assert (await store.step("cancelLoan", loan["id"], as_user=BOB))["data"]["cancelLoan"]["status"] == "CANCELLED"
    status = await store.ok("query($id: ID!) { copy(id: $id) { status } }", {"id": copy["id"]}, as_user=ALICE)
    assert status["copy"]["status"] == "AVAILABLE"
    again = await store.request_loan(BOB, copy["id"])
    await store.step("approveLoan", again["id"], as_user=ALICE)
    rejected = await store.gql('mutation($id: ID!) { rejectLoan(id: $id, reason: "away") { status reason } }',
                               {"id": again["id"]}, as_user=ALICE)
    assert rejected["data"]["rejectLoan"] == {"status": "REJECTED", "reason": "away"}
    [event] = await store.events("store_loan_reject")
    assert event["reason"] == "away" and event["borrower_id"] == BOB.user_id


async def test_extending_a_loan_and_overdue_loans_are_announced_once(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"], days=3)
    await store.step("approveLoan", loan["id"], as_user=ALICE)
    await store.step("startLoan", loan["id"], as_user=ALICE)
    due = dt.date.today() + dt.timedelta(days=3)
    extend = "mutation($id: ID!, $d: Date!) { extendLoan(id: $id, dueDate: $d) { dueDate } }"
    assert error_code(await store.gql(extend, {"id": loan["id"], "d": due.isoformat()}, as_user=ALICE)) == \
        "BAD_USER_INPUT"  # not later than now
    assert error_code(await store.gql(extend, {"id": loan["id"], "d": (due + dt.timedelta(days=1)).isoformat()},
                                      as_user=BOB)) == "FORBIDDEN"
    assert await announce_overdue_loans(store.db, dt.datetime.now(dt.UTC)) == 0  # not due yet
    later = dt.datetime.combine(due + dt.timedelta(days=2), dt.time(9), tzinfo=dt.UTC)
    assert await announce_overdue_loans(store.db, later) == 1
    assert await announce_overdue_loans(store.db, later + dt.timedelta(days=1)) == 0  # once per loan
    [overdue] = await store.events("store_loan_overdue")
    assert overdue["loan_id"] == loan["id"] and overdue["days_overdue"] == 2 and overdue["borrower_id"] == BOB.user_id
    new_due = (due + dt.timedelta(days=10)).isoformat()
    extended = await store.ok(extend, {"id": loan["id"], "d": new_due}, as_user=ALICE)
    assert extended["extendLoan"]["dueDate"] == new_due
    [event] = await store.events("store_loan_extend")
    assert event["previous_due_date"] == due.isoformat() and event["due_date"] == new_due
    # The new due date can itself be missed, and that is announced too.
    assert await announce_overdue_loans(store.db, later) == 0
    assert await announce_overdue_loans(store.db, later + dt.timedelta(days=30)) == 1


async def test_overdue_is_visible_on_the_loan(store: Store) -> None:
    from sqlalchemy import update

    from bookshare_store.adapters.tables import loans

    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"])
    await store.step("approveLoan", loan["id"], as_user=ALICE)
    await store.step("startLoan", loan["id"], as_user=ALICE)
    assert (await store.ok(LOAN, {"id": loan["id"]}, as_user=BOB))["loan"]["overdue"] is False
    async with store.db.transaction() as session:  # as if two weeks went by
        await session.execute(update(loans).where(loans.c.id == loan["id"])
                              .values(due_date=dt.date.today() - dt.timedelta(days=1)))
    assert (await store.ok(LOAN, {"id": loan["id"]}, as_user=BOB))["loan"]["overdue"] is True
    await store.step("returnLoan", loan["id"], as_user=ALICE)
    assert (await store.ok(LOAN, {"id": loan["id"]}, as_user=BOB))["loan"]["overdue"] is False


async def test_users_see_their_loans_by_role_and_status_and_nobody_elses(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    bobs = await store.request_loan(BOB, copy["id"])
    carols = await store.request_loan(CAROL, copy["id"])
    await store.step("approveLoan", bobs["id"], as_user=ALICE)
    query = """query($r: [_Any!]!, $role: LoanRole, $status: LoanStatus) { _entities(representations: $r) {
        ... on User { loans(role: $role, status: $status, first: 10) { edges { node { id status
        borrower { id } lender { id } copy { id } } } } } } }"""

    async def loans(user, **variables):
        doc = await store.ok(query, {"r": [{"__typename": "User", "id": user.user_id}], **variables}, as_user=user)
        return [e["node"]["id"] for e in doc["_entities"][0]["loans"]["edges"]]

    assert await loans(ALICE, role="LENDER") == [carols["id"], bobs["id"]]
    assert await loans(ALICE, role="BORROWER") == []
    assert await loans(ALICE, role="LENDER", status="APPROVED") == [bobs["id"]]
    assert await loans(BOB, role="BORROWER") == [bobs["id"]]
    assert await loans(BOB) == [bobs["id"]]
    peek = await store.gql(query, {"r": [{"__typename": "User", "id": BOB.user_id}]}, as_user=CAROL)
    assert error_code(peek) == "FORBIDDEN"


async def test_a_reason_is_trimmed_and_an_overlong_one_refused(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(BOB, copy["id"])
    reject = "mutation($id: ID!, $r: String) { rejectLoan(id: $id, reason: $r) { status reason } }"
    too_long = await store.gql(reject, {"id": loan["id"], "r": "x" * 501}, as_user=ALICE)
    assert error_code(too_long) == "BAD_USER_INPUT"
    assert (await store.ok(LOAN, {"id": loan["id"]}, as_user=BOB))["loan"]["status"] == "REQUESTED"
    done = await store.ok(reject, {"id": loan["id"], "r": "  on holiday  "}, as_user=ALICE)
    assert done["rejectLoan"] == {"status": "REJECTED", "reason": "on holiday"}


async def test_the_lender_and_borrower_see_who_holds_a_copy_and_others_do_not(store: Store) -> None:
    copy = await store.add_copy(ALICE)
    query = ("query($id: ID!) { copy(id: $id) { status currentLoan { id dueDate borrower { id } } "
             "acceptedOrder { id } } }")
    assert (await store.ok(query, {"id": copy["id"]}, as_user=ALICE))["copy"]["currentLoan"] is None
    loan = await store.request_loan(BOB, copy["id"])
    assert (await store.ok(query, {"id": copy["id"]}, as_user=ALICE))["copy"]["currentLoan"] is None  # only asked
    await store.step("approveLoan", loan["id"], as_user=ALICE)
    for user in (ALICE, BOB):
        seen = (await store.ok(query, {"id": copy["id"]}, as_user=user))["copy"]
        assert seen["currentLoan"]["id"] == loan["id"] and seen["currentLoan"]["borrower"] == {"id": BOB.user_id}
        assert seen["acceptedOrder"] is None
    assert (await store.ok(query, {"id": copy["id"]}, as_user=CAROL))["copy"]["currentLoan"] is None


async def test_a_request_whose_due_date_passed_cannot_be_approved_and_an_approved_one_is_extended_first(
        store: Store) -> None:
    from sqlalchemy import update

    from bookshare_store.adapters.tables import loans

    copy = await store.add_copy(ALICE)
    stale = await store.request_loan(BOB, copy["id"])
    fresh = await store.request_loan(CAROL, copy["id"])
    async with store.db.transaction() as session:  # as if the request had waited too long
        await session.execute(update(loans).where(loans.c.id == stale["id"]).values(due_date=dt.date.today()))
    assert error_code(await store.step("approveLoan", stale["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    await store.step("approveLoan", fresh["id"], as_user=ALICE)
    async with store.db.transaction() as session:
        await session.execute(update(loans).where(loans.c.id == fresh["id"])
                              .values(due_date=dt.date.today() - dt.timedelta(days=1)))
    assert error_code(await store.step("startLoan", fresh["id"], as_user=ALICE)) == "BAD_USER_INPUT"
    new_due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    await store.ok("mutation($id: ID!, $d: Date!) { extendLoan(id: $id, dueDate: $d) { id } }",
                   {"id": fresh["id"], "d": new_due}, as_user=ALICE)
    assert (await store.step("startLoan", fresh["id"], as_user=ALICE))["data"]["startLoan"]["status"] == "ACTIVE"
