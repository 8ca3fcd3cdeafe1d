"""The Recipient replica and the notifications made from events, through the consumer path."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bookshare_common.credential import Principal
from bookshare_common.events import Envelope
from bookshare_common.testing import ServiceClient
from bookshare_notification.adapters.tables import notifications, recipients

from .conftest import deliver, loan_event, order_event, user_event


async def recipient(client: ServiceClient, user_id: str) -> dict | None:
    async with client.ctx.db.session() as session:
        row = (await session.execute(select(recipients).where(recipients.c.id == user_id))).first()
    return None if row is None else {"username": row.username, "version": row.version,
                                     "deleted": row.deleted_at is not None}


async def messages(client: ServiceClient, user_id: str) -> list[tuple[str, str]]:
    async with client.ctx.db.session() as session:
        rows = await session.execute(select(notifications.c.kind, notifications.c.message)
                                     .where(notifications.c.recipient_id == user_id).order_by(notifications.c.seq))
    return [(row.kind, row.message) for row in rows]


async def test_a_new_user_is_welcomed_once(notification: ServiceClient) -> None:
    add = user_event("auth_user_add", "u1", 1, "ann")
    await deliver(notification, add)
    await deliver(notification, add)  # redelivered
    await deliver(notification, Envelope(event="auth_user_add", data=add.data, source="auth"))  # re-announced
    assert await recipient(notification, "u1") == {"username": "ann", "version": 1, "deleted": False}
    assert [kind for kind, _ in await messages(notification, "u1")] == ["WELCOME"]


async def test_updates_apply_newest_first_whatever_the_order(notification: ServiceClient) -> None:
    await deliver(notification, user_event("auth_user_update", "u2", 3, "newest"))
    await deliver(notification, user_event("auth_user_add", "u2", 1, "oldest"))
    await deliver(notification, user_event("auth_user_update", "u2", 2, "older"))
    assert await recipient(notification, "u2") == {"username": "newest", "version": 3, "deleted": False}
    # The welcome, arriving late, still greets the user by the name they have now.
    assert await messages(notification, "u2") == [
        ("WELCOME", "Welcome to Bookshare, newest! List the books you own, or ask who has the one you want.")]


async def test_a_deleted_user_is_forgotten_and_hears_nothing_more(notification: ServiceClient) -> None:
    await deliver(notification, user_event("auth_user_add", "u-lena", 1, "lena"))
    await deliver(notification, user_event("auth_user_add", "u-bo", 1, "bo"))
    await deliver(notification, loan_event("store_loan_request"))
    assert len(await messages(notification, "u-lena")) == 2

    await deliver(notification, user_event("auth_user_delete", "u-lena", 2))
    assert await recipient(notification, "u-lena") == {"username": None, "version": 2, "deleted": True}
    assert await messages(notification, "u-lena") == []

    # Later events about the deleted user: nothing for them, and the other party sees "someone".
    await deliver(notification, loan_event("store_loan_cancel", actor=None, reason="the lender left"))
    await deliver(notification, user_event("auth_user_add", "u-lena", 1, "lena"))  # late and old
    assert await messages(notification, "u-lena") == []
    assert await recipient(notification, "u-lena") == {"username": None, "version": 2, "deleted": True}
    assert (await messages(notification, "u-bo"))[-1] == (
        "LOAN_CANCELLED", "Your loan of 9780441172719 from someone was cancelled: the lender left.")


async def test_a_delete_arriving_before_the_add_wins(notification: ServiceClient) -> None:
    await deliver(notification, user_event("auth_user_delete", "u3", 2))
    await deliver(notification, user_event("auth_user_add", "u3", 1, "ghost"))
    assert await recipient(notification, "u3") == {"username": None, "version": 2, "deleted": True}
    assert await messages(notification, "u3") == []


async def test_store_events_tell_the_other_party(notification: ServiceClient) -> None:
    await deliver(notification, user_event("auth_user_add", "u-sel", 1, "selma"))
    await deliver(notification, user_event("auth_user_add", "u-bu", 1, "bu"))
    order = order_event("store_order_add")
    await deliver(notification, order)
    await deliver(notification, order)  # duplicate delivery: still one notification
    await deliver(notification, order_event("store_order_accept", actor="u-sel"))
    assert (await messages(notification, "u-sel"))[1:] == [
        ("ORDER_PLACED", "bu wants to buy your copy of 9780441172719 for 7.50.")]
    assert (await messages(notification, "u-bu"))[1:] == [
        ("ORDER_ACCEPTED", "selma accepted your order for 9780441172719.")]


async def test_a_store_event_before_the_users_add_event_still_notifies(notification: ServiceClient) -> None:
    await deliver(notification, loan_event("store_loan_approve", lender="u-new-l", borrower="u-new-b",
                                           actor="u-new-l"))
    assert await messages(notification, "u-new-b") == [
        ("LOAN_APPROVED", "Someone approved your request to borrow 9780441172719.")]
    await deliver(notification, user_event("auth_user_add", "u-new-b", 1, "nb"))
    assert [kind for kind, _ in await messages(notification, "u-new-b")] == ["LOAN_APPROVED", "WELCOME"]


async def test_an_event_published_on_the_bus_becomes_a_notification(notification: ServiceClient) -> None:
    event = user_event("auth_user_add", "u9", 1, "nina")
    await notification.ctx.transport.publish(event.to_json(), routing_key=event.event, message_id=event.id)
    count = """{ unreadNotificationCount }"""
    for _ in range(200):
        result = await notification.query(count, principal=Principal(user_id="u9"))
        if result["data"]["unreadNotificationCount"] == 1:
            break
        await asyncio.sleep(0.02)
    assert result["data"]["unreadNotificationCount"] == 1
    assert await notification.ctx.transport.dead_letters("notification") == []
