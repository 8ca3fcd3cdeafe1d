"""The Owner replica: kept in step with auth's users by their events, and created on first use.

A user who signs up and lists a copy at once may be faster than auth's `auth_user_add` event. The gateway
credential already proves who they are, so the store creates the owner then (version 0) and the event,
when it arrives, fills in the rest. Events apply only when newer than what is held; deletion is final.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.events import Envelope
from bookshare_store.adapters.lending import close_open_loans
from bookshare_store.adapters.listing import withdraw_copy
from bookshare_store.adapters.selling import close_open_orders
from bookshare_store.adapters.sql import insert_ignoring_duplicates
from bookshare_store.adapters.tables import copies, owners
from bookshare_store.domain import reasons
from bookshare_store.domain.copies import CopyStatus
from bookshare_store.domain.errors import NotPermitted
from bookshare_store.domain.owners import ReplicaState, should_apply_delete, should_apply_update


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def replica_state(session: AsyncSession, user_id: str) -> ReplicaState | None:
    row = (await session.execute(select(owners.c.version, owners.c.deleted_at).where(owners.c.id == user_id))).first()
    return ReplicaState(version=row.version, deleted=row.deleted_at is not None) if row else None


async def ensure_owner(session: AsyncSession, user_id: str, username: str | None, now: dt.datetime) -> None:
    """Make sure the acting user has an owner row; refuse a user whose account was deleted."""
    state = await replica_state(session, user_id)
    if state is None:
        await session.execute(insert_ignoring_duplicates(
            session, owners, "id", id=user_id, username=username, version=0, created_at=now, updated_at=now))
        state = await replica_state(session, user_id)
    if state is not None and state.deleted:
        raise NotPermitted("this account has been deleted")


async def apply_user_upsert(session: AsyncSession, data: dict[str, Any], now: dt.datetime) -> bool:
    """auth_user_add / auth_user_update. True when it changed the replica."""
    user_id, version = data["id"], int(data["version"])
    if not should_apply_update(await replica_state(session, user_id), version):
        return False
    inserted = await session.execute(insert_ignoring_duplicates(
        session, owners, "id", id=user_id, username=data.get("username"), version=version, created_at=now,
        updated_at=now))
    if inserted.rowcount == 1:
        return True
    # The row exists (maybe created on first use a moment ago): update it only if still older.
    result = await session.execute(
        update(owners)
        .where(owners.c.id == user_id, owners.c.version < version, owners.c.deleted_at.is_(None))
        .values(username=data.get("username"), version=version, updated_at=now))
    return result.rowcount == 1


async def apply_user_delete(session: AsyncSession, data: dict[str, Any], now: dt.datetime) -> bool:
    """auth_user_delete: forget the person, close what they had open on either side, withdraw their copies.
    Loans and orders stay as history, pointing at an anonymous (deleted) owner."""
    user_id, version = data["id"], int(data["version"])
    if not should_apply_delete(await replica_state(session, user_id)):
        return False
    inserted = await session.execute(insert_ignoring_duplicates(
        session, owners, "id", id=user_id, username=None, version=version, deleted_at=now, created_at=now,
        updated_at=now))
    if inserted.rowcount == 1:
        return True  # never seen before: nothing of theirs to close
    result = await session.execute(
        update(owners).where(owners.c.id == user_id, owners.c.deleted_at.is_(None))
        .values(username=None, deleted_at=now, updated_at=now,
                version=_greatest(owners.c.version, version)))
    if result.rowcount != 1:
        return False
    await close_open_loans(session, user_id=user_id, reason=reasons.ACCOUNT_DELETED, now=now)
    await close_open_orders(session, user_id=user_id, reason=reasons.ACCOUNT_DELETED, now=now)
    shelf = (await session.execute(select(copies.c.id).where(
        copies.c.owner_id == user_id,
        copies.c.status.in_([CopyStatus.AVAILABLE.value, CopyStatus.SOLD.value])))).scalars().all()
    for copy_id in shelf:
        await withdraw_copy(session, None, copy_id, now, reason=reasons.OWNER_ACCOUNT_DELETED)
    # Copies still out on loan keep their row (the borrower has the book) but lose the owner's words.
    await session.execute(update(copies).where(copies.c.owner_id == user_id).values(note=None))
    return True


def _greatest(column: Any, value: int) -> Any:
    return case((column > value, column), else_=value)


async def on_user_add(session: AsyncSession, event: Envelope) -> None:
    await apply_user_upsert(session, event.data, _now())


async def on_user_update(session: AsyncSession, event: Envelope) -> None:
    await apply_user_upsert(session, event.data, _now())


async def on_user_delete(session: AsyncSession, event: Envelope) -> None:
    await apply_user_delete(session, event.data, _now())


HANDLERS = {
    "auth_user_add": on_user_add,
    "auth_user_update": on_user_update,
    "auth_user_delete": on_user_delete,
}
