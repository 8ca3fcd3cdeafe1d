"""Copies: what a listing may say, and how its status moves when it is lent, sold or withdrawn."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bookshare_store.domain.errors import Refused

MAX_PRICE = Decimal("10000.00")
MAX_NOTE_LENGTH = 1000


class Condition(StrEnum):
    NEW = "NEW"
    GOOD = "GOOD"
    FAIR = "FAIR"
    POOR = "POOR"


class CopyStatus(StrEnum):
    AVAILABLE = "AVAILABLE"  # on the shelf, can be lent or sold
    RESERVED = "RESERVED"  # promised: a loan approved or an order accepted, not yet handed over
    ON_LOAN = "ON_LOAN"  # with a borrower
    SOLD = "SOLD"  # just bought by its (new) owner, not listed by them yet
    WITHDRAWN = "WITHDRAWN"  # taken off the platform by its owner (or because the owner left)


# A copy in these states is listed: people can ask to borrow or buy it (and queue behind a current loan).
REQUESTABLE = frozenset({CopyStatus.AVAILABLE, CopyStatus.RESERVED, CopyStatus.ON_LOAN})


def parse_price(text: str | None) -> int | None:
    """A price given as a decimal string ("4.50") in cents; None when no price is given."""
    if text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise Refused(f"price {text!r} is not a decimal number such as \"4.50\"", field="price") from None
    if not value.is_finite():
        raise Refused("price must be a finite number", field="price")
    if value < 0:
        raise Refused("price cannot be negative", field="price")
    if value > MAX_PRICE:
        raise Refused(f"price cannot exceed {MAX_PRICE}", field="price")
    if value != value.quantize(Decimal("0.01")):
        raise Refused("price has at most two decimal places", field="price")
    return int(value * 100)


def format_price(cents: int | None) -> str | None:
    if cents is None:
        return None
    return f"{Decimal(cents) / 100:.2f}"


def check_note(note: str | None) -> str | None:
    if note is None:
        return None
    note = note.strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise Refused(f"note is longer than {MAX_NOTE_LENGTH} characters", field="note")
    return note or None


def check_listing(for_loan: bool, for_sale: bool, price_cents: int | None) -> None:
    if for_sale and price_cents is None:
        raise Refused("a copy for sale needs a price", field="price")


def status_after_update(status: CopyStatus, for_loan: bool, for_sale: bool) -> CopyStatus:
    """Offering a sold or withdrawn copy again puts it back on the shelf; other statuses are unchanged."""
    if status in (CopyStatus.SOLD, CopyStatus.WITHDRAWN) and (for_loan or for_sale):
        return CopyStatus.AVAILABLE
    return status


def check_withdrawable(status: CopyStatus) -> None:
    if status is CopyStatus.WITHDRAWN:
        raise Refused("this copy is already withdrawn")
    if status is CopyStatus.ON_LOAN:
        raise Refused("this copy is on loan: it can be withdrawn once it is returned")
    if status is CopyStatus.RESERVED:
        raise Refused("this copy is promised to someone: reject or finish that loan or order first")


def check_can_request_loan(status: CopyStatus, for_loan: bool) -> None:
    if not for_loan:
        raise Refused("this copy is not offered for loan", field="copyId")
    if status not in REQUESTABLE:
        raise Refused(f"this copy is {status.value.lower()} and cannot be borrowed", field="copyId")


def check_can_order(status: CopyStatus, for_sale: bool, price_cents: int | None) -> None:
    if not for_sale or price_cents is None:
        raise Refused("this copy is not for sale", field="copyId")
    if status not in REQUESTABLE:
        raise Refused(f"this copy is {status.value.lower()} and cannot be bought", field="copyId")

