"""Reading and writing the notification service's tables, inside the caller's session."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_notification.adapters.tables import notifications, recipients
from bookshare_notification.domain.notices import NotificationKind
from bookshare_notification.domain.recipients import ReplicaState


@dataclass(frozen=True, slots=True)
class NotificationRow:
    seq: int
    id: str
    recipient_id: str
    kind: NotificationKind
    message: str
    isbn: str | None
    loan_id: str | None
    order_id: str | None
    created_at: datetime
    read_at: datetime | None


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[NotificationRow]
    has_next: bool
    has_previous: bool


@dataclass(frozen=True, slots=True)
class Person:
    username: str | None
    deleted: bool


def _insert(session: AsyncSession):  # noqa: ANN202 - the dialect's INSERT, for ON CONFLICT
    return (postgresql if session.bind.dialect.name == "postgresql" else sqlite).insert


async def lock_recipient(session: AsyncSession, user_id: str) -> ReplicaState:
    """The recipient's replica state, locked for this transaction; a version-0 row is made if none exists."""
    await session.execute(
        _insert(session)(recipients)
        .values(id=user_id, username=None, version=0, updated_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["id"])
    )
    row = (
        await session.execute(
            select(recipients.c.version, recipients.c.deleted_at).where(recipients.c.id == user_id).with_for_update()
        )
    ).one()
    return ReplicaState(version=row.version, deleted=row.deleted_at is not None)


async def update_recipient(session: AsyncSession, user_id: str, *, username: str, version: int) -> None:
    await session.execute(
        update(recipients).where(recipients.c.id == user_id)
        .values(username=username, version=version, updated_at=datetime.now(UTC))
    )


async def forget_recipient(session: AsyncSession, user_id: str, *, version: int) -> None:
    """Anonymise the person and delete their notifications: nobody will read them again."""
    now = datetime.now(UTC)
    await session.execute(
        update(recipients).where(recipients.c.id == user_id)
        .values(username=None, deleted_at=now, version=version, updated_at=now)
    )
    await session.execute(delete(notifications).where(notifications.c.recipient_id == user_id))


async def people(session: AsyncSession, user_ids: Iterable[str]) -> dict[str, Person]:
    ids = set(user_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(recipients.c.id, recipients.c.username, recipients.c.deleted_at).where(recipients.c.id.in_(ids))
    )
    return {row.id: Person(username=row.username, deleted=row.deleted_at is not None) for row in rows}


async def has_notification_of_kind(session: AsyncSession, recipient_id: str, kind: NotificationKind) -> bool:
    query = select(exists().where(notifications.c.recipient_id == recipient_id, notifications.c.kind == kind.value))
    return bool(await session.scalar(query))


async def add_notification(session: AsyncSession, *, recipient_id: str, kind: NotificationKind, message: str,
                           source_event_id: str, isbn: str | None = None, loan_id: str | None = None,
                           order_id: str | None = None) -> None:
    await session.execute(
        _insert(session)(notifications)
        .values(id=str(uuid.uuid4()), recipient_id=recipient_id, kind=kind.value, message=message, isbn=isbn,
                loan_id=loan_id, order_id=order_id, source_event_id=source_event_id, created_at=datetime.now(UTC))
        .on_conflict_do_nothing(index_elements=["source_event_id", "recipient_id"])
    )


async def page_for(session: AsyncSession, recipient_id: str, *, first: int, before_seq: int | None,
                   unread_only: bool) -> Page:
    """The recipient's notifications newest first, after the one numbered `before_seq` (exclusive)."""
    mine = [notifications.c.recipient_id == recipient_id]
    if unread_only:
        mine.append(notifications.c.read_at.is_(None))
    query = select(notifications).where(*mine).order_by(notifications.c.seq.desc()).limit(first + 1)
    if before_seq is not None:
        query = query.where(notifications.c.seq < before_seq)
    rows = [_row(r) for r in await session.execute(query)]
    has_previous = False
    if before_seq is not None:
        has_previous = bool(await session.scalar(select(exists().where(*mine, notifications.c.seq >= before_seq))))
    return Page(rows=rows[:first], has_next=len(rows) > first, has_previous=has_previous)


async def unread_count(session: AsyncSession, recipient_id: str) -> int:
    query = select(func.count()).select_from(notifications).where(
        notifications.c.recipient_id == recipient_id, notifications.c.read_at.is_(None))
    return int(await session.scalar(query) or 0)


async def notification_by_id(session: AsyncSession, notification_id: str) -> NotificationRow | None:
    row = (await session.execute(select(notifications).where(notifications.c.id == notification_id))).first()
    return _row(row) if row is not None else None


async def mark_read(session: AsyncSession, notification_id: str, *, recipient_id: str) -> None:
    """Mark one of the recipient's notifications read; one already read keeps the time it was first read."""
    await session.execute(
        update(notifications)
        .where(notifications.c.id == notification_id, notifications.c.recipient_id == recipient_id,
               notifications.c.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )


async def mark_all_read(session: AsyncSession, recipient_id: str) -> int:
    result = await session.execute(
        update(notifications).where(notifications.c.recipient_id == recipient_id, notifications.c.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    return int(result.rowcount or 0)


def _row(row) -> NotificationRow:  # noqa: ANN001
    return NotificationRow(seq=row.seq, id=row.id, recipient_id=row.recipient_id, kind=NotificationKind(row.kind),
                           message=row.message, isbn=row.isbn, loan_id=row.loan_id, order_id=row.order_id,
                           created_at=row.created_at, read_at=row.read_at)
