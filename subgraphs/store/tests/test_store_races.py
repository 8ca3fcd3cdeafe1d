"""Racing requests on PostgreSQL: a copy is held by at most one approved-or-active loan or accepted order.

The rule lives in the database (copy_holds keyed by copy id, plus partial unique indexes). These tests make
the Python pre-checks useless on purpose, by holding every racer at a barrier until all of them have read
the copy as free, so only the database can stop the second holder.
"""

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from bookshare_common.credential import Principal
from bookshare_common.testing import fresh_postgres_database, service_client
from bookshare_store.adapters import repository
from bookshare_store.adapters.tables import copy_holds
from bookshare_store.entrypoints.app import SPEC
from bookshare_store.testing import ALICE, Store, error_code

RACERS = 8


@pytest.fixture
async def pg_store(tmp_path: Path) -> AsyncIterator[Store]:
    async with fresh_postgres_database() as url, service_client(SPEC, database_url=url, data_dir=tmp_path) as client:
        yield Store(client)


def barrier_before_hold(monkeypatch: pytest.MonkeyPatch, parties: int) -> None:
    """Every racer waits here, inside its transaction and after all its checks, until all have arrived."""
    barrier = asyncio.Barrier(parties)
    original = repository.acquire_hold

    async def acquire_hold_after_barrier(session, copy_id, now, **holder):  # noqa: ANN001, ANN003, ANN202
        await asyncio.wait_for(barrier.wait(), timeout=30)
        # Skip the friendly pre-check too: only the database decides.
        await session.execute(insert(copy_holds).values(copy_id=copy_id, created_at=now, **holder))

    monkeypatch.setattr(repository, "acquire_hold", acquire_hold_after_barrier)
    assert original is not acquire_hold_after_barrier


async def holds(store: Store, copy_id: str) -> int:
    async with store.db.session() as session:
        return await session.scalar(select(func.count()).select_from(copy_holds).where(copy_holds.c.copy_id == copy_id))


