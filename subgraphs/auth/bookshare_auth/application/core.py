"""What every use case needs: the database, the settings, the clock, password hashing."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bookshare_auth.config import AuthSettings
from bookshare_auth.domain.passwords import PasswordHashing
from bookshare_common.db import Database

SOURCE = "auth"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Auth:
    db: Database
    settings: AuthSettings = field(default_factory=AuthSettings)
    clock: Callable[[], datetime] = utcnow
    hashing: PasswordHashing = field(init=False)

    def __post_init__(self) -> None:
        self.hashing = PasswordHashing(time_cost=self.settings.argon2_time_cost,
                                       memory_cost_kib=self.settings.argon2_memory_kib,
                                       parallelism=self.settings.argon2_parallelism)

    @property
    def access_token_ttl(self) -> timedelta:
        return timedelta(seconds=self.settings.access_token_ttl_seconds)

    @property
    def refresh_token_ttl(self) -> timedelta:
        return timedelta(days=self.settings.refresh_token_ttl_days)

    # Argon2 is deliberately slow: keep it off the event loop.
    async def hash_password(self, password: str) -> str:
        return await asyncio.to_thread(self.hashing.hash, password)

    async def verify_password(self, password_hash: str | None, password: str) -> bool:
        return await asyncio.to_thread(self.hashing.verify, password_hash, password)


_by_database: weakref.WeakKeyDictionary[Database, Auth] = weakref.WeakKeyDictionary()


def auth_for(db: Database) -> Auth:
    """The Auth of a running service, made on first use from BOOKSHARE_AUTH_* settings."""
    auth = _by_database.get(db)
    if auth is None:
        auth = _by_database[db] = Auth(db)
    return auth
