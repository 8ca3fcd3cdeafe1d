"""Which events tell whom what: the pure rules of domain/notices.py."""

from __future__ import annotations

from bookshare_common.events import schemas
from bookshare_notification.domain.notices import RULES, SOMEONE, NotificationKind, drafts_for, render
from bookshare_notification.entrypoints.events import HANDLERS

LOAN = {"loan_id": "L1", "copy_id": "C1", "isbn": "9780441172719", "lender_id": "lena", "borrower_id": "bo",
        "status": "REQUESTED", "due_date": "2026-12-24", "actor_id": "bo", "reason": None}
ORDER = {"order_id": "O1", "copy_id": "C1", "isbn": "9780441172719", "seller_id": "sel", "buyer_id": "bu",
         "price": "7.50", "status": "PLACED", "actor_id": "bu", "reason": None}
NAMES = {"lena": "Lena", "bo": "bo99", "sel": "Selma", "bu": "Bu"}


def told(event: str, data: dict) -> dict[str, str]:
    return {d.recipient_id: render(d, NAMES) for d in drafts_for(event, data)}


def test_a_loan_request_tells_the_lender_who_asks_for_what() -> None:
    drafts = drafts_for("store_loan_request", LOAN)
    assert [(d.recipient_id, d.kind) for d in drafts] == [("lena", NotificationKind.LOAN_REQUESTED)]
    assert render(drafts[0], NAMES) == "bo99 asks to borrow your copy of 9780441172719 until 2026-12-24."
    assert (drafts[0].loan_id, drafts[0].isbn, drafts[0].order_id) == ("L1", "9780441172719", None)


def test_the_lenders_decisions_tell_the_borrower() -> None:
    approve = told("store_loan_approve", {**LOAN, "actor_id": "lena"})
    assert approve == {"bo": "Lena approved your request to borrow 9780441172719."}
    reject = told("store_loan_reject", {**LOAN, "actor_id": None, "reason": "the copy was sold"})
    assert reject == {"bo": "Your request to borrow 9780441172719 from Lena was declined: the copy was sold."}


def test_a_cancellation_tells_the_other_party_or_both_when_the_store_cancelled() -> None:
    by_borrower = told("store_loan_cancel", LOAN)
    assert list(by_borrower) == ["lena"]
    assert "to bo99 was cancelled" in by_borrower["lena"]
    by_lender = told("store_loan_cancel", {**LOAN, "actor_id": "lena"})
    assert list(by_lender) == ["bo"]
    by_store = told("store_order_cancel", {**ORDER, "actor_id": None, "reason": "the buyer left"})
    assert set(by_store) == {"sel", "bu"}
    assert by_store["sel"].endswith("from Bu was cancelled: the buyer left.")


def test_a_reason_written_as_a_sentence_is_not_punctuated_twice() -> None:
    assert told("store_loan_reject", {**LOAN, "actor_id": "lena", "reason": "Sorry, I'm away."})["bo"].endswith(
        "was declined: Sorry, I'm away.")
    assert told("store_order_reject", {**ORDER, "actor_id": "sel", "reason": "Sold it, sorry!"})["bu"].endswith(
        "was declined: Sold it, sorry!")


def test_overdue_tells_both_and_orders_tell_the_seller_then_the_buyer() -> None:
    assert set(told("store_loan_overdue", {**LOAN, "actor_id": None, "days_overdue": 3})) == {"lena", "bo"}
    assert told("store_order_add", ORDER) == {"sel": "Bu wants to buy your copy of 9780441172719 for 7.50."}
    assert list(told("store_order_accept", {**ORDER, "actor_id": "sel"})) == ["bu"]


def test_unknown_or_deleted_people_are_someone() -> None:
    [draft] = drafts_for("store_loan_request", LOAN)
    assert render(draft, {}) == f"{SOMEONE.capitalize()} asks to borrow your copy of 9780441172719 until 2026-12-24."


def test_a_user_on_both_sides_hears_once() -> None:
    assert len(drafts_for("store_loan_overdue", {**LOAN, "borrower_id": "lena", "actor_id": None})) == 1


def test_welcome_and_events_without_a_rule() -> None:
    [welcome] = drafts_for("auth_user_add", {"id": "u1", "username": "ann", "version": 1})
    assert welcome.recipient_id == "u1" and welcome.kind is NotificationKind.WELCOME
    assert render(welcome, {"u1": "ann"}).startswith("Welcome to Bookshare, ann!")
    assert drafts_for("auth_user_update", {"id": "u1", "username": "ann", "version": 2}) == []
    assert drafts_for("store_copy_add", {}) == []


def test_every_rule_has_an_event_schema_and_a_handler() -> None:
    known = set(schemas.known_events())
    assert set(RULES) <= known
    assert set(RULES) | {"auth_user_update", "auth_user_delete"} == set(HANDLERS)
