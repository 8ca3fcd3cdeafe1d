"""Events in: auth's user events keep the Recipient replica in step, and events with a rule in
domain/notices.py become notifications for the people they concern."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.events import Envelope, Handler
from bookshare_notification.adapters import repository
from bookshare_notification.domain.notices import RULES, NotificationKind, drafts_for, render
from bookshare_notification.domain.recipients import should_apply_delete, should_apply_update


async def notify(session: AsyncSession, event: Envelope) -> None:
    drafts = drafts_for(event.event, event.data)
    # Lock each recipient (in a fixed order) so a deletion of that user cannot interleave with us.
    states = {rid: await repository.lock_recipient(session, rid) for rid in sorted({d.recipient_id for d in drafts})}
    known = await repository.people(session, (uid for d in drafts for uid in d.people.values()))
    names = {uid: person.username for uid, person in known.items() if not person.deleted}
    for draft in drafts:
        if states[draft.recipient_id].deleted:
            continue
        if draft.kind is NotificationKind.WELCOME and await repository.has_notification_of_kind(
                session, draft.recipient_id, NotificationKind.WELCOME):
            continue  # welcome someone once, even if auth announces them twice
        await repository.add_notification(
            session, recipient_id=draft.recipient_id, kind=draft.kind, message=render(draft, names),
            source_event_id=event.id, isbn=draft.isbn, loan_id=draft.loan_id, order_id=draft.order_id,
        )


async def on_user_add_or_update(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    held = await repository.lock_recipient(session, data["id"])
    if should_apply_update(held, data["version"]):
        await repository.update_recipient(session, data["id"], username=data["username"], version=data["version"])
    await notify(session, event)  # a welcome for an add; nothing for an update


async def on_user_delete(session: AsyncSession, event: Envelope) -> None:
    data = event.data
    held = await repository.lock_recipient(session, data["id"])
    if should_apply_delete(held):
        await repository.forget_recipient(session, data["id"], version=max(held.version, data["version"]))


HANDLERS: dict[str, Handler] = {
    **{event: notify for event in RULES},
    "auth_user_add": on_user_add_or_update,
    "auth_user_update": on_user_add_or_update,
    "auth_user_delete": on_user_delete,
}
