"""The daily overdue job runs when the service starts, so loans that fell due while it was down are announced."""

import asyncio
import datetime as dt
from pathlib import Path

from sqlalchemy import update

from bookshare_common.testing import service_client
from bookshare_store.adapters.overdue import seconds_until_next_run
from bookshare_store.adapters.tables import loans
from bookshare_store.entrypoints.app import SPEC
from bookshare_store.testing import ALICE, BOB, Store


async def test_a_restarted_store_announces_loans_that_fell_due_while_it_was_down(database_url: str,
                                                                                  tmp_path: Path) -> None:
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path) as client:
        store = Store(client)
        copy = await store.add_copy(ALICE)
        loan = await store.request_loan(BOB, copy["id"])
        await store.step("approveLoan", loan["id"], as_user=ALICE)
        await store.step("startLoan", loan["id"], as_user=ALICE)
        async with store.db.transaction() as session:  # the due date passes while the service is down
            await session.execute(update(loans).where(loans.c.id == loan["id"])
                                  .values(due_date=dt.date.today() - dt.timedelta(days=3)))
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path) as client:
        store = Store(client)
        for _ in range(200):
            announced = await store.events("store_loan_overdue")
            if announced:
                break
            await asyncio.sleep(0.02)
        assert [(e["loan_id"], e["days_overdue"]) for e in announced] == [(loan["id"], 3)]
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path) as client:
        await asyncio.sleep(0.2)
        assert len(await Store(client).events("store_loan_overdue")) == 1  # not again on the next start


def test_the_job_next_runs_shortly_after_midnight_utc() -> None:
    assert seconds_until_next_run(dt.datetime(2026, 11, 28, 0, 0, tzinfo=dt.UTC)) == 300
    assert seconds_until_next_run(dt.datetime(2026, 11, 28, 0, 5, tzinfo=dt.UTC)) == 86400
    assert seconds_until_next_run(dt.datetime(2026, 11, 28, 23, 0, tzinfo=dt.UTC)) == 3900
