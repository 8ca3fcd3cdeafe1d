"""The loan state machine: who may move a loan where, what it does to the copy, due dates and overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bookshare_store.domain.copies import CopyStatus
from bookshare_store.domain.errors import NotPermitted, Refused
from bookshare_store.domain.machine import Party, StateMachine

MAX_LOAN_DAYS = 365


class LoanStatus(StrEnum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    ACTIVE = "ACTIVE"
    RETURNED = "RETURNED"
    CANCELLED = "CANCELLED"


class LoanAction(StrEnum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    START = "START"
    RETURN = "RETURN"
    CANCEL = "CANCEL"
    EXTEND = "EXTEND"


OPEN = frozenset({LoanStatus.REQUESTED, LoanStatus.APPROVED})
# A loan in these states holds the copy exclusively (the database enforces one holder per copy).
HOLDING = frozenset({LoanStatus.APPROVED, LoanStatus.ACTIVE})

LOANS: StateMachine[LoanStatus, LoanAction] = StateMachine(
    name="loan",
    transitions={
        (LoanStatus.REQUESTED, LoanAction.APPROVE): LoanStatus.APPROVED,
        (LoanStatus.REQUESTED, LoanAction.REJECT): LoanStatus.REJECTED,
        (LoanStatus.REQUESTED, LoanAction.CANCEL): LoanStatus.CANCELLED,
        # Before the hand-over either side can still back out.
        (LoanStatus.APPROVED, LoanAction.REJECT): LoanStatus.REJECTED,
        (LoanStatus.APPROVED, LoanAction.CANCEL): LoanStatus.CANCELLED,
        (LoanStatus.APPROVED, LoanAction.START): LoanStatus.ACTIVE,
        (LoanStatus.APPROVED, LoanAction.EXTEND): LoanStatus.APPROVED,
        (LoanStatus.ACTIVE, LoanAction.EXTEND): LoanStatus.ACTIVE,
        (LoanStatus.ACTIVE, LoanAction.RETURN): LoanStatus.RETURNED,
    },
    actors={
        LoanAction.APPROVE: frozenset({Party.LENDER}),
        LoanAction.REJECT: frozenset({Party.LENDER, Party.SYSTEM}),
        LoanAction.START: frozenset({Party.LENDER}),
        LoanAction.RETURN: frozenset({Party.LENDER}),
        LoanAction.CANCEL: frozenset({Party.BORROWER, Party.SYSTEM}),
        LoanAction.EXTEND: frozenset({Party.LENDER}),
    },
)


def loan_party(user_id: str | None, lender_id: str | None, borrower_id: str | None) -> Party:
    if user_id is not None and user_id == lender_id:
        return Party.LENDER
    if user_id is not None and user_id == borrower_id:
        return Party.BORROWER
    return Party.STRANGER


@dataclass(frozen=True)
class LoanMove:
    status: LoanStatus
    acquires_hold: bool
    releases_hold: bool
    copy_status: CopyStatus | None  # what the copy becomes; None leaves it as it is


def plan_loan_move(status: LoanStatus, action: LoanAction, party: Party) -> LoanMove:
    after = LOANS.move(status, action, party)
    acquires = after in HOLDING and status not in HOLDING
    releases = status in HOLDING and after not in HOLDING
    copy_status = None
    if after is LoanStatus.APPROVED and acquires:
        copy_status = CopyStatus.RESERVED
    elif after is LoanStatus.ACTIVE and status is not LoanStatus.ACTIVE:
        copy_status = CopyStatus.ON_LOAN
    elif releases:
        copy_status = CopyStatus.AVAILABLE
    return LoanMove(after, acquires, releases, copy_status)


def check_borrower(borrower_id: str, owner_id: str) -> None:
    if borrower_id == owner_id:
        raise NotPermitted("you cannot borrow your own copy", field="copyId")


def check_due_date(due: dt.date, today: dt.date) -> None:
    if due <= today:
        raise Refused("the due date must be after today", field="dueDate")
    if due > today + dt.timedelta(days=MAX_LOAN_DAYS):
        raise Refused(f"a loan lasts at most {MAX_LOAN_DAYS} days", field="dueDate")


def check_extension(current_due: dt.date, new_due: dt.date, today: dt.date) -> None:
    if new_due <= current_due:
        raise Refused("an extension must move the due date later", field="dueDate")
    check_due_date(new_due, today)


def check_still_due(action: LoanAction, due: dt.date, today: dt.date) -> None:
    """A loan is not approved or handed over once its due date has passed: that would start it overdue."""
    if action in (LoanAction.APPROVE, LoanAction.START) and due <= today:
        raise Refused("the due date has passed: extend it first" if action is LoanAction.START
                      else "the requested due date has passed; the borrower can ask again", field="dueDate")


def is_overdue(status: LoanStatus, due: dt.date, today: dt.date) -> bool:
    """The book should have been back: still ACTIVE after its due date."""
    return status is LoanStatus.ACTIVE and due < today
