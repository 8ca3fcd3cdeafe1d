"""Copies: listing one, changing its listing, withdrawing it. Only the owner changes a copy."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_store.adapters import repository as repo
from bookshare_store.adapters.events import emit_copy
from bookshare_store.adapters.lending import close_open_loans
from bookshare_store.adapters.records import CopyRecord
from bookshare_store.adapters.selling import close_open_orders
from bookshare_store.adapters.tables import copies
from bookshare_store.domain import reasons
from bookshare_store.domain.copies import (
    Condition,
    CopyStatus,
    check_listing,
    check_note,
    check_withdrawable,
    parse_price,
    status_after_update,
)
from bookshare_store.domain.errors import NotPermitted, Refused
from bookshare_store.domain.isbn import InvalidIsbn, normalise_isbn
from bookshare_store.domain.loans import LoanStatus
from bookshare_store.domain.orders import OrderStatus

UNCHANGED = object()


@dataclass(frozen=True)
class CopyChanges:
    """What updateCopy asks to change; UNCHANGED where the client did not say."""

    condition: object = UNCHANGED
    for_loan: object = UNCHANGED
    for_sale: object = UNCHANGED
    price: object = UNCHANGED  # decimal text, or None to clear
    note: object = UNCHANGED


def checked_isbn(raw: str) -> str:
    try:
        return normalise_isbn(raw)
    except InvalidIsbn as exc:
        raise Refused(str(exc), field="isbn") from None


async def add_copy(session: AsyncSession, owner_id: str, *, isbn: str, condition: Condition, for_loan: bool,
                   for_sale: bool, price: str | None, note: str | None, now: dt.datetime) -> CopyRecord:
    isbn13 = checked_isbn(isbn)
    price_cents = parse_price(price)
    check_listing(for_loan, for_sale, price_cents)
    copy_id = str(uuid.uuid4())
    await session.execute(insert(copies).values(
        id=copy_id, isbn=isbn13, owner_id=owner_id, condition=condition.value, for_loan=for_loan,
        for_sale=for_sale, price_cents=price_cents, status=CopyStatus.AVAILABLE.value, note=check_note(note),
        created_at=now, updated_at=now))
    copy = await repo.get_copy(session, copy_id)
    await emit_copy(session, "store_copy_add", copy, actor_id=owner_id)
    return copy


async def _owned_copy(session: AsyncSession, actor_id: str, copy_id: str) -> CopyRecord:
    copy = await repo.get_copy(session, copy_id)
    if copy.owner_id != actor_id:
        raise NotPermitted("only the copy's owner can change it")
    return copy


async def update_copy(session: AsyncSession, actor_id: str, copy_id: str, changes: CopyChanges,
                      now: dt.datetime) -> CopyRecord:
    copy = await _owned_copy(session, actor_id, copy_id)
    if copy.status is CopyStatus.WITHDRAWN and changes.for_loan is not True and changes.for_sale is not True:
        raise Refused("this copy is withdrawn: offer it for loan or sale to list it again")
    condition = copy.condition if changes.condition is UNCHANGED else Condition(changes.condition)
    for_loan = copy.for_loan if changes.for_loan is UNCHANGED else bool(changes.for_loan)
    for_sale = copy.for_sale if changes.for_sale is UNCHANGED else bool(changes.for_sale)
    price_cents = copy.price_cents if changes.price is UNCHANGED else parse_price(changes.price)  # type: ignore[arg-type]
    note = copy.note if changes.note is UNCHANGED else check_note(changes.note)  # type: ignore[arg-type]
    check_listing(for_loan, for_sale, price_cents)
    status = status_after_update(copy.status, for_loan, for_sale)
    updated = await repo.update_copy_row(
        session, copy.id, now, condition=condition.value, for_loan=for_loan, for_sale=for_sale,
        price_cents=price_cents, note=note, status=status.value)
    await emit_copy(session, "store_copy_update", updated, actor_id=actor_id)
    # Requests for what is no longer offered are turned down, so nobody waits for nothing.
    if copy.for_loan and not for_loan:
        await close_open_loans(session, copy_id=copy.id, reason=reasons.NO_LONGER_FOR_LOAN, now=now,
                               statuses=(LoanStatus.REQUESTED,))
    if copy.for_sale and not for_sale:
        await close_open_orders(session, copy_id=copy.id, reason=reasons.NO_LONGER_FOR_SALE, now=now,
                                statuses=(OrderStatus.PLACED,))
    return updated


async def withdraw_copy(session: AsyncSession, actor_id: str | None, copy_id: str, now: dt.datetime, *,
                        reason: str | None = None) -> CopyRecord:
    """The owner takes the copy off the platform (actor None: the store does, for a deleted owner)."""
    copy = await repo.get_copy(session, copy_id) if actor_id is None else await _owned_copy(session, actor_id, copy_id)
    check_withdrawable(copy.status)
    await close_open_loans(session, copy_id=copy.id, reason=reason or reasons.COPY_WITHDRAWN, now=now,
                           statuses=(LoanStatus.REQUESTED,))
    await close_open_orders(session, copy_id=copy.id, reason=reason or reasons.COPY_WITHDRAWN, now=now)
    values: dict[str, object] = {"status": CopyStatus.WITHDRAWN.value}
    if actor_id is None:
        values["note"] = None  # the owner's words go with them
    updated = await repo.update_copy_row(session, copy.id, now, **values)
    await emit_copy(session, "store_copy_withdraw", updated, actor_id=actor_id, reason=reason)
    return updated