async def test_racing_approvals_of_one_copy_let_exactly_one_through(pg_store: Store,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    store = pg_store
    copy = await store.add_copy(ALICE)
    borrowers = [Principal(user_id=f"u-borrower-{i}") for i in range(RACERS)]
    loans = [await store.request_loan(b, copy["id"]) for b in borrowers]
    barrier_before_hold(monkeypatch, RACERS)
    results = await asyncio.gather(*(store.step("approveLoan", loan["id"], as_user=ALICE) for loan in loans))
    approved = [r for r in results if not r.get("errors")]
    refused = [r for r in results if r.get("errors")]
    assert len(approved) == 1, results
    assert {error_code(r) for r in refused} == {"BAD_USER_INPUT"}
    assert all("already lent or promised" in r["errors"][0]["message"] for r in refused)
    assert await holds(store, copy["id"]) == 1
    assert len(await store.events("store_loan_approve")) == 1  # refused attempts wrote no event
    status = await store.ok("query($id: ID!) { copy(id: $id) { status } }", {"id": copy["id"]}, as_user=ALICE)
    assert status["copy"]["status"] == "RESERVED"


async def test_a_loan_approval_racing_order_acceptances_leaves_one_holder(pg_store: Store,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    store = pg_store
    copy = await store.add_copy(ALICE)
    loans = [await store.request_loan(Principal(user_id=f"u-b{i}"), copy["id"]) for i in range(RACERS // 2)]
    orders = [(await store.ok("mutation($c: ID!) { placeOrder(copyId: $c) { id } }", {"c": copy["id"]},
                              as_user=Principal(user_id=f"u-s{i}")))["placeOrder"] for i in range(RACERS // 2)]
    barrier_before_hold(monkeypatch, RACERS)
    results = await asyncio.gather(*(store.step("approveLoan", loan["id"], as_user=ALICE) for loan in loans),
                                   *(store.step("acceptOrder", order["id"], as_user=ALICE) for order in orders))
    assert sum(1 for r in results if not r.get("errors")) == 1, results
    assert {error_code(r) for r in results if r.get("errors")} == {"BAD_USER_INPUT"}
    assert await holds(store, copy["id"]) == 1
    moves = await store.events("store_loan_approve") + await store.events("store_order_accept")
    assert len(moves) == 1


async def test_racing_approve_and_cancel_of_one_loan_end_in_one_consistent_state(pg_store: Store) -> None:
    store = pg_store
    for round_ in range(5):
        copy = await store.add_copy(ALICE)
        borrower = Principal(user_id=f"u-racer-{round_}")
        loan = await store.request_loan(borrower, copy["id"])
        approve, cancel = await asyncio.gather(store.step("approveLoan", loan["id"], as_user=ALICE),
                                               store.step("cancelLoan", loan["id"], as_user=borrower))
        state = await store.ok("query($id: ID!) { loan(id: $id) { status copy { status } } }", {"id": loan["id"]},
                               as_user=borrower)
        assert not cancel.get("errors") or error_code(cancel) == "BAD_USER_INPUT"
        assert not approve.get("errors") or error_code(approve) == "BAD_USER_INPUT"
        if state["loan"]["status"] == "CANCELLED":
            # The cancellation won, or came second and undid the approval: either way the copy is free.
            assert not cancel.get("errors")
            assert state["loan"]["copy"]["status"] == "AVAILABLE" and await holds(store, copy["id"]) == 0
        else:
            assert state["loan"]["status"] == "APPROVED" and not approve.get("errors")
            assert error_code(cancel) == "BAD_USER_INPUT"
            assert state["loan"]["copy"]["status"] == "RESERVED" and await holds(store, copy["id"]) == 1
        approvals = [e for e in await store.events("store_loan_approve") if e["loan_id"] == loan["id"]]
        assert len(approvals) == (0 if approve.get("errors") else 1)


async def test_the_database_itself_refuses_a_second_holder(pg_store: Store) -> None:
    store = pg_store
    copy = await store.add_copy(ALICE)
    loan = await store.request_loan(Principal(user_id="u-x"), copy["id"])
    order = (await store.ok("mutation($c: ID!) { placeOrder(copyId: $c) { id } }", {"c": copy["id"]},
                            as_user=Principal(user_id="u-y")))["placeOrder"]
    now = dt.datetime.now(dt.UTC)
    first_inserted = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with store.db.transaction() as session:
            await session.execute(insert(copy_holds).values(copy_id=copy["id"], loan_id=loan["id"], created_at=now))
            first_inserted.set()
            await release_first.wait()

    async def second() -> None:
        await first_inserted.wait()
        async with store.db.transaction() as session:
            await session.execute(insert(copy_holds).values(copy_id=copy["id"], order_id=order["id"], created_at=now))

    first_task = asyncio.create_task(first())
    second_task = asyncio.create_task(second())
    await first_inserted.wait()
    await asyncio.sleep(0.2)
    assert not second_task.done()  # PostgreSQL makes the second writer wait for the first
    release_first.set()
    await first_task
    with pytest.raises(IntegrityError):
        await second_task
    assert await holds(store, copy["id"]) == 1


async def test_many_concurrent_approvals_and_acceptances_through_the_api(store: Store) -> None:
    """The same rule on both databases, with no help: twenty concurrent moves for one copy, one succeeds."""
    copy = await store.add_copy(ALICE)
    loans = [await store.request_loan(Principal(user_id=f"u-b{i}"), copy["id"]) for i in range(10)]
    orders = [(await store.ok("mutation($c: ID!) { placeOrder(copyId: $c) { id } }", {"c": copy["id"]},
                              as_user=Principal(user_id=f"u-s{i}")))["placeOrder"] for i in range(10)]
    results = await asyncio.gather(*(store.step("approveLoan", loan["id"], as_user=ALICE) for loan in loans),
                                   *(store.step("acceptOrder", order["id"], as_user=ALICE) for order in orders))
    assert sum(1 for r in results if not r.get("errors")) == 1
    assert {error_code(r) for r in results if r.get("errors")} == {"BAD_USER_INPUT"}
    assert await holds(store, copy["id"]) == 1


async def test_a_new_users_first_requests_arriving_together_all_succeed(store: Store) -> None:
    """Owner-on-first-use under concurrency: five listings at once from someone the store has never seen."""
    newcomer = Principal(user_id="u-newcomer", username="newcomer")
    results = await asyncio.gather(*(store.gql(
        'mutation { addCopy(input: {isbn: "9780306406157", condition: NEW}) { id owner { id } } }', as_user=newcomer)
        for _ in range(5)))
    assert all(not r.get("errors") for r in results), results
    assert {r["data"]["addCopy"]["owner"]["id"] for r in results} == {"u-newcomer"}
    assert len(await store.events("store_copy_add")) == 5
