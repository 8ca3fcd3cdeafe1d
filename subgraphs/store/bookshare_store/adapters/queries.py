"""Reads: lists with Relay cursors (newest first), counts, a loan's timeline."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_store.adapters.records import CopyRecord, LoanRecord, OrderRecord, TimelineEntry
from bookshare_store.adapters.tables import copies, copy_holds, loan_timeline, loans, orders, owners
from bookshare_store.domain.copies import REQUESTABLE, CopyStatus
from bookshare_store.domain.errors import Refused
from bookshare_store.domain.loans import LoanAction, LoanStatus
from bookshare_store.domain.orders import OrderStatus

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool


def encode_cursor(at: dt.datetime, row_id: str) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|", 1)
        parsed = dt.datetime.fromisoformat(at)
    except (ValueError, UnicodeDecodeError):
        raise Refused("invalid cursor", field="after") from None
    if parsed.tzinfo is None:
        raise Refused("invalid cursor", field="after")
    return parsed, row_id


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0:
        raise Refused("first cannot be negative", field="first")
    return min(first, MAX_PAGE)


async def _paginate(session: AsyncSession, query: Select[Any], at_col: Any, id_col: Any, first: int | None,
                    after: str | None, record: Any) -> Page[Any]:
    size = page_size(first)
    if after:
        at, row_id = decode_cursor(after)
        query = query.where(or_(at_col < at, and_(at_col == at, id_col < row_id)))
    rows = (await session.execute(query.order_by(at_col.desc(), id_col.desc()).limit(size + 1))).all()
    items = [record.from_row(row) for row in rows[:size]]
    at_name = at_col.key
    return Page(items=items, cursors=[encode_cursor(getattr(i, at_name), i.id) for i in items],
                has_next_page=len(rows) > size, has_previous_page=bool(after))


def _copy_filters(query: Select[Any], *, isbn: str | None, owner_id: str | None, for_loan: bool | None,
                  for_sale: bool | None, listed_only: bool, statuses: Sequence[CopyStatus] | None) -> Select[Any]:
    if isbn is not None:
        query = query.where(copies.c.isbn == isbn)
    if owner_id is not None:
        query = query.where(copies.c.owner_id == owner_id)
    if listed_only:
        # What strangers see: copies on offer whose owner still has an account.
        query = query.where(copies.c.status.in_([s.value for s in REQUESTABLE]),
                            or_(copies.c.for_loan.is_(True), copies.c.for_sale.is_(True)),
                            copies.c.owner_id.in_(select(owners.c.id).where(owners.c.deleted_at.is_(None))))
    if statuses:
        query = query.where(copies.c.status.in_([s.value for s in statuses]))
    if for_loan is not None:
        query = query.where(copies.c.for_loan.is_(for_loan))
    if for_sale is not None:
        query = query.where(copies.c.for_sale.is_(for_sale))
    return query


async def list_copies(session: AsyncSession, *, isbn: str | None = None, owner_id: str | None = None,
                      for_loan: bool | None = None, for_sale: bool | None = None, listed_only: bool = True,
                      statuses: Sequence[CopyStatus] | None = None, first: int | None = None,
                      after: str | None = None) -> Page[CopyRecord]:
    query = _copy_filters(select(copies), isbn=isbn, owner_id=owner_id, for_loan=for_loan, for_sale=for_sale,
                          listed_only=listed_only, statuses=statuses)
    return await _paginate(session, query, copies.c.created_at, copies.c.id, first, after, CopyRecord)


async def first_pages_by_book(session: AsyncSession, isbns: Iterable[str], *, for_loan: bool | None,
                              for_sale: bool | None, first: int | None) -> dict[str, Page[CopyRecord]]:
    """The first page of listed copies for each of many books in one query (a list of books showing their
    copies costs one round trip, not one per book). Same order and cursors as list_copies."""
    size = page_size(first)
    wanted = list(set(isbns))
    rank = func.row_number().over(partition_by=copies.c.isbn,
                                  order_by=(copies.c.created_at.desc(), copies.c.id.desc())).label("rank")
    ranked = _copy_filters(select(copies, rank).where(copies.c.isbn.in_(wanted)), isbn=None, owner_id=None,
                           for_loan=for_loan, for_sale=for_sale, listed_only=True, statuses=None).subquery()
    rows = (await session.execute(select(ranked).where(ranked.c.rank <= size + 1)
                                  .order_by(ranked.c.isbn, ranked.c.rank))).all()
    grouped: dict[str, list[CopyRecord]] = {isbn: [] for isbn in wanted}
    for row in rows:
        grouped[row.isbn].append(CopyRecord.from_row(row))
    return {isbn: Page(items=found[:size], cursors=[encode_cursor(c.created_at, c.id) for c in found[:size]],
                       has_next_page=len(found) > size, has_previous_page=False)
            for isbn, found in grouped.items()}


async def available_counts(session: AsyncSession, isbns: Iterable[str]) -> dict[str, int]:
    """How many copies of each book are on the shelf and offered, for Book.availableCopyCount."""
    wanted = list(set(isbns))
    rows = (await session.execute(
        select(copies.c.isbn, func.count()).where(
            copies.c.isbn.in_(wanted), copies.c.status == CopyStatus.AVAILABLE.value,
            or_(copies.c.for_loan.is_(True), copies.c.for_sale.is_(True)))
        .group_by(copies.c.isbn))).all()
    counts = dict.fromkeys(wanted, 0)
    counts.update({isbn: int(n) for isbn, n in rows})
    return counts


async def list_loans(session: AsyncSession, user_id: str, *, as_lender: bool | None, status: LoanStatus | None,
                     first: int | None, after: str | None) -> Page[LoanRecord]:
    if as_lender is None:
        query = select(loans).where(or_(loans.c.lender_id == user_id, loans.c.borrower_id == user_id))
    elif as_lender:
        query = select(loans).where(loans.c.lender_id == user_id)
    else:
        query = select(loans).where(loans.c.borrower_id == user_id)
    if status is not None:
        query = query.where(loans.c.status == status.value)
    return await _paginate(session, query, loans.c.requested_at, loans.c.id, first, after, LoanRecord)


async def list_orders(session: AsyncSession, user_id: str, *, as_seller: bool | None, status: OrderStatus | None,
                      first: int | None, after: str | None) -> Page[OrderRecord]:
    if as_seller is None:
        query = select(orders).where(or_(orders.c.seller_id == user_id, orders.c.buyer_id == user_id))
    elif as_seller:
        query = select(orders).where(orders.c.seller_id == user_id)
    else:
        query = select(orders).where(orders.c.buyer_id == user_id)
    if status is not None:
        query = query.where(orders.c.status == status.value)
    return await _paginate(session, query, orders.c.placed_at, orders.c.id, first, after, OrderRecord)


async def timeline(session: AsyncSession, loan_id: str) -> list[TimelineEntry]:
    rows = (await session.execute(
        select(loan_timeline).where(loan_timeline.c.loan_id == loan_id).order_by(loan_timeline.c.id))).all()
    return [TimelineEntry(status=LoanStatus(r.status), action=None if r.action == "REQUEST" else LoanAction(r.action),
                          at=r.at, actor_id=r.actor_id, note=r.note) for r in rows]


async def deleted_owner_ids(session: AsyncSession, ids: Iterable[str]) -> set[str]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    rows = await session.execute(select(owners.c.id).where(owners.c.id.in_(wanted), owners.c.deleted_at.is_not(None)))
    return set(rows.scalars().all())


async def holders(session: AsyncSession, copy_ids: Iterable[str]) -> dict[str, tuple[str | None, str | None]]:
    """For each copy held right now, the (loan id, order id) holding it."""
    wanted = list(set(copy_ids))
    rows = (await session.execute(select(copy_holds).where(copy_holds.c.copy_id.in_(wanted)))).all()
    return {row.copy_id: (row.loan_id, row.order_id) for row in rows}
