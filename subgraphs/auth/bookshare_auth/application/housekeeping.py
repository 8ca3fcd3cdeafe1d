"""Periodic clean-up: tokens and throttle counters past any use, so the tables hold only what matters."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import structlog
from sqlalchemy import and_, delete, or_

from bookshare_auth.adapters.tables import one_time_tokens, refresh_tokens, throttle_counters
from bookshare_auth.application.core import Auth

log = structlog.get_logger(__name__)

# Kept a little past expiry, so that "this link has expired" is told apart from a link never issued.
GRACE = timedelta(days=1)
SWEEP_INTERVAL_SECONDS = 600


async def sweep(auth: Auth) -> dict[str, int]:
    """Delete expired refresh and one-time tokens and stale throttle counters; answers how many of each."""
    now = auth.clock()
    cutoff = now - GRACE
    async with auth.db.transaction() as session:
        refresh = await session.execute(delete(refresh_tokens).where(refresh_tokens.c.expires_at < cutoff))
        one_time = await session.execute(delete(one_time_tokens).where(one_time_tokens.c.expires_at < cutoff))
        counters = await session.execute(delete(throttle_counters).where(and_(
            throttle_counters.c.window_started_at < cutoff,
            or_(throttle_counters.c.locked_until.is_(None), throttle_counters.c.locked_until < now),
        )))
    return {"refresh_tokens": refresh.rowcount, "one_time_tokens": one_time.rowcount,  # type: ignore[attr-defined]
            "throttle_counters": counters.rowcount}  # type: ignore[attr-defined]


async def sweep_forever(auth: Auth, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
    while True:
        try:
            removed = await sweep(auth)
            if any(removed.values()):
                log.info("auth housekeeping", **removed)
        except Exception:  # noqa: BLE001 - a failed sweep is retried at the next interval
            log.exception("auth housekeeping failed")
        await asyncio.sleep(interval)
