import datetime as dt

import pytest

from bookshare_store.domain.copies import (
    CopyStatus,
    check_can_order,
    check_can_request_loan,
    check_listing,
    check_withdrawable,
    format_price,
    parse_price,
    status_after_update,
)
from bookshare_store.domain.errors import NotPermitted, Refused
from bookshare_store.domain.loans import (
    LoanAction,
    LoanStatus,
    check_borrower,
    check_due_date,
    check_extension,
    check_still_due,
    is_overdue,
)
from bookshare_store.domain.machine import check_reason
from bookshare_store.domain.orders import check_buyer
from bookshare_store.domain.owners import ReplicaState, should_apply_delete, should_apply_update

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(("text", "cents"), [("4.50", 450), ("0", 0), ("12", 1200), (" 3.1 ", 310), (None, None)])
def test_prices_are_read_as_exact_decimals(text, cents) -> None:
    assert parse_price(text) == cents
    if cents is not None:
        assert parse_price(format_price(cents)) == cents


@pytest.mark.parametrize("text", ["abc", "-1", "4.505", "NaN", "Infinity", "10000.01", "1e9"])
def test_bad_prices_are_refused(text) -> None:
    with pytest.raises(Refused):
        parse_price(text)


def test_price_is_formatted_with_two_decimals() -> None:
    assert format_price(450) == "4.50"
    assert format_price(5) == "0.05"
    assert format_price(None) is None


def test_a_copy_for_sale_needs_a_price() -> None:
    with pytest.raises(Refused, match="needs a price"):
        check_listing(False, True, None)
    check_listing(True, False, None)
    check_listing(False, True, 100)


def test_relisting_a_sold_or_withdrawn_copy_makes_it_available() -> None:
    assert status_after_update(CopyStatus.SOLD, True, False) is CopyStatus.AVAILABLE
    assert status_after_update(CopyStatus.WITHDRAWN, False, True) is CopyStatus.AVAILABLE
    assert status_after_update(CopyStatus.SOLD, False, False) is CopyStatus.SOLD
    assert status_after_update(CopyStatus.ON_LOAN, False, False) is CopyStatus.ON_LOAN


@pytest.mark.parametrize("status", [CopyStatus.WITHDRAWN, CopyStatus.ON_LOAN, CopyStatus.RESERVED])
def test_withdrawing_is_refused_while_lent_promised_or_gone(status) -> None:
    with pytest.raises(Refused):
        check_withdrawable(status)


def test_withdrawing_an_available_or_sold_copy_is_allowed() -> None:
    check_withdrawable(CopyStatus.AVAILABLE)
    check_withdrawable(CopyStatus.SOLD)


def test_loan_and_order_requests_need_an_offered_listed_copy() -> None:
    check_can_request_loan(CopyStatus.ON_LOAN, True)  # people may queue behind a current loan
    with pytest.raises(Refused, match="not offered for loan"):
        check_can_request_loan(CopyStatus.AVAILABLE, False)
    with pytest.raises(Refused, match="withdrawn"):
        check_can_request_loan(CopyStatus.WITHDRAWN, True)
    check_can_order(CopyStatus.AVAILABLE, True, 450)
    with pytest.raises(Refused, match="not for sale"):
        check_can_order(CopyStatus.AVAILABLE, False, 450)
    with pytest.raises(Refused, match="sold"):
        check_can_order(CopyStatus.SOLD, True, 450)


def test_nobody_borrows_or_buys_their_own_copy() -> None:
    with pytest.raises(NotPermitted):
        check_borrower("u1", "u1")
    with pytest.raises(NotPermitted):
        check_buyer("u1", "u1")
    check_borrower("u2", "u1")
    check_buyer("u2", "u1")


def test_due_dates_must_be_in_the_future_and_within_a_year() -> None:
    check_due_date(TODAY + dt.timedelta(days=1), TODAY)
    for bad in (TODAY, TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=366)):
        with pytest.raises(Refused):
            check_due_date(bad, TODAY)
    with pytest.raises(Refused, match="later"):
        check_extension(TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=5), TODAY)
    check_extension(TODAY - dt.timedelta(days=2), TODAY + dt.timedelta(days=3), TODAY)


def test_only_an_active_loan_past_its_due_date_is_overdue() -> None:
    yesterday = TODAY - dt.timedelta(days=1)
    assert is_overdue(LoanStatus.ACTIVE, yesterday, TODAY)
    assert not is_overdue(LoanStatus.ACTIVE, TODAY, TODAY)
    assert not is_overdue(LoanStatus.RETURNED, yesterday, TODAY)
    assert not is_overdue(LoanStatus.APPROVED, yesterday, TODAY)


def test_replica_applies_only_newer_versions_and_deletion_is_final() -> None:
    assert should_apply_update(None, 1)
    assert should_apply_update(ReplicaState(1, False), 2)
    assert not should_apply_update(ReplicaState(2, False), 2)
    assert not should_apply_update(ReplicaState(3, False), 2)
    assert not should_apply_update(ReplicaState(1, True), 5)
    assert should_apply_delete(ReplicaState(5, False))
    assert not should_apply_delete(ReplicaState(5, True))


def test_reasons_are_optional_trimmed_and_bounded() -> None:
    assert check_reason(None) is None
    assert check_reason("   ") is None
    assert check_reason(" busy ") == "busy"
    assert check_reason("x" * 500) == "x" * 500
    with pytest.raises(Refused):
        check_reason("x" * 501)


def test_a_loan_past_its_due_date_is_not_approved_or_started_but_can_be_extended_or_closed() -> None:
    past, tomorrow = TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)
    for action in (LoanAction.APPROVE, LoanAction.START):
        with pytest.raises(Refused):
            check_still_due(action, past, TODAY)
        with pytest.raises(Refused):
            check_still_due(action, TODAY, TODAY)
        check_still_due(action, tomorrow, TODAY)
    for action in (LoanAction.EXTEND, LoanAction.REJECT, LoanAction.CANCEL, LoanAction.RETURN):
        check_still_due(action, past, TODAY)
