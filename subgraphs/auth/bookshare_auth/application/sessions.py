"""Logging in and staying logged in: access tokens, rotating refresh tokens, logging out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_auth.adapters import repository as repo
from bookshare_auth.application import keys, throttling
from bookshare_auth.application.core import Auth
from bookshare_auth.domain import profile
from bookshare_auth.domain.opaque_tokens import digest, new_secret
from bookshare_auth.domain.passwords import MAX_LENGTH
from bookshare_auth.domain.sessions import RefreshTokenState, RefreshVerdict, judge_refresh
from bookshare_auth.domain.tokens import issue_access_token
from bookshare_common.errors import Unauthenticated

INVALID_LOGIN = "The login or the password is wrong."
INVALID_REFRESH = "This refresh token is not valid; log in again."


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives
    user: repo.UserRecord


async def access_token_for(auth: Auth, session: AsyncSession, user: repo.UserRecord) -> str:
    key = await keys.signing_key(auth, session)
    return issue_access_token(
        private_pem=key.private_pem, kid=key.kid, issuer=auth.settings.issuer, audience=auth.settings.audience,
        subject=user.id, roles=user.roles, now=auth.clock(), ttl=auth.access_token_ttl,
        extra_claims={"username": user.username},
    )


async def start_session(auth: Auth, session: AsyncSession, user: repo.UserRecord,
                        family_id: str | None = None) -> Tokens:
    """A refresh token (a new family unless given) and an access token, inside the caller's transaction."""
    token, token_hash = new_secret()
    now = auth.clock()
    await repo.insert_refresh_token(
        session, id=str(uuid.uuid4()), token_hash=token_hash, family_id=family_id or str(uuid.uuid4()),
        user_id=user.id, created_at=now, expires_at=now + auth.refresh_token_ttl,
    )
    return Tokens(access_token=await access_token_for(auth, session, user), refresh_token=token,
                  expires_in=int(auth.access_token_ttl.total_seconds()), user=user)


async def log_in(auth: Auth, login: str, password: str, address: str | None) -> Tokens:
    login = login.strip()
    login_key = profile.email_key(login) if "@" in login else profile.username_key(login)
    counters = throttling.login_keys(login_key, address)
    await throttling.check(auth, counters)
    async with auth.db.session() as session:
        if "@" in login:
            user = await repo.find_user_by_email(session, login_key)
        else:
            user = await repo.find_user_by_username(session, login_key)
    # Verified even without a user, so an unknown login takes as long as a wrong password. No password
    # we accept is longer than MAX_LENGTH, so a longer one fails without spending a hash on it.
    if (len(password) > MAX_LENGTH
            or not await auth.verify_password(user.password_hash if user else None, password) or user is None):
        await throttling.record_failure(auth, counters)
        raise Unauthenticated(INVALID_LOGIN)
    await throttling.clear(auth, counters[0][0])
    async with auth.db.transaction() as session:
        if auth.hashing.needs_rehash(user.password_hash):
            # Stronger parameters since this hash was made: upgrade it now that we know the password.
            await repo.set_password_hash(session, user.id, await auth.hash_password(password))
        return await start_session(auth, session, user)


async def refresh(auth: Auth, token: str) -> Tokens:
    now = auth.clock()
    reuse_family: str | None = None
    async with auth.db.transaction() as session:
        record = await repo.find_refresh_token(session, digest(token))
        if record is None:
            raise Unauthenticated(INVALID_REFRESH)
        verdict = judge_refresh(
            RefreshTokenState(expires_at=record.expires_at, used_at=record.used_at, revoked_at=record.revoked_at),
            now,
        )
        if verdict is RefreshVerdict.ROTATE and not await repo.spend_refresh_token(session, record.id, now):
            verdict = RefreshVerdict.REUSED  # spent by a concurrent request a moment ago
        if verdict is RefreshVerdict.REUSED:
            # Theft detection: the family is revoked, and that must stick although we refuse below.
            await repo.revoke_family(session, record.family_id, now)
            reuse_family = record.family_id
        elif verdict is RefreshVerdict.ROTATE:
            user = await repo.get_user(session, record.user_id)
            if user is None:
                raise Unauthenticated(INVALID_REFRESH)
            return await start_session(auth, session, user, family_id=record.family_id)
    if reuse_family:
        raise Unauthenticated("This refresh token was already used; every session started from it is now "
                              "logged out. Log in again.")
    raise Unauthenticated(INVALID_REFRESH)


async def log_out(auth: Auth, token: str) -> bool:
    """Revoke the token's whole family (the session it belongs to). Idempotent for known tokens."""
    async with auth.db.transaction() as session:
        record = await repo.find_refresh_token(session, digest(token))
        if record is None:
            raise Unauthenticated(INVALID_REFRESH)
        await repo.revoke_family(session, record.family_id, auth.clock())
    return True


async def log_out_everywhere(auth: Auth, user_id: str) -> bool:
    async with auth.db.transaction() as session:
        await repo.revoke_user_tokens(session, user_id, auth.clock())
    return True
