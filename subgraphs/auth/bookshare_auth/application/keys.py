"""Signing keys: the newest signs, the newest two are published, so a rotation logs nobody out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_auth.adapters import repository as repo
from bookshare_auth.application.core import Auth
from bookshare_auth.domain.tokens import generate_signing_key, jwks_document

LIVE_KEYS = 2


async def add_signing_key(auth: Auth) -> str:
    """Make a new key the signing key; the previous one stays published until the next rotation."""
    async with auth.db.transaction() as session:
        return (await _add_key(auth, session)).kid


async def _add_key(auth: Auth, session: AsyncSession) -> repo.SigningKeyRecord:
    key = generate_signing_key()
    now = auth.clock()
    newest = await repo.live_signing_keys(session, 1)
    if newest and newest[0].created_at >= now:
        # The newest key signs, so the new one must sort after it even if the clocks disagree.
        now = newest[0].created_at + timedelta(milliseconds=1)
    await repo.insert_signing_key(session, kid=key.kid, private_pem=key.private_pem,
                                  public_jwk=key.public_jwk, created_at=now)
    live = await repo.live_signing_keys(session, LIVE_KEYS)
    await repo.delete_signing_keys_except(session, [k.kid for k in live])
    return repo.SigningKeyRecord(kid=key.kid, private_pem=key.private_pem, public_jwk=key.public_jwk, created_at=now)


async def ensure_signing_key(auth: Auth) -> None:
    async with auth.db.transaction() as session:
        await signing_key(auth, session)


async def signing_key(auth: Auth, session: AsyncSession) -> repo.SigningKeyRecord:
    """The key to sign with, read in the caller's transaction; made there on a fresh database."""
    keys = await repo.live_signing_keys(session, 1)
    return keys[0] if keys else await _add_key(auth, session)


async def jwks(auth: Auth) -> dict[str, Any]:
    async with auth.db.session() as session:
        keys = await repo.live_signing_keys(session, LIVE_KEYS)
    return jwks_document([k.public_jwk for k in keys])
