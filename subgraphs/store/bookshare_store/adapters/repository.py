"""Reading and writing single rows, and the exclusive hold on a copy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_store.adapters.records import CopyRecord, LoanRecord, OrderRecord
from bookshare_store.adapters.tables import copies, copy_holds, loan_timeline, loans, orders, owners
from bookshare_store.domain.copies import CopyStatus
from bookshare_store.domain.errors import Missing, Refused
from bookshare_store.domain.loans import LoanAction, LoanStatus

ALREADY_HELD = "this copy is already lent or promised to someone else"


async def find_copy(session: AsyncSession, copy_id: str) -> CopyRecord | None:
    row = (await session.execute(select(copies).where(copies.c.id == copy_id))).first()
    return CopyRecord.from_row(row) if row else None


async def get_copy(session: AsyncSession, copy_id: str) -> CopyRecord:
    copy = await find_copy(session, copy_id)
    if copy is None:
        raise Missing("no copy with this id", field="copyId")
    return copy


async def find_loan(session: AsyncSession, loan_id: str) -> LoanRecord | None:
    row = (await session.execute(select(loans).where(loans.c.id == loan_id))).first()
    return LoanRecord.from_row(row) if row else None


async def get_loan(session: AsyncSession, loan_id: str) -> LoanRecord:
    loan = await find_loan(session, loan_id)
    if loan is None:
        raise Missing("no loan with this id", field="id")
    return loan


async def find_order(session: AsyncSession, order_id: str) -> OrderRecord | None:
    row = (await session.execute(select(orders).where(orders.c.id == order_id))).first()
    return OrderRecord.from_row(row) if row else None


async def get_order(session: AsyncSession, order_id: str) -> OrderRecord:
    order = await find_order(session, order_id)
    if order is None:
        raise Missing("no order with this id", field="id")
    return order


async def check_owner_active(session: AsyncSession, owner_id: str) -> None:
    """Refuse to start business with someone whose account is gone."""
    deleted_at = await session.scalar(select(owners.c.deleted_at).where(owners.c.id == owner_id))
    if deleted_at is not None:
        raise Refused("the owner of this copy has left Bookshare", field="copyId")


async def update_copy_row(session: AsyncSession, copy_id: str, now: dt.datetime, **values: Any) -> CopyRecord:
    await session.execute(update(copies).where(copies.c.id == copy_id).values(updated_at=now, **values))
    return await get_copy(session, copy_id)


async def set_copy_status(session: AsyncSession, copy_id: str, status: CopyStatus, now: dt.datetime) -> None:
    await session.execute(update(copies).where(copies.c.id == copy_id).values(status=status.value, updated_at=now))


async def acquire_hold(session: AsyncSession, copy_id: str, now: dt.datetime, *, loan_id: str | None = None,
                       order_id: str | None = None) -> None:
    """Take the copy for one loan or order. The primary key on copy_id refuses a second holder, even one
    whose transaction raced past the check below; entrypoints turn that IntegrityError into the same refusal."""
    held = await session.scalar(select(copy_holds.c.copy_id).where(copy_holds.c.copy_id == copy_id))
    if held is not None:
        raise Refused(ALREADY_HELD)
    await session.execute(insert(copy_holds).values(copy_id=copy_id, loan_id=loan_id, order_id=order_id,
                                                    created_at=now))


async def release_hold(session: AsyncSession, copy_id: str, *, loan_id: str | None = None,
                       order_id: str | None = None) -> None:
    holder = copy_holds.c.loan_id == loan_id if loan_id is not None else copy_holds.c.order_id == order_id
    await session.execute(delete(copy_holds).where(copy_holds.c.copy_id == copy_id, holder))


async def add_timeline(session: AsyncSession, loan_id: str, status: LoanStatus, action: LoanAction | None,
                       at: dt.datetime, actor_id: str | None, note: str | None = None) -> None:
    await session.execute(insert(loan_timeline).values(
        loan_id=loan_id, status=status.value, action=action.value if action else "REQUEST", at=at,
        actor_id=actor_id, note=note))
