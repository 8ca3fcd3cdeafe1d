"""Event platform benchmark: outbox -> relay -> RabbitMQ -> consumer -> inbox, on PostgreSQL.

Laid out as in production: the producing service (its writer and its outbox relay) runs in one process on
its own database, the consuming service in another process on another database, RabbitMQ between them.

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
import multiprocessing as mp
import statistics
import time
import uuid

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.dialects import postgresql

from bookshare_common.db import Database
from bookshare_common.events import Consumer, Envelope, OutboxRelay, add_platform_tables, emit
from bookshare_common.events.rabbit import RabbitTransport
from bookshare_common.testing import AMQP_URL, fresh_postgres_database

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
        self.applied.setdefault(envelope.data["id"], time.time())


async def apply_user(session, event: Envelope) -> None:  # noqa: ANN001
    stmt = postgresql.insert(replica).values(id=event.data["id"], version=event.data["version"])
    newer = replica.c.version < event.data["version"]
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["id"], set_={"version": event.data["version"]}, where=newer))


# ------------------------------------------------------------------ the producing service (child process)

async def _write(db: Database, ids: list[str], committed: dict[str, float]) -> None:
    async with db.transaction() as session:
        for user_id in ids:
            await emit(session, "auth_user_add", {"id": user_id, "username": "bench", "version": 1}, source="bench")
    now = time.time()
    for user_id in ids:
        committed[user_id] = now


async def _produce(url: str, namespace: str, phases: mp.Queue, results: mp.Queue) -> None:
    db = Database(url)
    transport = RabbitTransport(AMQP_URL, namespace=namespace)
    await transport.connect()
    relay = OutboxRelay(db, transport, batch_size=500, poll_interval=0.05)
    relay.start()
    try:
        while (phase := await asyncio.to_thread(phases.get)) is not None:
            kind, ids, arg = phase
            committed: dict[str, float] = {}
            start = time.time()
            if kind == "burst":
                for i in range(0, len(ids), arg):
                    await _write(db, ids[i:i + arg], committed)
            else:  # steady: one event per transaction at `arg` events/s
                for n, user_id in enumerate(ids):
                    delay = start + n / arg - time.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    await _write(db, [user_id], committed)
            results.put((start, time.time(), committed))
    finally:
        await relay.stop()
        await transport.close()
        await db.dispose()


def _producer_main(url: str, namespace: str, phases: mp.Queue, results: mp.Queue) -> None:
    asyncio.run(_produce(url, namespace, phases, results))


# ------------------------------------------------------------------ the consuming service (this process)

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


async def run_phase(phases: mp.Queue, results: mp.Queue, applied: dict[str, float], phase: tuple) -> tuple:
    phases.put(phase)
    start, written, committed = await asyncio.to_thread(results.get)
    await wait_applied(applied, phase[1], 300)
    return start, written, committed


async def main(events: int, rate: float, seconds: float, batch: int) -> None:
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    async with fresh_postgres_database() as producer_url, fresh_postgres_database() as consumer_url:
        for url in (producer_url, consumer_url):
            setup = Database(url)
            async with setup.engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            await setup.dispose()
        consumer_db = Database(consumer_url)
        transport = RabbitTransport(AMQP_URL, namespace=namespace)
        await transport.connect()
        applied: dict[str, float] = {}
        consumer = TimedConsumer(SERVICE, consumer_db, transport, {"auth_user_add": apply_user},
                                 applied=applied, prefetch=256)
        await consumer.start()
        ctx = mp.get_context("spawn")
        phases, results = ctx.Queue(), ctx.Queue()
        producer = ctx.Process(target=_producer_main, args=(producer_url, namespace, phases, results))
        producer.start()
        try:
            await run_phase(phases, results, applied, ("burst", [str(uuid.uuid4()) for _ in range(500)], 100))

            ids = [str(uuid.uuid4()) for _ in range(events)]
            start, written, _ = await run_phase(phases, results, applied, ("burst", ids, batch))
            end = max(applied[i] for i in ids)
            print(f"throughput: {events} events committed in {written - start:.2f}s (transactions of {batch}), "
                  f"all applied after {end - start:.2f}s -> {events / (end - start):,.0f} events/s end to end")

            steady = [str(uuid.uuid4()) for _ in range(int(rate * seconds))]
            start, written, committed = await run_phase(phases, results, applied, ("steady", steady, rate))
            latencies = [(applied[i] - committed[i]) * 1000 for i in steady]
            print(f"latency at {len(steady) / (written - start):.0f} events/s offered ({len(steady)} events, one "
                  f"per transaction): p50 {pct(latencies, 50):.1f} ms, p99 {pct(latencies, 99):.1f} ms, "
                  f"max {max(latencies):.1f} ms, mean {statistics.fmean(latencies):.1f} ms")
        finally:
            phases.put(None)
            producer.join(timeout=60)
            if producer.is_alive():
                producer.kill()
            await consumer.stop()
            await transport.delete_everything([SERVICE])
            await transport.close()
            await consumer_db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=100, help="events per writer transaction (throughput run)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.rate, args.seconds, args.batch))
