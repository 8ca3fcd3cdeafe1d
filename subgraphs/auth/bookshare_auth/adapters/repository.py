"""SQL for the auth tables. Every function takes the caller's session, so callers decide the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_auth.adapters.tables import one_time_tokens, refresh_tokens, signing_keys, throttle_counters, users
from bookshare_auth.domain.throttle import FailureCount


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class UserRecord:
    id: str
    username: str
    email: str
    email_verified_at: datetime | None
    first_name: str | None
    last_name: str | None
    password_hash: str
    roles: tuple[str, ...]
    version: int
    created_at: datetime
    updated_at: datetime

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @classmethod
    def from_row(cls, row: Row[Any]) -> UserRecord:
        return cls(
            id=row.id, username=row.username, email=row.email, email_verified_at=aware(row.email_verified_at),
            first_name=row.first_name, last_name=row.last_name, password_hash=row.password_hash,
            roles=tuple(row.roles or ()), version=row.version, created_at=aware(row.created_at),  # type: ignore[arg-type]
            updated_at=aware(row.updated_at),  # type: ignore[arg-type]
        )


# ---------------------------------------------------------------- users

async def get_user(session: AsyncSession, user_id: str, *, for_update: bool = False) -> UserRecord | None:
    query = select(users).where(users.c.id == user_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return UserRecord.from_row(row) if row else None


async def get_users(session: AsyncSession, user_ids: Sequence[str]) -> dict[str, UserRecord]:
    rows = (await session.execute(select(users).where(users.c.id.in_(list(user_ids))))).all()
    return {row.id: UserRecord.from_row(row) for row in rows}


async def find_user_by_username(session: AsyncSession, username_key: str) -> UserRecord | None:
    row = (await session.execute(select(users).where(users.c.username_key == username_key))).first()
    return UserRecord.from_row(row) if row else None


async def find_user_by_email(session: AsyncSession, email_key: str) -> UserRecord | None:
    row = (await session.execute(select(users).where(users.c.email_key == email_key))).first()
    return UserRecord.from_row(row) if row else None


async def username_taken(session: AsyncSession, username_key: str, *, except_id: str | None = None) -> bool:
    query = select(users.c.id).where(users.c.username_key == username_key)
    if except_id:
        query = query.where(users.c.id != except_id)
    return (await session.execute(query)).first() is not None


async def email_taken(session: AsyncSession, email_key: str, *, except_id: str | None = None) -> bool:
    query = select(users.c.id).where(users.c.email_key == email_key)
    if except_id:
        query = query.where(users.c.id != except_id)
    return (await session.execute(query)).first() is not None


async def insert_user(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(users).values(**values))


async def update_user(session: AsyncSession, user_id: str, expected_version: int, **values: Any) -> bool:
    """Apply `values` and bump the version; False when someone else changed the user meanwhile."""
    result = await session.execute(
        update(users).where(users.c.id == user_id, users.c.version == expected_version)
        .values(version=expected_version + 1, **values)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def delete_user(session: AsyncSession, user_id: str, expected_version: int) -> bool:
    # Tokens go with the user (ON DELETE CASCADE is not relied on: SQLite enforces it only with a pragma).
    await session.execute(delete(refresh_tokens).where(refresh_tokens.c.user_id == user_id))
    await session.execute(delete(one_time_tokens).where(one_time_tokens.c.user_id == user_id))
    result = await session.execute(delete(users).where(users.c.id == user_id, users.c.version == expected_version))
    return result.rowcount == 1  # type: ignore[attr-defined]


# ---------------------------------------------------------------- refresh tokens

@dataclass(frozen=True)
class RefreshTokenRecord:
    id: str
    family_id: str
    user_id: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


async def insert_refresh_token(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(refresh_tokens).values(**values))


async def find_refresh_token(session: AsyncSession, token_hash: str) -> RefreshTokenRecord | None:
    row = (await session.execute(select(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash))).first()
    if row is None:
        return None
    return RefreshTokenRecord(id=row.id, family_id=row.family_id, user_id=row.user_id,
                              expires_at=aware(row.expires_at),  # type: ignore[arg-type]
                              used_at=aware(row.used_at), revoked_at=aware(row.revoked_at))


async def spend_refresh_token(session: AsyncSession, token_id: str, now: datetime) -> bool:
    """Mark the token used; False when it was already spent or revoked (a concurrent refresh won)."""
    result = await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.id == token_id, refresh_tokens.c.used_at.is_(None),
               refresh_tokens.c.revoked_at.is_(None))
        .values(used_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def revoke_family(session: AsyncSession, family_id: str, now: datetime) -> None:
    await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def revoke_user_tokens(session: AsyncSession, user_id: str, now: datetime) -> None:
    await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


# ---------------------------------------------------------------- one-time tokens

@dataclass(frozen=True)
class OneTimeTokenRecord:
    token_hash: str
    purpose: str
    user_id: str
    email_key: str
    expires_at: datetime
    used_at: datetime | None


async def insert_one_time_token(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(one_time_tokens).values(**values))


async def find_one_time_token(session: AsyncSession, token_hash: str, purpose: str) -> OneTimeTokenRecord | None:
    row = (await session.execute(
        select(one_time_tokens).where(one_time_tokens.c.token_hash == token_hash, one_time_tokens.c.purpose == purpose)
    )).first()
    if row is None:
        return None
    return OneTimeTokenRecord(token_hash=row.token_hash, purpose=row.purpose, user_id=row.user_id,
                              email_key=row.email_key, expires_at=aware(row.expires_at),  # type: ignore[arg-type]
                              used_at=aware(row.used_at))


async def spend_one_time_token(session: AsyncSession, token_hash: str, now: datetime) -> bool:
    result = await session.execute(
        update(one_time_tokens)
        .where(one_time_tokens.c.token_hash == token_hash, one_time_tokens.c.used_at.is_(None))
        .values(used_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def void_one_time_tokens(session: AsyncSession, user_id: str, purpose: str, now: datetime) -> None:
    """Spend every open token of this purpose (a new one replaces them, or the purpose is fulfilled)."""
    await session.execute(
        update(one_time_tokens)
        .where(one_time_tokens.c.user_id == user_id, one_time_tokens.c.purpose == purpose,
               one_time_tokens.c.used_at.is_(None))
        .values(used_at=now)
    )


# ---------------------------------------------------------------- signing keys

@dataclass(frozen=True)
class SigningKeyRecord:
    kid: str
    private_pem: str
    public_jwk: dict[str, str]
    created_at: datetime


async def live_signing_keys(session: AsyncSession, limit: int = 2) -> list[SigningKeyRecord]:
    """The newest keys, newest first: the first signs, all of them verify."""
    rows = (await session.execute(
        select(signing_keys).order_by(signing_keys.c.created_at.desc(), signing_keys.c.kid).limit(limit)
    )).all()
    return [SigningKeyRecord(kid=r.kid, private_pem=r.private_pem, public_jwk=dict(r.public_jwk),
                             created_at=aware(r.created_at)) for r in rows]  # type: ignore[arg-type]


async def insert_signing_key(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(signing_keys).values(**values))


async def delete_signing_keys_except(session: AsyncSession, keep: Sequence[str]) -> int:
    result = await session.execute(delete(signing_keys).where(signing_keys.c.kid.not_in(list(keep))))
    return result.rowcount  # type: ignore[attr-defined]


# ---------------------------------------------------------------- throttle counters

async def get_counter(session: AsyncSession, key: str) -> FailureCount | None:
    row = (await session.execute(select(throttle_counters).where(throttle_counters.c.key == key))).first()
    if row is None:
        return None
    return FailureCount(failures=row.failures, window_started_at=aware(row.window_started_at),  # type: ignore[arg-type]
                        locked_until=aware(row.locked_until))


async def put_counter(session: AsyncSession, key: str, count: FailureCount, *, existed: bool) -> None:
    values = {"failures": count.failures, "window_started_at": count.window_started_at,
              "locked_until": count.locked_until}
    if existed:
        await session.execute(update(throttle_counters).where(throttle_counters.c.key == key).values(**values))
    else:
        await session.execute(insert(throttle_counters).values(key=key, **values))


async def clear_counter(session: AsyncSession, key: str) -> None:
    await session.execute(delete(throttle_counters).where(throttle_counters.c.key == key))


async def set_password_hash(session: AsyncSession, user_id: str, password_hash: str) -> None:
    """Re-hash in place (stronger parameters); not a change anyone else sees, so no version bump."""
    await session.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))
