"""Helpers for tests of auth and of services that need auth's settings or outbox in a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import select

from bookshare_auth.config import AuthSettings
from bookshare_common.db import Database
from bookshare_common.events.tables import outbox

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - the test accounts' password
# Argon2id still, at a cost that keeps hundreds of sign-ups fast; production uses the library defaults.
FAST = {"argon2_time_cost": 1, "argon2_memory_kib": 64, "argon2_parallelism": 1, "throttle_delays": False}


def fast_settings(**overrides: Any) -> AuthSettings:
    return AuthSettings(**{**FAST, **overrides})


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


async def outbox_events(db: Database, prefix: str = "auth_") -> list[tuple[str, dict[str, Any]]]:
    """(event name, data) of every outbox row, oldest first."""
    async with db.session() as session:
        rows = (await session.execute(select(outbox.c.event, outbox.c.payload).order_by(outbox.c.seq))).all()
    return [(r.event, orjson.loads(r.payload)["data"]) for r in rows if r.event.startswith(prefix)]


async def user_events(db: Database, user_id: str) -> list[tuple[str, int]]:
    return [(name, data["version"]) for name, data in await outbox_events(db, "auth_user_")
            if data["id"] == user_id]
