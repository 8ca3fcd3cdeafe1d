"""The order state machine: placing, accepting, completing (the copy changes owner) and backing out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bookshare_store.domain.copies import CopyStatus
from bookshare_store.domain.errors import NotPermitted
from bookshare_store.domain.machine import Party, StateMachine


class OrderStatus(StrEnum):
    PLACED = "PLACED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class OrderAction(StrEnum):
    ACCEPT = "ACCEPT"
    REJECT = "REJECT"
    COMPLETE = "COMPLETE"
    CANCEL = "CANCEL"


OPEN = frozenset({OrderStatus.PLACED, OrderStatus.ACCEPTED})
HOLDING = frozenset({OrderStatus.ACCEPTED})

ORDERS: StateMachine[OrderStatus, OrderAction] = StateMachine(
    name="order",
    transitions={
        (OrderStatus.PLACED, OrderAction.ACCEPT): OrderStatus.ACCEPTED,
        (OrderStatus.PLACED, OrderAction.REJECT): OrderStatus.REJECTED,
        (OrderStatus.PLACED, OrderAction.CANCEL): OrderStatus.CANCELLED,
        (OrderStatus.ACCEPTED, OrderAction.COMPLETE): OrderStatus.COMPLETED,
        (OrderStatus.ACCEPTED, OrderAction.REJECT): OrderStatus.REJECTED,
        (OrderStatus.ACCEPTED, OrderAction.CANCEL): OrderStatus.CANCELLED,
    },
    actors={
        OrderAction.ACCEPT: frozenset({Party.SELLER}),
        OrderAction.REJECT: frozenset({Party.SELLER, Party.SYSTEM}),
        OrderAction.COMPLETE: frozenset({Party.SELLER}),
        OrderAction.CANCEL: frozenset({Party.BUYER, Party.SYSTEM}),
    },
)


def order_party(user_id: str | None, seller_id: str | None, buyer_id: str | None) -> Party:
    if user_id is not None and user_id == seller_id:
        return Party.SELLER
    if user_id is not None and user_id == buyer_id:
        return Party.BUYER
    return Party.STRANGER


@dataclass(frozen=True)
class OrderMove:
    status: OrderStatus
    acquires_hold: bool
    releases_hold: bool
    copy_status: CopyStatus | None
    transfers_copy: bool  # the buyer becomes the copy's owner


def plan_order_move(status: OrderStatus, action: OrderAction, party: Party) -> OrderMove:
    after = ORDERS.move(status, action, party)
    acquires = after in HOLDING and status not in HOLDING
    releases = status in HOLDING and after not in HOLDING
    transfers = after is OrderStatus.COMPLETED
    if acquires:
        copy_status: CopyStatus | None = CopyStatus.RESERVED
    elif transfers:
        copy_status = CopyStatus.SOLD
    elif releases:
        copy_status = CopyStatus.AVAILABLE
    else:
        copy_status = None
    return OrderMove(after, acquires, releases, copy_status, transfers)


def check_buyer(buyer_id: str, owner_id: str) -> None:
    if buyer_id == owner_id:
        raise NotPermitted("you cannot buy your own copy", field="copyId")
