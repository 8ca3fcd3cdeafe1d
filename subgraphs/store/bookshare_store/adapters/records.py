"""Plain records read from the tables, with the domain's enums, so entrypoints never touch rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from bookshare_store.domain.copies import Condition, CopyStatus
from bookshare_store.domain.loans import LoanAction, LoanStatus
from bookshare_store.domain.orders import OrderStatus


@dataclass(frozen=True)
class CopyRecord:
    id: str
    isbn: str
    owner_id: str
    condition: Condition
    for_loan: bool
    for_sale: bool
    price_cents: int | None
    status: CopyStatus
    note: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: Any) -> CopyRecord:
        m = row._mapping
        return cls(id=m["id"], isbn=m["isbn"], owner_id=m["owner_id"], condition=Condition(m["condition"]),
                   for_loan=bool(m["for_loan"]), for_sale=bool(m["for_sale"]), price_cents=m["price_cents"],
                   status=CopyStatus(m["status"]), note=m["note"], created_at=m["created_at"],
                   updated_at=m["updated_at"])


@dataclass(frozen=True)
class LoanRecord:
    id: str
    copy_id: str
    lender_id: str
    borrower_id: str
    status: LoanStatus
    due_date: dt.date
    requested_at: dt.datetime
    approved_at: dt.datetime | None
    started_at: dt.datetime | None
    returned_at: dt.datetime | None
    closed_at: dt.datetime | None
    reason: str | None
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: Any) -> LoanRecord:
        m = row._mapping
        return cls(id=m["id"], copy_id=m["copy_id"], lender_id=m["lender_id"], borrower_id=m["borrower_id"],
                   status=LoanStatus(m["status"]), due_date=m["due_date"], requested_at=m["requested_at"],
                   approved_at=m["approved_at"], started_at=m["started_at"], returned_at=m["returned_at"],
                   closed_at=m["closed_at"], reason=m["reason"], updated_at=m["updated_at"])


@dataclass(frozen=True)
class OrderRecord:
    id: str
    copy_id: str
    seller_id: str
    buyer_id: str
    price_cents: int
    status: OrderStatus
    placed_at: dt.datetime
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    closed_at: dt.datetime | None
    reason: str | None
    updated_at: dt.datetime

    @classmethod
    def from_row(cls, row: Any) -> OrderRecord:
        m = row._mapping
        return cls(id=m["id"], copy_id=m["copy_id"], seller_id=m["seller_id"], buyer_id=m["buyer_id"],
                   price_cents=m["price_cents"], status=OrderStatus(m["status"]), placed_at=m["placed_at"],
                   accepted_at=m["accepted_at"], completed_at=m["completed_at"], closed_at=m["closed_at"],
                   reason=m["reason"], updated_at=m["updated_at"])


@dataclass(frozen=True)
class TimelineEntry:
    status: LoanStatus
    action: LoanAction | None  # None for the request itself
    at: dt.datetime
    actor_id: str | None
    note: str | None
