"""The outbox: events written in the caller's transaction, published by a relay after commit.

An event is marked published only once the broker has confirmed it, so a broker that is away delays
events and never drops them; a publish that succeeded but whose mark was lost is sent again, and the
consumers' inbox makes that harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.db import Database
from bookshare_common.events import schemas
from bookshare_common.events.envelope import Envelope
from bookshare_common.events.tables import outbox
from bookshare_common.events.transport import Transport, TransportError, UnroutableError

log = structlog.get_logger(__name__)


_INSERT = insert(outbox)  # built once; emit() is on every write path


async def emit(session: AsyncSession, event: str, data: dict[str, Any], *, source: str) -> Envelope:
    """Validate the event and write it to the outbox inside `session`'s transaction."""
    schemas.validate(event, data)  # raises EventError: an invalid event must not be written at all
    envelope = Envelope(event=event, data=data, source=source)
    await session.execute(_INSERT, {"event_id": envelope.id, "event": event,
                                    "payload": envelope.to_json().decode(), "created_at": datetime.now(UTC)})
    return envelope


async def prune_published(db: Database, *, older_than: datetime) -> int:
    """Delete outbox rows published before `older_than`; unpublished rows are never deleted."""
    async with db.transaction() as session:
        result = await session.execute(
            delete(outbox).where(outbox.c.published_at.is_not(None), outbox.c.published_at < older_than))
    return result.rowcount or 0


async def pending_count(db: Database) -> int:
    async with db.session() as session:
        query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        return int(await session.scalar(query) or 0)


class OutboxRelay:
    """Publishes pending outbox rows in order, in batches, with confirms; backs off while the broker is away."""

    def __init__(self, db: Database, transport: Transport, *, batch_size: int = 200,
                 poll_interval: float = 0.5, max_backoff: float = 30.0,
                 retention: timedelta = timedelta(days=7)) -> None:
        self._db = db
        self._transport = transport
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        # Published rows are kept a while for operators, then deleted: they may hold personal data
        # (an email, a one-time link token) that must not outlive its use.
        self._retention = retention
        self._next_prune = 0.0
        db.on_commit(self.wake)

    def wake(self) -> None:
        self._wakeup.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name="outbox-relay")

    async def stop(self, grace: float = 5.0) -> None:
        """Finish the batch in hand, then stop (cancelling mid-transaction can wedge a SQLite connection)."""
        if self._task is None:
            return
        self._stopping = True
        self.wake()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=grace)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    async def run(self) -> None:
        backoff = 0.0
        while not self._stopping:
            try:
                published = await self.publish_pending()
                backoff = 0.0
                if published:
                    continue  # more may be waiting
            except TransportError as exc:
                backoff = min(self._max_backoff, max(0.2, backoff * 2))
                log.warning("outbox relay: broker unavailable, retrying", error=str(exc), retry_in=backoff)
                await self._pause(backoff)
                continue
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the relay
                backoff = min(self._max_backoff, max(0.5, backoff * 2))
                log.exception("outbox relay failed, retrying", retry_in=backoff)
                await self._pause(backoff)
                continue
            self._wakeup.clear()
            await self._prune_if_due()
            await self._pause(self._poll_interval)

    async def _prune_if_due(self) -> None:
        now = asyncio.get_running_loop().time()
        if now < self._next_prune:
            return
        self._next_prune = now + 3600
        try:
            await prune_published(self._db, older_than=datetime.now(UTC) - self._retention)
        except Exception:  # noqa: BLE001 - pruning is housekeeping; publishing goes on
            log.exception("outbox pruning failed")

    async def _pause(self, seconds: float) -> None:
        """Sleep, but wake early when a commit (or stop) says there is something to do."""
        if self._stopping:
            return
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that lands as it ends.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wakeup.wait()

    async def publish_pending(self) -> int:
        """Publish one batch; returns how many rows were marked published. Raises TransportError."""
        now = datetime.now(UTC)
        async with self._db.transaction() as session:
            rows = (
                await session.execute(
                    select(outbox.c.seq, outbox.c.event_id, outbox.c.event, outbox.c.payload, outbox.c.attempts)
                    .where(outbox.c.published_at.is_(None),
                           or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now))
                    .order_by(outbox.c.seq)
                    .limit(self._batch_size)
                    # Several replicas of a service may relay at once: each takes rows no other holds.
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            results = await asyncio.gather(
                *(self._transport.publish(row.payload.encode(), routing_key=row.event, message_id=row.event_id)
                  for row in rows),
                return_exceptions=True,
            )
            done, unroutable, failure = [], [], None
            for row, result in zip(rows, results, strict=True):
                if result is None:
                    done.append(row.seq)
                elif isinstance(result, UnroutableError):
                    unroutable.append((row.seq, row.attempts))
                elif isinstance(result, Exception):
                    failure = failure or result
            if done:
                await session.execute(update(outbox).where(outbox.c.seq.in_(done)).values(published_at=now))
            for seq, attempts in unroutable:
                # Nobody consumes this event yet (a consumer may not have declared its queue): keep it
                # and try again later, backing off up to an hour, rather than drop it.
                await session.execute(
                    update(outbox).where(outbox.c.seq == seq)
                    .values(attempts=attempts + 1, last_error="unroutable: no queue is bound to this event",
                            next_attempt_at=now + timedelta(seconds=min(3600, 2 ** min(attempts, 12))))
                )
            if unroutable:
                log.warning("outbox relay: events no queue is bound to, will retry", count=len(unroutable))
            if failure is not None:
                failed = [row.seq for row, result in zip(rows, results, strict=True)
                          if isinstance(result, Exception) and not isinstance(result, UnroutableError)]
                await session.execute(
                    update(outbox).where(outbox.c.seq.in_(failed))
                    .values(attempts=outbox.c.attempts + 1, last_error=str(failure)[:500],
                            next_attempt_at=now + timedelta(seconds=1))
                )
        if failure is not None:
            raise failure if isinstance(failure, TransportError) else TransportError(str(failure))
        return len(done)
