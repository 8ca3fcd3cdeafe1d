"""The daily overdue check: each loan past its due date is announced once (store_loan_overdue).

`overdue_notified_at` is set in the same transaction as the event, with a guard on it still being empty,
so several replicas running the job at once still announce each loan once. Extending a loan clears it.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import structlog
from sqlalchemy import select, update

from bookshare_common.db import Database
from bookshare_store.adapters.events import emit_loan
from bookshare_store.adapters.records import LoanRecord
from bookshare_store.adapters.tables import copies, loans, owners
from bookshare_store.domain.loans import LoanStatus

log = structlog.get_logger(__name__)

BATCH = 200


async def announce_overdue_loans(db: Database, now: dt.datetime | None = None) -> int:
    """Emit store_loan_overdue for every active loan past its due date not yet announced; returns how many."""
    now = now or dt.datetime.now(dt.UTC)
    today = now.date()
    announced = 0
    while True:
        async with db.transaction() as session:
            rows = (await session.execute(
                select(loans, copies.c.isbn).join(copies, copies.c.id == loans.c.copy_id)
                .join(owners, owners.c.id == loans.c.lender_id)
                # Nobody is waiting for a book whose lender has left, so there is nothing to announce.
                .where(loans.c.status == LoanStatus.ACTIVE.value, loans.c.due_date < today,
                       loans.c.overdue_notified_at.is_(None), owners.c.deleted_at.is_(None))
                .order_by(loans.c.due_date, loans.c.id).limit(BATCH))).all()
            for row in rows:
                claimed = await session.execute(
                    update(loans).where(loans.c.id == row.id, loans.c.overdue_notified_at.is_(None))
                    .values(overdue_notified_at=now))
                if claimed.rowcount != 1:
                    continue
                loan = LoanRecord.from_row(row)
                await emit_loan(session, "store_loan_overdue", loan, row.isbn, actor_id=None,
                                days_overdue=(today - loan.due_date).days)
                announced += 1
        if len(rows) < BATCH:
            return announced


def seconds_until_next_run(now: dt.datetime, at: dt.time = dt.time(0, 5)) -> float:
    """Seconds until the next daily run (00:05 UTC by default)."""
    target = dt.datetime.combine(now.date(), at, tzinfo=dt.UTC)
    if target <= now:
        target += dt.timedelta(days=1)
    return (target - now).total_seconds()


async def run_daily(db: Database) -> None:
    """Check once at start (a restart must not skip a day), then every day."""
    while True:
        try:
            count = await announce_overdue_loans(db)
            if count:
                log.info("overdue loans announced", count=count)
        except Exception:  # noqa: BLE001 - the job must survive a database hiccup; it runs again tomorrow
            log.exception("overdue check failed")
        await asyncio.sleep(seconds_until_next_run(dt.datetime.now(dt.UTC)))
