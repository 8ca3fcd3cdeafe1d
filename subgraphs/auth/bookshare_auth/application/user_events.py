"""The user events every replica follows: auth_user_add, auth_user_update, auth_user_delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_auth.adapters.repository import UserRecord
from bookshare_auth.application.core import SOURCE
from bookshare_common.events import emit


def _user_data(user: UserRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": user.id,
        "username": user.username,
        "version": user.version,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
        "roles": list(user.roles),
        "created_at": user.created_at.isoformat(),
    }
    # Names are optional: absent rather than null.
    if user.first_name is not None:
        data["first_name"] = user.first_name
    if user.last_name is not None:
        data["last_name"] = user.last_name
    return data


async def user_added(session: AsyncSession, user: UserRecord) -> None:
    await emit(session, "auth_user_add", _user_data(user), source=SOURCE)


async def user_updated(session: AsyncSession, user: UserRecord) -> None:
    await emit(session, "auth_user_update", _user_data(user), source=SOURCE)


async def user_deleted(session: AsyncSession, *, user_id: str, username: str, version: int) -> None:
    # Only what replicas need to find and drop the user: no email, no names.
    await emit(session, "auth_user_delete", {"id": user_id, "username": username, "version": version}, source=SOURCE)
