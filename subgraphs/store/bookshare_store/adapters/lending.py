"""Loans: requesting a copy and moving the loan through its state machine, each step with its event."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_store.adapters import repository as repo
from bookshare_store.adapters.events import LOAN_EVENTS, emit_loan
from bookshare_store.adapters.records import LoanRecord
from bookshare_store.adapters.tables import loans
from bookshare_store.domain.copies import CopyStatus, check_can_request_loan
from bookshare_store.domain.errors import Refused
from bookshare_store.domain.loans import (
    LoanAction,
    LoanStatus,
    check_borrower,
    check_due_date,
    check_extension,
    check_still_due,
    loan_party,
    plan_loan_move,
)
from bookshare_store.domain.machine import Party, check_reason

# Which timestamp column each resulting status fills in.
_STAMPS = {
    LoanStatus.APPROVED: "approved_at",
    LoanStatus.ACTIVE: "started_at",
    LoanStatus.RETURNED: "returned_at",
    LoanStatus.REJECTED: "closed_at",
    LoanStatus.CANCELLED: "closed_at",
}


async def request_loan(session: AsyncSession, borrower_id: str, copy_id: str, due_date: dt.date,
                       now: dt.datetime) -> LoanRecord:
    copy = await repo.get_copy(session, copy_id)
    check_borrower(borrower_id, copy.owner_id)
    check_can_request_loan(copy.status, copy.for_loan)
    await repo.check_owner_active(session, copy.owner_id)
    check_due_date(due_date, now.date())
    open_one = await session.scalar(select(loans.c.id).where(
        loans.c.copy_id == copy_id, loans.c.borrower_id == borrower_id,
        loans.c.status.in_([LoanStatus.REQUESTED, LoanStatus.APPROVED, LoanStatus.ACTIVE])))
    if open_one is not None:
        raise Refused("you already have an open loan request for this copy", field="copyId")
    loan_id = str(uuid.uuid4())
    await session.execute(insert(loans).values(
        id=loan_id, copy_id=copy_id, lender_id=copy.owner_id, borrower_id=borrower_id,
        status=LoanStatus.REQUESTED.value, due_date=due_date, requested_at=now, updated_at=now))
    await repo.add_timeline(session, loan_id, LoanStatus.REQUESTED, None, now, borrower_id)
    loan = await repo.get_loan(session, loan_id)
    await emit_loan(session, "store_loan_request", loan, copy.isbn, actor_id=borrower_id)
    return loan


async def move_loan(session: AsyncSession, loan_id: str, action: LoanAction, actor_id: str | None,
                    now: dt.datetime, *, reason: str | None = None, due_date: dt.date | None = None,
                    loan: LoanRecord | None = None) -> LoanRecord:
    """Apply one move by `actor_id` (None: the store itself) and write its event in the same transaction."""
    loan = loan or await repo.get_loan(session, loan_id)
    party = Party.SYSTEM if actor_id is None else loan_party(actor_id, loan.lender_id, loan.borrower_id)
    move = plan_loan_move(loan.status, action, party)
    reason = check_reason(reason)
    check_still_due(action, loan.due_date, now.date())
    copy = await repo.get_copy(session, loan.copy_id)
    values: dict[str, object] = {"status": move.status.value, "updated_at": now}
    extra: dict[str, object] = {}
    if action is LoanAction.EXTEND:
        if due_date is None:
            raise Refused("a new due date is needed", field="dueDate")
        check_extension(loan.due_date, due_date, now.date())
        values.update(due_date=due_date, overdue_notified_at=None)  # a new due date may become overdue again
        extra["previous_due_date"] = loan.due_date.isoformat()
    if move.acquires_hold:
        if copy.owner_id != loan.lender_id:
            raise Refused("this copy now belongs to someone else")
        if copy.status is not CopyStatus.AVAILABLE:
            raise Refused(repo.ALREADY_HELD if copy.status in (CopyStatus.RESERVED, CopyStatus.ON_LOAN)
                          else f"this copy is {copy.status.value.lower()} and cannot be lent")
        await repo.acquire_hold(session, copy.id, now, loan_id=loan.id)
    if stamp := _STAMPS.get(move.status):
        if move.status is not loan.status:
            values[stamp] = now
    if reason is not None:
        values["reason"] = reason
    # Only from the state we read: a concurrent move of the same loan makes this match nothing.
    result = await session.execute(
        update(loans).where(loans.c.id == loan.id, loans.c.status == loan.status.value).values(**values))
    if result.rowcount != 1:
        raise Refused("this loan changed meanwhile; reload it and try again")
    if move.releases_hold:
        await repo.release_hold(session, copy.id, loan_id=loan.id)
    if move.copy_status is not None:
        await repo.set_copy_status(session, copy.id, move.copy_status, now)
    await repo.add_timeline(session, loan.id, move.status, action, now, actor_id, reason)
    updated = await repo.get_loan(session, loan.id)
    await emit_loan(session, LOAN_EVENTS[action], updated, copy.isbn, actor_id=actor_id, reason=reason, **extra)
    return updated


async def close_open_loans(session: AsyncSession, *, copy_id: str | None = None, user_id: str | None = None,
                           reason: str, now: dt.datetime, statuses: tuple[LoanStatus, ...] | None = None) -> int:
    """The store closes loans nobody can carry on: requests are rejected when the copy goes away, and a
    deleted user's requests (either side) are cancelled. Each closure writes its event."""
    query = select(loans)
    if copy_id is not None:
        query = query.where(loans.c.copy_id == copy_id)
    if user_id is not None:
        query = query.where((loans.c.lender_id == user_id) | (loans.c.borrower_id == user_id))
    wanted = statuses or (LoanStatus.REQUESTED, LoanStatus.APPROVED)
    query = query.where(loans.c.status.in_([s.value for s in wanted])).order_by(loans.c.requested_at)
    found = [LoanRecord.from_row(row) for row in (await session.execute(query)).all()]
    action = LoanAction.CANCEL if user_id is not None else LoanAction.REJECT
    for loan in found:
        await move_loan(session, loan.id, action, None, now, reason=reason, loan=loan)
    return len(found)
