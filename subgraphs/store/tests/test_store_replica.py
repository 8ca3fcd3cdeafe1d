"""The Owner replica fed by auth's events through the broker: duplicates, reordering, deleted users."""

import datetime as dt

from sqlalchemy import select, update

from bookshare_common.events import Envelope
from bookshare_store.adapters.overdue import announce_overdue_loans
from bookshare_store.adapters.tables import loans, owners
from bookshare_store.domain import reasons
from bookshare_store.testing import ALICE, BOB, CAROL, Store, error_code


def user_event(kind: str, user_id: str, version: int, username: str | None = None) -> Envelope:
    data = {"id": user_id, "version": version}
    if username is not None:
        data["username"] = username
    return Envelope(event=f"auth_user_{kind}", data=data, source="auth")


async def owner_row(store: Store, user_id: str):
    async with store.db.session() as session:
        return (await session.execute(select(owners).where(owners.c.id == user_id))).first()


async def test_duplicated_and_reordered_user_events_leave_the_newest_version(store: Store) -> None:
    add = user_event("add", "u-dora", 1, "dora")
    v3 = user_event("update", "u-dora", 3, "dora3")
    v2 = user_event("update", "u-dora", 2, "dora2")
    await store.deliver(add, v3, v2, add, v3)  # v2 arrives late; add and v3 arrive twice
    row = await owner_row(store, "u-dora")
    assert (row.username, row.version, row.deleted_at) == ("dora3", 3, None)
    # An update that arrives before the add still lands, and the late add changes nothing.
    await store.deliver(user_event("update", "u-eve", 2, "eve2"), user_event("add", "u-eve", 1, "eve"))
    row = await owner_row(store, "u-eve")
    assert (row.username, row.version) == ("eve2", 2)


async def test_the_event_confirms_an_owner_created_on_first_use(store: Store) -> None:
    await store.add_copy(ALICE)  # before auth's event reached the store
    row = await owner_row(store, ALICE.user_id)
    assert row.version == 0
    await store.deliver(user_event("add", ALICE.user_id, 1, "alice"))
    row = await owner_row(store, ALICE.user_id)
    assert (row.username, row.version) == ("alice", 1)


async def test_a_deleted_user_is_forgotten_their_open_business_closed_and_history_kept(store: Store) -> None:
    alices = await store.add_copy(ALICE)
    bobs_shelf = await store.add_copy(BOB, note="my note")
    bobs_lent = await store.add_copy(BOB)
    carols = await store.add_copy(CAROL)
    bob_borrows = await store.request_loan(BOB, alices["id"])
    await store.step("approveLoan", bob_borrows["id"], as_user=ALICE)
    bob_buys = (await store.ok("mutation($c: ID!) { placeOrder(copyId: $c) { id } }", {"c": carols["id"]},
                               as_user=BOB))["placeOrder"]
    alice_asks = await store.request_loan(ALICE, bobs_shelf["id"])
    carol_has = await store.request_loan(CAROL, bobs_lent["id"])
    await store.step("approveLoan", carol_has["id"], as_user=BOB)
    await store.step("startLoan", carol_has["id"], as_user=BOB)
    before = len(await store.events())

    delete = user_event("delete", BOB.user_id, 4)
    await store.deliver(user_event("add", BOB.user_id, 1, "bob"), delete, delete)

    row = await owner_row(store, BOB.user_id)
    assert row.deleted_at is not None and row.username is None
    loan = "query($id: ID!) { loan(id: $id) { status reason borrower { id } lender { id } } }"
    assert (await store.ok(loan, {"id": bob_borrows["id"]}, as_user=ALICE))["loan"] == {
        "status": "CANCELLED", "reason": reasons.ACCOUNT_DELETED, "borrower": None, "lender": {"id": ALICE.user_id}}
    assert (await store.ok(loan, {"id": alice_asks["id"]}, as_user=ALICE))["loan"]["status"] == "CANCELLED"
    # The book Carol holds is still with her: that loan stays, with the lender anonymised.
    assert (await store.ok(loan, {"id": carol_has["id"]}, as_user=CAROL))["loan"] == {
        "status": "ACTIVE", "reason": None, "borrower": {"id": CAROL.user_id}, "lender": None}
    order = await store.ok("query($id: ID!) { order(id: $id) { status buyer { id } } }", {"id": bob_buys["id"]},
                           as_user=CAROL)
    assert order["order"] == {"status": "CANCELLED", "buyer": None}
    copy = "query($id: ID!) { copy(id: $id) { status note owner { id } } }"
    assert (await store.ok(copy, {"id": bobs_shelf["id"]}, as_user=ALICE))["copy"] == {
        "status": "WITHDRAWN", "note": None, "owner": None}
    assert (await store.ok(copy, {"id": alices["id"]}, as_user=ALICE))["copy"]["status"] == "AVAILABLE"
    assert (await store.ok(copy, {"id": carols["id"]}, as_user=ALICE))["copy"]["status"] == "AVAILABLE"

    said = [(e["event"], e.get("reason")) for e in (await store.events())[before:]]
    assert sorted(said) == sorted([
        ("store_loan_cancel", reasons.ACCOUNT_DELETED), ("store_loan_cancel", reasons.ACCOUNT_DELETED),
        ("store_order_cancel", reasons.ACCOUNT_DELETED), ("store_copy_withdraw", reasons.OWNER_ACCOUNT_DELETED)])
    # The duplicate delete did nothing more, and the deleted account cannot act.
    assert error_code(await store.gql('mutation { addCopy(input: {isbn: "9780306406157", condition: GOOD}) { id } }',
                                      as_user=BOB)) == "FORBIDDEN"
    # Nobody can start business with the person who left, even for a copy still out on loan.
    due = "2099-01-01"
    ask = await store.gql("mutation($c: ID!, $d: Date!) { requestLoan(copyId: $c, dueDate: $d) { id } }",
                          {"c": bobs_lent["id"], "d": due}, as_user=ALICE)
    assert error_code(ask) == "BAD_USER_INPUT" and "left" in ask["errors"][0]["message"]
    # Nobody is told the book is overdue: its lender has left.
    async with store.db.transaction() as session:
        await session.execute(update(loans).where(loans.c.id == carol_has["id"])
                              .values(due_date=dt.date.today() - dt.timedelta(days=2)))
    assert await announce_overdue_loans(store.db) == 0
    # A late update does not bring the user back.
    await store.deliver(user_event("update", BOB.user_id, 5, "bob-again"))
    row = await owner_row(store, BOB.user_id)
    assert row.deleted_at is not None and row.username is None


async def test_a_deletion_for_an_unknown_user_leaves_a_tombstone(store: Store) -> None:
    await store.deliver(user_event("delete", "u-ghost", 2), user_event("add", "u-ghost", 1, "ghost"))
    row = await owner_row(store, "u-ghost")
    assert row.deleted_at is not None and row.username is None
