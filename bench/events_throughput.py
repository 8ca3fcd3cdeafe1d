"""Event platform benchmark: outbox -> relay -> RabbitMQ -> consumer -> inbox, on PostgreSQL.

Laid out as deployed: the producing service (its writer and its outbox relay) in one process on its own
database; the consuming service in `--consumers` processes (replicas competing for its queue) on another
database; RabbitMQ between them. Three figures:
  1. writer: how fast the producer commits changes with their events (transactions of --batch);
  2. sustained pipeline throughput (events/s): the outbox holds --events unpublished events; the relay is
     let loose and the clock runs until the consumers have applied every one;
  3. publish-to-applied latency p50/p99 at a steady offered rate (--rate, one event per transaction): from
     the commit of the change that wrote the event to the commit of the consumer that applied it.

Usage: .venv/bin/python bench/events_throughput.py [--events 20000] [--rate 200] [--seconds 20] [--consumers 1]
Needs PostgreSQL on 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672 (BOOKSHARE_TEST_POSTGRES_URL /
BOOKSHARE_TEST_AMQP_URL override them). Everything it creates is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import threading
import time
import uuid

from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam
from sqlalchemy.dialects import postgresql

from bookshare_common.db import Database
from bookshare_common.events import Consumer, Envelope, OutboxRelay, add_platform_tables, emit
from bookshare_common.events.rabbit import RabbitTransport
from bookshare_common.testing import AMQP_URL, fresh_postgres_database

SERVICE = "bench"
metadata = MetaData()
add_platform_tables(metadata)
replica = Table("replica", metadata, Column("id", String(64), primary_key=True), Column("version", Integer))


_upsert = postgresql.insert(replica).values(id=bindparam("id"), version=bindparam("version"))
APPLY = _upsert.on_conflict_do_update(index_elements=["id"], set_={"version": _upsert.excluded.version},
                                      where=replica.c.version < _upsert.excluded.version)


async def apply_user(session, event: Envelope) -> None:  # noqa: ANN001
    """The replica update a consuming service makes: newer versions only."""
    await session.execute(APPLY, {"id": event.data["id"], "version": event.data["version"]})


# ------------------------------------------------------------------ the producing service

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
    try:
        while (phase := await asyncio.to_thread(phases.get)) is not None:
            kind, ids, arg = phase
            committed: dict[str, float] = {}
            start = time.time()
            if kind == "relay":
                relay.start()
            elif kind == "fill":
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


# ------------------------------------------------------------------ the consuming service's replicas

async def _consume(url: str, namespace: str, out: mp.Queue, stop: mp.Event) -> None:
    db = Database(url)
    transport = RabbitTransport(AMQP_URL, namespace=namespace)
    await transport.connect()
    applied: dict[str, float] = {}

    def note(event: Envelope) -> None:  # called once the event's transaction has committed
        applied.setdefault(event.data["id"], time.time())

    consumer = Consumer(SERVICE, db, transport, {"auth_user_add": apply_user}, prefetch=256, on_applied=note)
    await consumer.start()
    out.put({})  # ready: the queue is declared and bound
    try:
        while not stop.is_set():
            await asyncio.sleep(0.05)
            if applied:
                out.put(dict(applied))
                applied.clear()
    finally:
        await consumer.stop()
        await transport.close()
        await db.dispose()


def _consumer_main(url: str, namespace: str, out: mp.Queue, stop: mp.Event) -> None:
    asyncio.run(_consume(url, namespace, out, stop))


# ------------------------------------------------------------------ the conductor

def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Applied:
    """Collects the consumers' applied times in the background."""

    def __init__(self, source: mp.Queue) -> None:
        self.times: dict[str, float] = {}
        self.lock = threading.Lock()
        self._source = source
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        while (batch := self._source.get()) is not None:
            with self.lock:
                for key, when in batch.items():
                    self.times.setdefault(key, when)

    def wait_for(self, ids: list[str], limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.lock:
                if all(i in self.times for i in ids):
                    return
            time.sleep(0.01)
        raise SystemExit(f"only {sum(i in self.times for i in ids)}/{len(ids)} events applied in {limit}s")


def run(producer_url: str, consumer_url: str, args: argparse.Namespace) -> None:
    namespace = f"bench{uuid.uuid4().hex[:8]}"
    ctx = mp.get_context("spawn")
    phases, results, applied_q, stop = ctx.Queue(), ctx.Queue(), ctx.Queue(), ctx.Event()
    consumers = [ctx.Process(target=_consumer_main, args=(consumer_url, namespace, applied_q, stop))
                 for _ in range(args.consumers)]
    for process in consumers:
        process.start()
    for _ in consumers:
        applied_q.get(timeout=60)
    applied = Applied(applied_q)
    producer = ctx.Process(target=_producer_main, args=(producer_url, namespace, phases, results))
    producer.start()
    try:
        ids = [str(uuid.uuid4()) for _ in range(args.events)]
        phases.put(("fill", ids, args.batch))
        start, end, _ = results.get()
        print(f"writer: {args.events} events committed in {end - start:.2f}s in transactions of {args.batch} "
              f"-> {args.events / (end - start):,.0f} events/s")
        phases.put(("relay", [], None))
        start, _, _ = results.get()
        applied.wait_for(ids, 600)
        done = max(applied.times[i] for i in ids)
        print(f"pipeline: {args.events} events relayed, delivered and applied in {done - start:.2f}s by "
              f"{args.consumers} consumer process(es) -> {args.events / (done - start):,.0f} events/s")

        steady = [str(uuid.uuid4()) for _ in range(int(args.rate * args.seconds))]
        phases.put(("steady", steady, args.rate))
        start, end, committed = results.get()
        applied.wait_for(steady, 120)
        latencies = [(applied.times[i] - committed[i]) * 1000 for i in steady]
        print(f"latency at {len(steady) / (end - start):.0f} events/s offered ({len(steady)} events, one per "
              f"transaction): p50 {pct(latencies, 50):.1f} ms, p99 {pct(latencies, 99):.1f} ms, "
              f"max {max(latencies):.1f} ms, mean {statistics.fmean(latencies):.1f} ms")
        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    finally:
        phases.put(None)
        stop.set()
        for process in [producer, *consumers]:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()
        applied_q.put(None)
        asyncio.run(_delete_queues(namespace))


async def _delete_queues(namespace: str) -> None:
    transport = RabbitTransport(AMQP_URL, namespace=namespace)
    await transport.connect()
    await transport.delete_everything([SERVICE])
    await transport.close()


async def main(args: argparse.Namespace) -> None:
    async with fresh_postgres_database() as producer_url, fresh_postgres_database() as consumer_url:
        for url in (producer_url, consumer_url):
            setup = Database(url)
            async with setup.engine.begin() as conn:
                await conn.run_sync(metadata.create_all)
            await setup.dispose()
        await asyncio.to_thread(run, producer_url, consumer_url, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=100, help="events per writer transaction (writer figure)")
    parser.add_argument("--consumers", type=int, default=1, help="consumer processes competing for the queue")
    asyncio.run(main(parser.parse_args()))
