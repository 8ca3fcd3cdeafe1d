"""Consumers: one handler per event name, applied once (inbox), acknowledged only after commit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime

import structlog
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.db import Database
from bookshare_common.events import schemas
from bookshare_common.events.envelope import Envelope, EventError
from bookshare_common.events.tables import inbox
from bookshare_common.events.transport import Delivery, Transport

log = structlog.get_logger(__name__)

Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]


# Built once: constructing statements costs more than running them on the consumer's hot path.
_RECORD = {
    "postgresql": postgresql.insert(inbox).on_conflict_do_nothing(index_elements=["event_id"]),
    "sqlite": sqlite.insert(inbox).on_conflict_do_nothing(index_elements=["event_id"]),
}


async def record_in_inbox(session: AsyncSession, envelope: Envelope) -> bool:
    """Record the event id; False when it was already there (the event was applied before)."""
    statement = _RECORD["postgresql" if session.bind.dialect.name == "postgresql" else "sqlite"]
    result = await session.execute(statement, {"event_id": envelope.id, "event": envelope.event,
                                               "source": envelope.source, "received_at": datetime.now(UTC)})
    return result.rowcount == 1


_RECORD_MANY = {name: statement.returning(inbox.c.event_id) for name, statement in _RECORD.items()}


async def record_many_in_inbox(session: AsyncSession, envelopes: list[Envelope]) -> set[str]:
    """Record a batch's event ids in one round trip; answers the ids that were not there before."""
    statement = _RECORD_MANY["postgresql" if session.bind.dialect.name == "postgresql" else "sqlite"]
    now = datetime.now(UTC)
    rows = [{"event_id": e.id, "event": e.event, "source": e.source, "received_at": now} for e in envelopes]
    return set((await session.execute(statement, rows)).scalars())


class Consumer:
    """Applies each event once, in a transaction that also records it in the inbox, and acknowledges it
    only after that commit.

    Messages that arrive together are applied together, in one transaction (up to `max_batch`): one commit
    instead of one per event, which is what a busy consumer spends most of its time on. If anything in
    such a batch fails, nothing of it is kept and each of its events is applied again on its own, with the
    usual retries, so a bad event never takes good ones down with it.
    """

    def __init__(self, service: str, db: Database, transport: Transport, handlers: Mapping[str, Handler], *,
                 max_attempts: int = 5, retry_delay: float = 0.2, prefetch: int = 32, max_batch: int = 100,
                 on_applied: Callable[[Envelope], None] | None = None) -> None:
        self.service = service
        self._db = db
        self._transport = transport
        self._handlers = dict(handlers)
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._prefetch = prefetch
        self._started = False
        self._max_batch = max_batch
        self._waiting: list[tuple[Envelope, Handler, asyncio.Future[bool]]] = []
        self._flushing = False
        self._on_applied = on_applied  # told of each event once its transaction has committed (metrics)

    async def start(self) -> None:
        if self._handlers:
            await self._transport.consume(self.service, self._handlers, self.on_message, prefetch=self._prefetch)
            self._started = True

    async def stop(self) -> None:
        """Stop taking messages (the one in hand is finished); the rest wait in the queue."""
        if self._started:
            self._started = False
            await self._transport.cancel(self.service)

    async def on_message(self, delivery: Delivery) -> None:
        try:
            envelope = Envelope.from_json(delivery.body)
            schemas.validate(envelope.event, envelope.data)
            handler = self._handlers.get(envelope.event)
            if handler is None:
                raise EventError(f"{self.service} has no handler for {envelope.event!r}")
        except EventError as exc:
            log.warning("dead-lettering an invalid message", service=self.service,
                        message_id=delivery.message_id, reason=str(exc))
            await delivery.dead_letter(str(exc))
            return
        if self._max_batch > 1 and await self._apply_with_others(envelope, handler):
            await delivery.ack()
            return
        error: Exception | None = None
        for attempt in range(1, self._max_attempts + 1):
            try:
                await self._apply(envelope, handler)
                error = None
                break
            except Exception as exc:  # noqa: BLE001 - retried, then dead-lettered
                error = exc
                log.warning("handler failed", service=self.service, event_name=envelope.event, event_id=envelope.id,
                            attempt=attempt, error=f"{type(exc).__name__}: {exc}")
                if attempt < self._max_attempts:
                    await asyncio.sleep(self._retry_delay * 2 ** (attempt - 1))
        if error is not None:
            await delivery.dead_letter(f"handler failed {self._max_attempts} times: {type(error).__name__}: {error}")
            return
        await delivery.ack()  # only now: the change and the inbox row are committed

    async def _apply_with_others(self, envelope: Envelope, handler: Handler) -> bool:
        """Apply the event in a batch with the others waiting; False when it must be applied on its own
        (it arrived alone, or its batch failed)."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((envelope, handler, done))
        if not self._flushing:
            self._flushing = True
            asyncio.get_running_loop().create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        try:
            while self._waiting:
                await asyncio.sleep(0)  # let the deliveries that are already here join this batch
                batch, self._waiting = self._waiting[:self._max_batch], self._waiting[self._max_batch:]
                if len(batch) == 1:
                    batch[0][2].set_result(False)  # alone: the ordinary path, with its own retries
                    continue
                try:
                    async with self._db.transaction() as session:
                        fresh = await record_many_in_inbox(session, [envelope for envelope, *_ in batch])
                        for envelope, handler, _ in batch:
                            if envelope.id in fresh:
                                fresh.discard(envelope.id)  # the same event twice in one batch: once
                                await handler(session, envelope)
                    ok = True
                    if self._on_applied is not None:
                        for envelope, *_ in batch:
                            self._on_applied(envelope)
                except Exception as exc:  # noqa: BLE001 - every event of the batch is retried on its own
                    log.info("batch failed, applying its events one by one", service=self.service,
                             size=len(batch), error=f"{type(exc).__name__}: {exc}")
                    ok = False
                for *_, done in batch:
                    if not done.done():
                        done.set_result(ok)
        finally:
            self._flushing = False
            for *_, done in self._waiting:  # cancelled mid-way: let the waiters take the ordinary path
                if not done.done():
                    done.set_result(False)
            self._waiting = []

    async def _apply(self, envelope: Envelope, handler: Handler) -> None:
        async with self._db.transaction() as session:
            if await record_in_inbox(session, envelope):
                await handler(session, envelope)
            else:
                log.info("duplicate event ignored", service=self.service, event_name=envelope.event,
                         event_id=envelope.id)
        if self._on_applied is not None:
            self._on_applied(envelope)
