"""Which events tell whom what. Pure: an event's data in, drafts of notifications out.

To notify on a new event, add a Rule to RULES (the event needs its schema in schema/events/); the
service registers a handler for every event named here.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

SOMEONE = "someone"  # stands in for a user we do not know (yet) or who deleted their account


class NotificationKind(Enum):
    WELCOME = "WELCOME"
    LOAN_REQUESTED = "LOAN_REQUESTED"
    LOAN_APPROVED = "LOAN_APPROVED"
    LOAN_REJECTED = "LOAN_REJECTED"
    LOAN_CANCELLED = "LOAN_CANCELLED"
    LOAN_STARTED = "LOAN_STARTED"
    LOAN_EXTENDED = "LOAN_EXTENDED"
    LOAN_RETURNED = "LOAN_RETURNED"
    LOAN_OVERDUE = "LOAN_OVERDUE"
    ORDER_PLACED = "ORDER_PLACED"
    ORDER_ACCEPTED = "ORDER_ACCEPTED"
    ORDER_REJECTED = "ORDER_REJECTED"
    ORDER_CANCELLED = "ORDER_CANCELLED"
    ORDER_COMPLETED = "ORDER_COMPLETED"


@dataclass(frozen=True, slots=True)
class Draft:
    """A notification before the names of the people it mentions are filled in."""

    recipient_id: str
    kind: NotificationKind
    template: str
    values: Mapping[str, str]  # placeholder -> text
    people: Mapping[str, str]  # placeholder -> user id, rendered as that user's name
    isbn: str | None = None
    loan_id: str | None = None
    order_id: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    kind: NotificationKind
    # Which roles to tell: named ones, or "other": every party except the one who acted (all if nobody did).
    tell: tuple[str, ...] | Literal["other"]
    messages: Mapping[str, str] = field(default_factory=dict)  # role -> template


LOAN_ROLES = {"lender": "lender_id", "borrower": "borrower_id"}
ORDER_ROLES = {"seller": "seller_id", "buyer": "buyer_id"}

RULES: dict[str, Rule] = {
    "auth_user_add": Rule(NotificationKind.WELCOME, ("user",), {
        "user": "Welcome to Bookshare, {user}! List the books you own, or ask who has the one you want."}),
    "store_loan_request": Rule(NotificationKind.LOAN_REQUESTED, ("lender",), {
        "lender": "{borrower} asks to borrow your copy of {isbn} until {due_date}."}),
    "store_loan_approve": Rule(NotificationKind.LOAN_APPROVED, ("borrower",), {
        "borrower": "{lender} approved your request to borrow {isbn}."}),
    "store_loan_reject": Rule(NotificationKind.LOAN_REJECTED, ("borrower",), {
        "borrower": "Your request to borrow {isbn} from {lender} was declined{reason}."}),
    "store_loan_cancel": Rule(NotificationKind.LOAN_CANCELLED, "other", {
        "lender": "The loan of your copy of {isbn} to {borrower} was cancelled{reason}.",
        "borrower": "Your loan of {isbn} from {lender} was cancelled{reason}."}),
    "store_loan_start": Rule(NotificationKind.LOAN_STARTED, ("borrower",), {
        "borrower": "Your loan of {isbn} from {lender} has started; it is due back on {due_date}."}),
    "store_loan_extend": Rule(NotificationKind.LOAN_EXTENDED, ("borrower",), {
        "borrower": "{lender} extended your loan of {isbn} until {due_date}."}),
    "store_loan_return": Rule(NotificationKind.LOAN_RETURNED, ("borrower",), {
        "borrower": "{lender} confirmed that you returned {isbn}. Thank you!"}),
    "store_loan_overdue": Rule(NotificationKind.LOAN_OVERDUE, ("lender", "borrower"), {
        "lender": "{borrower} has not yet returned your copy of {isbn}, due back on {due_date}.",
        "borrower": "Your loan of {isbn} from {lender} was due back on {due_date}; please return it."}),
    "store_order_add": Rule(NotificationKind.ORDER_PLACED, ("seller",), {
        "seller": "{buyer} wants to buy your copy of {isbn} for {price}."}),
    "store_order_accept": Rule(NotificationKind.ORDER_ACCEPTED, ("buyer",), {
        "buyer": "{seller} accepted your order for {isbn}."}),
    "store_order_reject": Rule(NotificationKind.ORDER_REJECTED, ("buyer",), {
        "buyer": "Your order for {isbn} from {seller} was declined{reason}."}),
    "store_order_cancel": Rule(NotificationKind.ORDER_CANCELLED, "other", {
        "seller": "The order for your copy of {isbn} from {buyer} was cancelled{reason}.",
        "buyer": "Your order for {isbn} from {seller} was cancelled{reason}."}),
    "store_order_complete": Rule(NotificationKind.ORDER_COMPLETED, "other", {
        "seller": "The sale of your copy of {isbn} to {buyer} is complete.",
        "buyer": "You now own the copy of {isbn} you bought from {seller}."}),
}


def _roles(event: str) -> dict[str, str]:
    if event == "auth_user_add":
        return {"user": "id"}
    if event.startswith("store_loan_"):
        return LOAN_ROLES
    if event.startswith("store_order_"):
        return ORDER_ROLES
    raise KeyError(f"no parties known for {event!r}")


def drafts_for(event: str, data: Mapping[str, Any]) -> list[Draft]:
    """The notifications an event calls for (none for an event without a rule)."""
    rule = RULES.get(event)
    if rule is None:
        return []
    parties = {role: str(data[key]) for role, key in _roles(event).items()}
    if rule.tell == "other":
        actor = data.get("actor_id")
        roles = [role for role, user_id in parties.items() if user_id != actor]
    else:
        roles = list(rule.tell)
    reason = data.get("reason")
    values = {
        "isbn": str(data.get("isbn", "")),
        "due_date": str(data.get("due_date", "")),
        "price": str(data.get("price", "")),
        "reason": f": {reason}" if reason else "",
    }
    drafts, told = [], set()
    for role in roles:
        recipient = parties[role]
        if recipient in told:  # someone on both sides (lending to themselves) hears it once
            continue
        told.add(recipient)
        drafts.append(Draft(recipient_id=recipient, kind=rule.kind, template=rule.messages[role], values=values,
                            people=parties, isbn=data.get("isbn"), loan_id=data.get("loan_id"),
                            order_id=data.get("order_id")))
    return drafts


def render(draft: Draft, names: Mapping[str, str | None]) -> str:
    """The draft's text with each person's current name (SOMEONE when we have none)."""
    people = {placeholder: names.get(user_id) or SOMEONE for placeholder, user_id in draft.people.items()}
    text = string.Formatter().vformat(draft.template, (), {**draft.values, **people})
    if text.endswith(("..", "!.", "?.")):  # a reason given as a full sentence already ends it
        text = text[:-1]
    return "S" + text[1:] if text.startswith(SOMEONE) else text  # usernames keep their own case
