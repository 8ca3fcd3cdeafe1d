"""Operator commands, wired into the `bookshare` CLI: the first admin, and signing-key rotation.

Both open the auth database named by the usual settings (BOOKSHARE_AUTH_DATABASE_URL, or the SQLite file
under BOOKSHARE_DATA_DIR), bring its schema up to date, act, and close it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bookshare_auth.application import accounts, keys
from bookshare_auth.application.core import Auth
from bookshare_auth.config import AuthSettings
from bookshare_auth.entrypoints.app import MIGRATIONS
from bookshare_common.db import Database
from bookshare_common.settings import ServiceSettings, load_settings


@asynccontextmanager
async def _auth(settings: ServiceSettings | None = None,
                auth_settings: AuthSettings | None = None) -> AsyncIterator[Auth]:
    db = Database((settings or load_settings("auth")).database_url)
    try:
        await db.migrate(MIGRATIONS)
        yield Auth(db, auth_settings or AuthSettings())
    finally:
        await db.dispose()


async def create_admin(username: str, email: str, password: str, *, settings: ServiceSettings | None = None,
                       auth_settings: AuthSettings | None = None) -> dict[str, Any]:
    """Give `username` the admin role, signing the account up first (with `email` and `password`) when no
    account has that username. Raises bookshare_common.errors.BadUserInput (its `.message` and
    `.extensions["field"]` say what is wrong) when a new account's details are refused.

    Answers {"id", "username", "roles", "created"}; the user events go out through the outbox when the
    auth service next runs its relay.
    """
    async with _auth(settings, auth_settings) as auth:
        user, created = await accounts.create_admin(auth, username, email, password)
    return {"id": user.id, "username": user.username, "roles": list(user.roles), "created": created}


async def rotate_keys(*, settings: ServiceSettings | None = None,
                      auth_settings: AuthSettings | None = None) -> dict[str, Any]:
    """Make a new signing key; the previous one stays published in the JWKS so tokens it signed keep
    working until they expire (15 minutes). Rotate again no sooner than that.

    Answers {"kid": the new signing key, "published": the key ids now in the JWKS}.
    """
    async with _auth(settings, auth_settings) as auth:
        kid = await keys.add_signing_key(auth)
        published = [k["kid"] for k in (await keys.jwks(auth))["keys"]]
    return {"kid": kid, "published": published}
