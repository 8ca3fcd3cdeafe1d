"""The store's events: what each carries so the notification worker can tell the other party."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.events import emit
from bookshare_store.adapters.records import CopyRecord, LoanRecord, OrderRecord
from bookshare_store.domain.copies import format_price
from bookshare_store.domain.loans import LoanAction
from bookshare_store.domain.orders import OrderAction

SOURCE = "store"

LOAN_EVENTS = {
    LoanAction.APPROVE: "store_loan_approve",
    LoanAction.REJECT: "store_loan_reject",
    LoanAction.START: "store_loan_start",
    LoanAction.RETURN: "store_loan_return",
    LoanAction.CANCEL: "store_loan_cancel",
    LoanAction.EXTEND: "store_loan_extend",
}
ORDER_EVENTS = {
    OrderAction.ACCEPT: "store_order_accept",
    OrderAction.REJECT: "store_order_reject",
    OrderAction.COMPLETE: "store_order_complete",
    OrderAction.CANCEL: "store_order_cancel",
}


async def emit_copy(session: AsyncSession, event: str, copy: CopyRecord, *, actor_id: str | None,
                    reason: str | None = None) -> None:
    await emit(session, event, {
        "copy_id": copy.id, "isbn": copy.isbn, "owner_id": copy.owner_id, "condition": copy.condition.value,
        "for_loan": copy.for_loan, "for_sale": copy.for_sale, "price": format_price(copy.price_cents),
        "status": copy.status.value, "actor_id": actor_id, "reason": reason,
    }, source=SOURCE)


async def emit_loan(session: AsyncSession, event: str, loan: LoanRecord, isbn: str, *, actor_id: str | None,
                    reason: str | None = None, **extra: Any) -> None:
    await emit(session, event, {
        "loan_id": loan.id, "copy_id": loan.copy_id, "isbn": isbn, "lender_id": loan.lender_id,
        "borrower_id": loan.borrower_id, "status": loan.status.value, "due_date": loan.due_date.isoformat(),
        "actor_id": actor_id, "reason": reason, **extra,
    }, source=SOURCE)


async def emit_order(session: AsyncSession, event: str, order: OrderRecord, isbn: str, *, actor_id: str | None,
                     reason: str | None = None) -> None:
    await emit(session, event, {
        "order_id": order.id, "copy_id": order.copy_id, "isbn": isbn, "seller_id": order.seller_id,
        "buyer_id": order.buyer_id, "price": format_price(order.price_cents), "status": order.status.value,
        "actor_id": actor_id, "reason": reason,
    }, source=SOURCE)
