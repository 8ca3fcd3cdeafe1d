"""Orders: placing one and moving it through its state machine; completing hands the copy to the buyer."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_store.adapters import repository as repo
from bookshare_store.adapters.events import ORDER_EVENTS, emit_order
from bookshare_store.adapters.lending import close_open_loans
from bookshare_store.adapters.records import OrderRecord
from bookshare_store.adapters.tables import orders
from bookshare_store.domain import reasons
from bookshare_store.domain.copies import CopyStatus, check_can_order
from bookshare_store.domain.errors import Refused
from bookshare_store.domain.loans import LoanStatus
from bookshare_store.domain.machine import Party, check_reason
from bookshare_store.domain.orders import OrderAction, OrderStatus, check_buyer, order_party, plan_order_move

_STAMPS = {
    OrderStatus.ACCEPTED: "accepted_at",
    OrderStatus.COMPLETED: "completed_at",
    OrderStatus.REJECTED: "closed_at",
    OrderStatus.CANCELLED: "closed_at",
}


async def place_order(session: AsyncSession, buyer_id: str, copy_id: str, now: dt.datetime) -> OrderRecord:
    copy = await repo.get_copy(session, copy_id)
    check_buyer(buyer_id, copy.owner_id)
    check_can_order(copy.status, copy.for_sale, copy.price_cents)
    await repo.check_owner_active(session, copy.owner_id)
    open_one = await session.scalar(select(orders.c.id).where(
        orders.c.copy_id == copy_id, orders.c.buyer_id == buyer_id,
        orders.c.status.in_([OrderStatus.PLACED, OrderStatus.ACCEPTED])))
    if open_one is not None:
        raise Refused("you already have an open order for this copy", field="copyId")
    order_id = str(uuid.uuid4())
    # The price is the one the buyer saw; later changes to the listing do not change this order.
    await session.execute(insert(orders).values(
        id=order_id, copy_id=copy_id, seller_id=copy.owner_id, buyer_id=buyer_id, price_cents=copy.price_cents,
        status=OrderStatus.PLACED.value, placed_at=now, updated_at=now))
    order = await repo.get_order(session, order_id)
    await emit_order(session, "store_order_add", order, copy.isbn, actor_id=buyer_id)
    return order


async def move_order(session: AsyncSession, order_id: str, action: OrderAction, actor_id: str | None,
                     now: dt.datetime, *, reason: str | None = None, order: OrderRecord | None = None) -> OrderRecord:
    order = order or await repo.get_order(session, order_id)
    party = Party.SYSTEM if actor_id is None else order_party(actor_id, order.seller_id, order.buyer_id)
    move = plan_order_move(order.status, action, party)
    reason = check_reason(reason)
    copy = await repo.get_copy(session, order.copy_id)
    if move.acquires_hold:
        if copy.owner_id != order.seller_id:
            raise Refused("this copy now belongs to someone else")
        if copy.status is not CopyStatus.AVAILABLE:
            raise Refused(repo.ALREADY_HELD if copy.status in (CopyStatus.RESERVED, CopyStatus.ON_LOAN)
                          else f"this copy is {copy.status.value.lower()} and cannot be sold")
        await repo.acquire_hold(session, copy.id, now, order_id=order.id)
    values: dict[str, object] = {"status": move.status.value, "updated_at": now}
    if stamp := _STAMPS.get(move.status):
        values[stamp] = now
    if reason is not None:
        values["reason"] = reason
    result = await session.execute(
        update(orders).where(orders.c.id == order.id, orders.c.status == order.status.value).values(**values))
    if result.rowcount != 1:
        raise Refused("this order changed meanwhile; reload it and try again")
    if move.releases_hold:
        await repo.release_hold(session, copy.id, order_id=order.id)
    if move.transfers_copy:
        # The buyer owns it now, unlisted until they choose to lend or sell it on.
        await repo.update_copy_row(session, copy.id, now, owner_id=order.buyer_id, status=CopyStatus.SOLD.value,
                                   for_loan=False, for_sale=False, price_cents=None, note=None)
    elif move.copy_status is not None:
        await repo.set_copy_status(session, copy.id, move.copy_status, now)
    updated = await repo.get_order(session, order.id)
    await emit_order(session, ORDER_EVENTS[action], updated, copy.isbn, actor_id=actor_id, reason=reason)
    if move.transfers_copy:
        # Whoever else was waiting for this copy is told it is gone.
        await close_open_loans(session, copy_id=copy.id, reason=reasons.COPY_SOLD, now=now,
                               statuses=(LoanStatus.REQUESTED,))
        await close_open_orders(session, copy_id=copy.id, reason=reasons.COPY_SOLD, now=now,
                                statuses=(OrderStatus.PLACED,))
    return updated


async def close_open_orders(session: AsyncSession, *, copy_id: str | None = None, user_id: str | None = None,
                            reason: str, now: dt.datetime,
                            statuses: tuple[OrderStatus, ...] = (OrderStatus.PLACED, OrderStatus.ACCEPTED)) -> int:
    query = select(orders).where(orders.c.status.in_([s.value for s in statuses]))
    if copy_id is not None:
        query = query.where(orders.c.copy_id == copy_id)
    if user_id is not None:
        query = query.where((orders.c.seller_id == user_id) | (orders.c.buyer_id == user_id))
    found = [OrderRecord.from_row(row) for row in (await session.execute(query.order_by(orders.c.placed_at))).all()]
    action = OrderAction.CANCEL if user_id is not None else OrderAction.REJECT
    for order in found:
        await move_order(session, order.id, action, None, now, reason=reason, order=order)
    return len(found)
