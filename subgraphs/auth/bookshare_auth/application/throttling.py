"""Failed-login counters per typed login and per client address, kept in the database so that every
replica of auth sees the same counts."""

from __future__ import annotations

import asyncio
import hashlib
import math
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from bookshare_auth.adapters import repository as repo
from bookshare_auth.application.core import Auth
from bookshare_auth.domain import throttle
from bookshare_auth.domain.throttle import ThrottlePolicy
from bookshare_common.errors import RateLimited


def counter_key(scope: str, value: str) -> str:
    return hashlib.sha256(f"{scope}\x00{value}".encode()).hexdigest()


def login_keys(login_key: str, address: str | None) -> list[tuple[str, ThrottlePolicy]]:
    keys = [(counter_key("login", login_key), throttle.ACCOUNT_POLICY)]
    if address:
        keys.append((counter_key("address", address), throttle.ADDRESS_POLICY))
    return keys


async def check(auth: Auth, keys: list[tuple[str, ThrottlePolicy]]) -> None:
    """Refuse while any counter is locked; otherwise wait as long as the failures so far ask."""
    now = auth.clock()
    delay = 0.0
    async with auth.db.session() as session:
        for key, policy in keys:
            count = await repo.get_counter(session, key)
            if until := throttle.locked_until(count, now):
                raise RateLimited("Too many failed attempts; try again later.",
                                  retry_after=max(1, math.ceil((until - now).total_seconds())))
            delay = max(delay, throttle.delay_before_answer(count, now, policy))
    if delay and auth.settings.throttle_delays:
        await asyncio.sleep(delay)


async def record_failure(auth: Auth, keys: list[tuple[str, ThrottlePolicy]]) -> None:
    for attempt in range(3):
        try:
            async with auth.db.transaction() as session:
                now = auth.clock()
                for key, policy in keys:
                    count = await repo.get_counter(session, key)
                    await repo.put_counter(session, key, throttle.after_failure(count, now, policy),
                                           existed=count is not None)
            return
        except IntegrityError:
            # Another request created the same counter at the same moment: count again on top of it.
            if attempt == 2:
                raise


async def clear(auth: Auth, key: str) -> None:
    async with auth.db.transaction() as session:
        await repo.clear_counter(session, key)


async def within_hourly_limit(auth: Auth, scope: str, value: str, limit: int) -> bool:
    """Count one request for (scope, value); False once more than `limit` came within the hour."""
    policy = ThrottlePolicy(max_failures=limit + 1, window=timedelta(hours=1), lockout=timedelta(hours=1),
                            slow_after=limit + 1, base_delay=0.0, max_delay=0.0)
    key = counter_key(scope, value)
    now = auth.clock()
    async with auth.db.transaction() as session:
        count = await repo.get_counter(session, key)
        if throttle.locked_until(count, now):
            return False
        updated = throttle.after_failure(count, now, policy)
        await repo.put_counter(session, key, updated, existed=count is not None)
    return updated.locked_until is None
