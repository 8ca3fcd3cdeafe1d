"""Fixtures for the event platform's behaviour suite: every test runs on each broker and database."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.db import Database
from bookshare_common.events import Envelope, InMemoryTransport, Transport, add_platform_tables
from bookshare_common.testing import AMQP_URL, need_rabbitmq

metadata = MetaData()
add_platform_tables(metadata)
# What the test consumer applies: one row per user id, counting how often it was applied.
applied = Table("applied", metadata, Column("key", String(64), primary_key=True), Column("times", Integer))

SERVICE = "platformtest"


async def count_application(session: AsyncSession, event: Envelope) -> None:
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(applied).values(key=event.data["id"], times=1)
    await session.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"times": applied.c.times + 1}))


async def applied_counts(db: Database) -> dict[str, int]:
    async with db.session() as session:
        return {row.key: row.times for row in await session.execute(select(applied))}


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield database
    await database.dispose()


class Broker:
    """Makes transports that talk to one broker: the in-process one, or RabbitMQ under a test namespace."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.namespace = f"test{uuid.uuid4().hex[:10]}"
        self.memory = InMemoryTransport()
        self.made: list[Transport] = []

    def transport(self, url: str | None = None) -> Transport:
        if self.kind == "memory":
            return self.memory
        from bookshare_common.events.rabbit import RabbitTransport

        transport = RabbitTransport(url or AMQP_URL, namespace=self.namespace)
        self.made.append(transport)
        return transport


@pytest.fixture(params=["memory", "rabbitmq"])
async def broker(request: pytest.FixtureRequest) -> AsyncIterator[Broker]:
    if request.param == "rabbitmq":
        need_rabbitmq()
    broker = Broker(request.param)
    yield broker
    if request.param == "rabbitmq":
        from bookshare_common.events.rabbit import RabbitTransport

        cleaner = RabbitTransport(AMQP_URL, namespace=broker.namespace)
        await cleaner.connect()
        await cleaner.delete_everything([SERVICE])
        await cleaner.close()
    for transport in broker.made:
        await transport.close()
    await broker.memory.close()


def user_event(user_id: str | None = None, version: int = 1) -> Envelope:
    return Envelope(event="auth_user_add", source="auth",
                    data={"id": user_id or str(uuid.uuid4()), "username": "reader", "version": version})


MakeEvent = Callable[..., Envelope]
