"""Event platform benchmark: outbox -> relay -> RabbitMQ -> consumer -> inbox, on PostgreSQL.

Two figures, as the foundation issue asks:
  1. sustained throughput (events/s): N events committed as fast as the writer can, until every one
     is applied by the consumer;
  2. publish-to-applied latency p50/p99 at a steady offered rate (default 200 events/s): from the
     commit of the change that wrote the event to the commit of the consumer that applied it.

Usage: .venv/bin/python bench/events_throughput.py [--events 20000] [--rate 200] [--seconds 20]
Needs PostgreSQL on 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672 (BOOKSHARE_TEST_POSTGRES_URL /
BOOKSHARE_TEST_AMQP_URL override them). Everything it creates is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "common" / "tests"))

from sqlalchemy import Column, Integer, MetaData, String, Table  # noqa: E402
from sqlalchemy.dialects import postgresql  # noqa: E402

from bookshare_common.db import Database  # noqa: E402
from bookshare_common.events import Consumer, Envelope, OutboxRelay, add_platform_tables, emit  # noqa: E402
from bookshare_common.events.rabbit import RabbitTransport  # noqa: E402
from bookshare_common.testing import AMQP_URL, fresh_postgres_database  # noqa: E402

SERVICE = "bench"
metadata = MetaData()
add_platform_tables(metadata)
replica = Table("replica", metadata, Column("id", String(64), primary_key=True), Column("version", Integer))


class TimedConsumer(Consumer):
    """Notes when each event's transaction has committed on the consumer side."""

    def __init__(self, *args, applied: dict[str, float], **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.applied = applied

    async def _apply(self, envelope, handler) -> None:  # noqa: ANN001
        await super()._apply(envelope, handler)
        self.applied.setdefault(envelope.data["id"], time.perf_counter())


async def apply_user(session, event: Envelope) -> None:  # noqa: ANN001
    stmt = postgresql.insert(replica).values(id=event.data["id"], version=event.data["version"])
    newer = replica.c.version < event.data["version"]
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["id"], set_={"version": event.data["version"]}, where=newer))


async def write(db: Database, ids: list[str], committed: dict[str, float]) -> None:
    async with db.transaction() as session:
        for user_id in ids:
            await emit(session, "auth_user_add", {"id": user_id, "username": "bench", "version": 1}, source="bench")
    now = time.perf_counter()
    for user_id in ids:
        committed[user_id] = now


async def wait_applied(applied: dict[str, float], ids: list[str], limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if all(i in applied for i in ids):
            return
        await asyncio.sleep(0.01)
    raise SystemExit(f"only {sum(i in applied for i in ids)}/{len(ids)} events applied in {limit}s")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def main(events: int, rate: float, seconds: float, batch: int) -> None:
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    async with fresh_postgres_database() as url:
        writer_db, consumer_db = Database(url), Database(url)
        async with writer_db.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)
        relay_transport = RabbitTransport(AMQP_URL, namespace=namespace)
        consumer_transport = RabbitTransport(AMQP_URL, namespace=namespace)
        await relay_transport.connect()
        await consumer_transport.connect()
        applied: dict[str, float] = {}
        consumer = TimedConsumer(SERVICE, consumer_db, consumer_transport, {"auth_user_add": apply_user},
                                 applied=applied, prefetch=256)
        await consumer.start()
        relay = OutboxRelay(writer_db, relay_transport, batch_size=500, poll_interval=0.05)
        relay.start()
        try:
            # Warm up connections and plans.
            warm = [str(uuid.uuid4()) for _ in range(200)]
            await write(writer_db, warm, {})
            await wait_applied(applied, warm, 60)

            # 1. Throughput: commit `events` as fast as possible, in transactions of `batch`.
            committed: dict[str, float] = {}
            ids = [str(uuid.uuid4()) for _ in range(events)]
            start = time.perf_counter()
            for i in range(0, events, batch):
                await write(writer_db, ids[i:i + batch], committed)
            written = time.perf_counter()
            await wait_applied(applied, ids, 300)
            end = max(applied[i] for i in ids)
            print(f"throughput: {events} events committed in {written - start:.2f}s, all applied after "
                  f"{end - start:.2f}s -> {events / (end - start):,.0f} events/s end to end")

            # 2. Latency at a steady offered rate, one event per transaction.
            committed.clear()
            steady = [str(uuid.uuid4()) for _ in range(int(rate * seconds))]
            interval = 1 / rate
            t0 = time.perf_counter()
            for n, user_id in enumerate(steady):
                delay = t0 + n * interval - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                await write(writer_db, [user_id], committed)
            offered = len(steady) / (time.perf_counter() - t0)
            await wait_applied(applied, steady, 120)
            latencies = [(applied[i] - committed[i]) * 1000 for i in steady]
            print(f"latency at {offered:.0f} events/s offered ({len(steady)} events): "
                  f"p50 {pct(latencies, 50):.1f} ms, p99 {pct(latencies, 99):.1f} ms, "
                  f"max {max(latencies):.1f} ms, mean {statistics.fmean(latencies):.1f} ms")
        finally:
            await relay.stop()
            await consumer_transport.delete_everything([SERVICE])
            await relay_transport.close()
            await consumer_transport.close()
            await writer_db.dispose()
            await consumer_db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=100, help="events per writer transaction (throughput run)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rate, args.seconds, args.batch))
