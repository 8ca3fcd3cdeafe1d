"""The event platform's behaviour suite: runs on the in-process bus and on RabbitMQ, each on SQLite and
PostgreSQL. What a user of the platform relies on: nothing accepted is lost, nothing is applied twice,
and a bad message is put aside with its reason without stopping the consumer."""

from __future__ import annotations

import asyncio
import pickle
import time
import uuid

import pytest
from sqlalchemy import insert

from bookshare_common.db import Database
from bookshare_common.events import Consumer, EventError, OutboxRelay, emit, pending_count
from bookshare_common.events.transport import Delivery
from bookshare_common.testing import AMQP_URL

from .conftest import SERVICE, Broker, applied, applied_counts, count_application, user_event

HANDLERS = {"auth_user_add": count_application}


async def wait_until(condition, seconds: float = 30.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting for the condition")


async def start_consumer(db: Database, broker: Broker, **kwargs) -> Consumer:  # noqa: ANN003
    transport = broker.transport()
    await transport.connect()
    consumer = Consumer(SERVICE, db, transport, HANDLERS, retry_delay=0.01, **kwargs)
    await consumer.start()
    return consumer


async def publish_raw(broker: Broker, body: bytes, routing_key: str = "auth_user_add") -> None:
    transport = broker.transport()
    await transport.connect()
    await transport.publish(body, routing_key=routing_key, message_id=str(uuid.uuid4()))


async def test_bad_messages_are_dead_lettered_with_a_reason_and_the_next_one_is_applied(
    db: Database, broker: Broker
) -> None:
    consumer = await start_consumer(db, broker)
    good = user_event()
    bad_schema = user_event()
    bad_schema.data["version"] = "seven"
    unknown = good.to_json().replace(b'"auth_user_add"', b'"auth_user_explode"')
    await publish_raw(broker, pickle.dumps({"event": "auth_user_add", "data": {"id": "x"}}))
    await publish_raw(broker, b'{"event": "auth_user_add", "data": {')
    await publish_raw(broker, bad_schema.to_json())
    await publish_raw(broker, unknown)
    await publish_raw(broker, good.to_json())

    await wait_until(lambda: _applied(db, good.data["id"]))
    letters: list = []

    async def four_letters() -> bool:
        letters.extend(await consumer._transport.dead_letters(SERVICE))
        return len(letters) >= 4

    await wait_until(four_letters)
    reasons = sorted(letter.reason for letter in letters)
    assert len(letters) == 4
    assert sum("not JSON" in r for r in reasons) == 2
    assert any("version" in r for r in reasons)
    assert any("unknown event 'auth_user_explode'" in r for r in reasons)
    assert await applied_counts(db) == {good.data["id"]: 1}


async def _applied(db: Database, key: str) -> bool:
    return key in await applied_counts(db)


async def test_an_invalid_event_is_never_written_to_the_outbox(db: Database) -> None:
    with pytest.raises(EventError):
        async with db.transaction() as session:
            await emit(session, "auth_user_add", {"id": "u1", "version": 1}, source="auth")
    assert await pending_count(db) == 0


async def test_a_rolled_back_change_publishes_nothing(db: Database, broker: Broker) -> None:
    consumer = await start_consumer(db, broker)
    relay = OutboxRelay(db, consumer._transport, poll_interval=0.05)
    relay.start()
    try:
        with pytest.raises(RuntimeError, match="changed my mind"):
            async with db.transaction() as session:
                await session.execute(insert(applied).values(key="rolled-back-change", times=0))
                await emit(session, "auth_user_add", user_event().data, source="auth")
                raise RuntimeError("changed my mind")
        committed = user_event()
        async with db.transaction() as session:
            await emit(session, "auth_user_add", committed.data, source="auth")
        await wait_until(lambda: _applied(db, committed.data["id"]))
        await asyncio.sleep(0.3)
        assert await applied_counts(db) == {committed.data["id"]: 1}
        assert await pending_count(db) == 0
    finally:
        await relay.stop()


async def test_a_consumer_that_dies_after_commit_before_ack_does_not_apply_twice(
    db: Database, broker: Broker
) -> None:
    event = user_event()
    dying = Consumer(SERVICE, db, broker.transport(), HANDLERS)
    await dying._transport.connect()

    async def die_before_ack(delivery: Delivery) -> None:
        original_ack = delivery.ack

        async def lost_ack() -> None:
            # The process is gone between its commit and its ack: the broker never hears of it.
            if broker.kind == "rabbitmq":
                await dying._transport.close()
            raise ConnectionError("died before the ack")

        delivery.ack = lost_ack  # type: ignore[method-assign]
        try:
            await dying.on_message(delivery)
        finally:
            delivery.ack = original_ack  # type: ignore[method-assign]
            if broker.kind == "memory":
                await dying._transport.close()  # stop this consumer; the message stays in the queue

    await dying._transport.consume(SERVICE, HANDLERS, die_before_ack)
    await publish_raw(broker, event.to_json())
    await wait_until(lambda: _applied(db, event.data["id"]))

    if broker.kind == "memory":
        await broker.memory.connect()
    survivor = await start_consumer(db, broker)
    await asyncio.sleep(1.0)
    assert await applied_counts(db) == {event.data["id"]: 1}
    if broker.kind == "memory":
        assert broker.memory.pending(SERVICE) == 0  # the redelivery was taken, and acknowledged
    assert survivor is not None


async def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered(db: Database, broker: Broker) -> None:
    attempts: list[str] = []

    async def flaky(session, event) -> None:  # noqa: ANN001
        attempts.append(event.id)
        raise ValueError("the replica is on fire")

    transport = broker.transport()
    await transport.connect()
    consumer = Consumer(SERVICE, db, transport, {"auth_user_add": flaky}, max_attempts=3, retry_delay=0.01)
    await consumer.start()
    event = user_event()
    await publish_raw(broker, event.to_json())
    letters: list = []

    async def dead() -> bool:
        letters.extend(await transport.dead_letters(SERVICE))
        return bool(letters)

    await wait_until(dead)
    assert len(attempts) == 3
    assert "handler failed 3 times: ValueError: the replica is on fire" in letters[0].reason
    assert await applied_counts(db) == {}


async def test_publishing_an_event_nobody_is_bound_to_raises(broker: Broker) -> None:
    from bookshare_common.events import UnroutableError

    transport = broker.transport()
    await transport.connect()
    with pytest.raises(UnroutableError):
        await transport.publish(b"{}", routing_key="nobody_listens_to_this", message_id=str(uuid.uuid4()))


async def test_committed_events_all_arrive_once_while_broker_connections_drop(db: Database, broker: Broker) -> None:
    from .tcp_proxy import TcpProxy

    total = 1000
    proxy = None
    if broker.kind == "rabbitmq":
        proxy = TcpProxy("127.0.0.1", int(AMQP_URL.rsplit(":", 1)[1].split("/")[0]))
        await proxy.start()
        url = AMQP_URL.replace(AMQP_URL.rsplit("@", 1)[1], f"127.0.0.1:{proxy.port}/")
        consumer_transport, relay_transport = broker.transport(url), broker.transport(url)
    else:
        consumer_transport = relay_transport = broker.transport()
    await consumer_transport.connect()
    consumer = Consumer(SERVICE, db, consumer_transport, HANDLERS, retry_delay=0.01)
    await consumer.start()
    if relay_transport is not consumer_transport:
        await relay_transport.connect()
    relay = OutboxRelay(db, relay_transport, batch_size=50, poll_interval=0.05, max_backoff=0.5)
    relay.start()
    ids = [str(uuid.uuid4()) for _ in range(total)]
    try:
        for start in range(0, total, 50):
            async with db.transaction() as session:
                for user_id in ids[start:start + 50]:
                    await emit(session, "auth_user_add", {"id": user_id, "username": "u", "version": 1},
                               source="auth")
            if proxy is not None and start in (200, 500, 800):
                proxy.drop_all()  # the broker connections of both relay and consumer go away mid-stream
            await asyncio.sleep(0.01)

        async def all_applied() -> bool:
            return len(await applied_counts(db)) == total

        await wait_until(all_applied, seconds=120)
        await asyncio.sleep(0.5)
        counts = await applied_counts(db)
        assert set(counts) == set(ids)
        assert set(counts.values()) == {1}
        assert await pending_count(db) == 0
        if proxy is not None:
            assert proxy.drops == 3
    finally:
        await relay.stop()
        if proxy is not None:
            await proxy.stop()


async def test_published_events_are_pruned_after_retention_and_pending_ones_never(db: Database,
                                                                                   broker: Broker) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, select

    from bookshare_common.events import outbox
    from bookshare_common.events.outbox import prune_published

    consumer = await start_consumer(db, broker)
    relay = OutboxRelay(db, consumer._transport)
    published = user_event()
    async with db.transaction() as session:
        await emit(session, "auth_user_add", published.data, source="auth")
    assert await relay.publish_pending() == 1
    async with db.transaction() as session:  # written after the relay ran: still pending
        await emit(session, "auth_user_add", user_event().data, source="auth")

    assert await prune_published(db, older_than=datetime.now(UTC) - timedelta(days=7)) == 0
    assert await prune_published(db, older_than=datetime.now(UTC) + timedelta(seconds=1)) == 1
    async with db.session() as session:
        assert await session.scalar(select(func.count()).select_from(outbox)) == 1
    assert await pending_count(db) == 1


async def test_events_that_arrive_together_share_a_commit_and_a_bad_one_spoils_none(
    db: Database, broker: Broker
) -> None:
    poison = user_event()

    async def apply_unless_poison(session, event) -> None:  # noqa: ANN001
        if event.data["id"] == poison.data["id"]:
            raise ValueError("this one is poison")
        await count_application(session, event)

    commits: list[int] = []
    db.on_commit(lambda: commits.append(1))
    good = [user_event() for _ in range(40)]
    transport = broker.transport()
    await transport.connect()
    consumer = Consumer(SERVICE, db, transport, {"auth_user_add": apply_unless_poison}, max_attempts=2,
                        retry_delay=0.01, prefetch=100)
    if broker.kind == "memory":
        broker.memory.declare(SERVICE, ["auth_user_add"])
    else:
        await transport.declare(SERVICE, ["auth_user_add"])
    for event in good[:20] + [poison] + good[20:]:
        await transport.publish(event.to_json(), routing_key="auth_user_add", message_id=event.id)
    await consumer.start()

    async def all_good_applied() -> bool:
        return len(await applied_counts(db)) == len(good)

    await wait_until(all_good_applied)
    letters: list = []

    async def poison_dead() -> bool:
        letters.extend(await transport.dead_letters(SERVICE))
        return bool(letters)

    await wait_until(poison_dead)
    assert set((await applied_counts(db)).values()) == {1}
    assert [letter.message_id for letter in letters] == [poison.id]
    if broker.kind == "rabbitmq":
        # Delivered together (prefetch 100), the 41 events took far fewer commits than one each.
        assert len(commits) < len(good)


async def test_a_batch_records_each_event_once_and_knows_which_were_new(db: Database) -> None:
    from bookshare_common.events.consumer import record_many_in_inbox

    seen, fresh, again = user_event(), user_event(), user_event()
    async with db.transaction() as session:
        assert await record_many_in_inbox(session, [seen]) == {seen.id}
    async with db.transaction() as session:
        assert await record_many_in_inbox(session, [seen, fresh, again, again]) == {fresh.id, again.id}
