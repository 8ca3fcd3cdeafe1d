"""Every (status, action, party) combination of loans and orders: the allowed ones move, the rest are refused."""

import itertools

import pytest

from bookshare_store.domain.copies import CopyStatus
from bookshare_store.domain.errors import NotPermitted, Refused
from bookshare_store.domain.loans import LoanAction, LoanStatus, plan_loan_move
from bookshare_store.domain.machine import Party
from bookshare_store.domain.orders import OrderAction, OrderStatus, plan_order_move

L, LA = LoanStatus, LoanAction
# (from, action) -> (to, who may do it, what the copy becomes); written out here independently of the module.
LOAN_ALLOWED = {
    (L.REQUESTED, LA.APPROVE): (L.APPROVED, {Party.LENDER}, CopyStatus.RESERVED),
    (L.REQUESTED, LA.REJECT): (L.REJECTED, {Party.LENDER, Party.SYSTEM}, None),
    (L.REQUESTED, LA.CANCEL): (L.CANCELLED, {Party.BORROWER, Party.SYSTEM}, None),
    (L.APPROVED, LA.START): (L.ACTIVE, {Party.LENDER}, CopyStatus.ON_LOAN),
    (L.APPROVED, LA.REJECT): (L.REJECTED, {Party.LENDER, Party.SYSTEM}, CopyStatus.AVAILABLE),
    (L.APPROVED, LA.CANCEL): (L.CANCELLED, {Party.BORROWER, Party.SYSTEM}, CopyStatus.AVAILABLE),
    (L.APPROVED, LA.EXTEND): (L.APPROVED, {Party.LENDER}, None),
    (L.ACTIVE, LA.EXTEND): (L.ACTIVE, {Party.LENDER}, None),
    (L.ACTIVE, LA.RETURN): (L.RETURNED, {Party.LENDER}, CopyStatus.AVAILABLE),
}
LOAN_WHO = {
    LA.APPROVE: {Party.LENDER}, LA.REJECT: {Party.LENDER, Party.SYSTEM}, LA.START: {Party.LENDER},
    LA.RETURN: {Party.LENDER}, LA.CANCEL: {Party.BORROWER, Party.SYSTEM}, LA.EXTEND: {Party.LENDER},
}
OS, OA = OrderStatus, OrderAction
ORDER_ALLOWED = {
    (OS.PLACED, OA.ACCEPT): (OS.ACCEPTED, {Party.SELLER}, CopyStatus.RESERVED),
    (OS.PLACED, OA.REJECT): (OS.REJECTED, {Party.SELLER, Party.SYSTEM}, None),
    (OS.PLACED, OA.CANCEL): (OS.CANCELLED, {Party.BUYER, Party.SYSTEM}, None),
    (OS.ACCEPTED, OA.COMPLETE): (OS.COMPLETED, {Party.SELLER}, CopyStatus.SOLD),
    (OS.ACCEPTED, OA.REJECT): (OS.REJECTED, {Party.SELLER, Party.SYSTEM}, CopyStatus.AVAILABLE),
    (OS.ACCEPTED, OA.CANCEL): (OS.CANCELLED, {Party.BUYER, Party.SYSTEM}, CopyStatus.AVAILABLE),
}
ORDER_WHO = {
    OA.ACCEPT: {Party.SELLER}, OA.REJECT: {Party.SELLER, Party.SYSTEM}, OA.COMPLETE: {Party.SELLER},
    OA.CANCEL: {Party.BUYER, Party.SYSTEM},
}


@pytest.mark.parametrize(("status", "action", "party"), list(itertools.product(LoanStatus, LoanAction, Party)))
def test_loan_moves(status: LoanStatus, action: LoanAction, party: Party) -> None:
    if party not in LOAN_WHO[action]:
        with pytest.raises(NotPermitted):
            plan_loan_move(status, action, party)
        return
    expected = LOAN_ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(Refused):
            plan_loan_move(status, action, party)
        return
    move = plan_loan_move(status, action, party)
    assert move.status is expected[0]
    assert move.copy_status is expected[2]
    assert move.acquires_hold == (move.status in {L.APPROVED, L.ACTIVE} and status not in {L.APPROVED, L.ACTIVE})
    assert move.releases_hold == (status in {L.APPROVED, L.ACTIVE} and move.status not in {L.APPROVED, L.ACTIVE})


@pytest.mark.parametrize(("status", "action", "party"), list(itertools.product(OrderStatus, OrderAction, Party)))
def test_order_moves(status: OrderStatus, action: OrderAction, party: Party) -> None:
    if party not in ORDER_WHO[action]:
        with pytest.raises(NotPermitted):
            plan_order_move(status, action, party)
        return
    expected = ORDER_ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(Refused):
            plan_order_move(status, action, party)
        return
    move = plan_order_move(status, action, party)
    assert move.status is expected[0]
    assert move.copy_status is expected[2]
    assert move.transfers_copy == (move.status is OS.COMPLETED)
    assert move.acquires_hold == (move.status is OS.ACCEPTED and status is not OS.ACCEPTED)
    assert move.releases_hold == (status is OS.ACCEPTED and move.status is not OS.ACCEPTED)


def test_terminal_states_allow_no_move() -> None:
    for status in (L.REJECTED, L.RETURNED, L.CANCELLED):
        for action in LoanAction:
            for party in LOAN_WHO[action]:
                with pytest.raises(Refused):
                    plan_loan_move(status, action, party)
    for status in (OS.REJECTED, OS.COMPLETED, OS.CANCELLED):
        for action in OrderAction:
            for party in ORDER_WHO[action]:
                with pytest.raises(Refused):
                    plan_order_move(status, action, party)


def test_refusal_messages_say_who_may_act_and_why() -> None:
    with pytest.raises(NotPermitted, match="only the lender can approve this loan"):
        plan_loan_move(L.REQUESTED, LA.APPROVE, Party.BORROWER)
    with pytest.raises(Refused, match="this loan is returned and cannot be started"):
        plan_loan_move(L.RETURNED, LA.START, Party.LENDER)
    with pytest.raises(NotPermitted, match="only the buyer can cancel this order"):
        plan_order_move(OS.PLACED, OA.CANCEL, Party.SELLER)
