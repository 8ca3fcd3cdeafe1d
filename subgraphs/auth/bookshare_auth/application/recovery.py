"""Email verification and password reset: single-use, expiring tokens, stored as digests, delivered by
events that the notification worker turns into emails."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_auth.adapters import repository as repo
from bookshare_auth.application import throttling, user_events
from bookshare_auth.application.core import SOURCE, Auth
from bookshare_auth.application.password_rules import check_password
from bookshare_auth.domain import profile
from bookshare_auth.domain.opaque_tokens import digest, new_secret
from bookshare_common.errors import BadUserInput, Conflict, RateLimited
from bookshare_common.events import emit

VERIFY = "verify_email"
RESET = "reset_password"
INVALID_TOKEN = "This link is invalid or has expired; ask for a new one."  # noqa: S105 - a message


async def _new_token(auth: Auth, session: AsyncSession, user: repo.UserRecord, purpose: str,
                     ttl: timedelta) -> tuple[str, str]:
    now = auth.clock()
    # One open token per purpose: asking again voids the earlier link.
    await repo.void_one_time_tokens(session, user.id, purpose, now)
    token, token_hash = new_secret()
    expires_at = now + ttl
    await repo.insert_one_time_token(session, token_hash=token_hash, purpose=purpose, user_id=user.id,
                                     email_key=profile.email_key(user.email), created_at=now, expires_at=expires_at)
    return token, expires_at.isoformat()


async def send_verification(auth: Auth, session: AsyncSession, user: repo.UserRecord) -> None:
    token, expires_at = await _new_token(auth, session, user, VERIFY,
                                         timedelta(hours=auth.settings.email_verification_ttl_hours))
    await emit(session, "auth_email_verification_request",
               {"user_id": user.id, "username": user.username, "email": user.email, "token": token,
                "expires_at": expires_at}, source=SOURCE)


async def request_email_verification(auth: Auth, user: repo.UserRecord) -> bool:
    if user.email_verified_at is not None:
        raise BadUserInput("This email address is already verified.", field="email")
    if not await throttling.within_hourly_limit(auth, "verify", user.id, auth.settings.email_requests_per_hour):
        raise RateLimited("Too many verification emails asked for; try again later.")
    async with auth.db.transaction() as session:
        await send_verification(auth, session, user)
    return True


async def _redeem(auth: Auth, session: AsyncSession, token: str, purpose: str) -> repo.UserRecord:
    """Spend a one-time token inside the caller's transaction and answer its user."""
    now = auth.clock()
    record = await repo.find_one_time_token(session, digest(token), purpose)
    if record is None or record.used_at is not None or record.expires_at <= now:
        raise BadUserInput(INVALID_TOKEN, field="token")
    user = await repo.get_user(session, record.user_id)
    # A link sent to an earlier address proves nothing about the current one.
    if user is None or profile.email_key(user.email) != record.email_key:
        raise BadUserInput(INVALID_TOKEN, field="token")
    if not await repo.spend_one_time_token(session, record.token_hash, now):
        raise BadUserInput(INVALID_TOKEN, field="token")
    return user


async def verify_email(auth: Auth, token: str) -> repo.UserRecord:
    async with auth.db.transaction() as session:
        user = await _redeem(auth, session, token, VERIFY)
        if user.email_verified_at is not None:
            return user
        now = auth.clock()
        if not await repo.update_user(session, user.id, user.version, email_verified_at=now, updated_at=now):
            raise Conflict("The account was changed at the same time; try the link again.")
        updated = await repo.get_user(session, user.id)
        assert updated is not None
        await user_events.user_updated(session, updated)
        return updated


async def request_password_reset(auth: Auth, email: str, address: str | None) -> bool:
    """Always answers True, whether or not an account has this address."""
    try:
        email_key = profile.email_key(profile.clean_email(email))
    except profile.InvalidField as exc:
        raise BadUserInput(exc.message, field="email") from None
    limit = auth.settings.email_requests_per_hour
    # Quietly drop floods (per address asked about, and per client): answering differently would tell.
    if not await throttling.within_hourly_limit(auth, "reset-email", email_key, limit):
        return True
    if address and not await throttling.within_hourly_limit(auth, "reset-address", address, limit * 4):
        return True
    async with auth.db.transaction() as session:
        user = await repo.find_user_by_email(session, email_key)
        if user is None:
            return True
        token, expires_at = await _new_token(auth, session, user, RESET,
                                             timedelta(minutes=auth.settings.password_reset_ttl_minutes))
        await emit(session, "auth_password_reset_request",
                   {"user_id": user.id, "username": user.username, "email": user.email, "token": token,
                    "expires_at": expires_at}, source=SOURCE)
    return True


async def reset_password(auth: Auth, token: str, new_password: str) -> bool:
    async with auth.db.session() as session:
        record = await repo.find_one_time_token(session, digest(token), RESET)
        user = await repo.get_user(session, record.user_id) if record else None
    if user is None:
        raise BadUserInput(INVALID_TOKEN, field="token")
    check_password(new_password, user.username, user.email, user.first_name, user.last_name, field="newPassword")
    new_hash = await auth.hash_password(new_password)
    async with auth.db.transaction() as session:
        user = await _redeem(auth, session, token, RESET)
        now = auth.clock()
        await repo.set_password_hash(session, user.id, new_hash)
        # Whoever knew the old password is logged out everywhere.
        await repo.revoke_user_tokens(session, user.id, now)
        await repo.void_one_time_tokens(session, user.id, RESET, now)
        # The owner proved who they are: lift any lockout on their logins.
        for login_key in (profile.username_key(user.username), profile.email_key(user.email)):
            await repo.clear_counter(session, throttling.counter_key("login", login_key))
    return True
