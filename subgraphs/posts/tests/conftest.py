"""Fixtures for the posts tests: the service running in-process on each database, and event delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bookshare_common.events import Consumer, Envelope, InMemoryTransport
from bookshare_common.testing import ServiceClient, service_client
from bookshare_posts.entrypoints.app import SPEC


@pytest.fixture
async def posts(database_url: str, tmp_path: Path) -> AsyncIterator[ServiceClient]:
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path,
                              transport=InMemoryTransport()) as client:
        yield client


@dataclass
class RecordedDelivery:
    body: bytes
    message_id: str | None
    redelivered: bool = False
    outcome: list[str] = field(default_factory=list)

    async def ack(self) -> None:
        self.outcome.append("ack")

    async def dead_letter(self, reason: str) -> None:
        self.outcome.append(f"dead-letter: {reason}")


async def deliver(client: ServiceClient, envelope: Envelope) -> None:
    """Hand one message to the service's consumer exactly as the broker would, and check it was acked."""
    consumer = Consumer(SPEC.name, client.ctx.db, client.ctx.transport, SPEC.handlers)
    delivery = RecordedDelivery(envelope.to_json(), envelope.id)
    await consumer.on_message(delivery)
    assert delivery.outcome == ["ack"], delivery.outcome


def user_event(event: str, user_id: str, version: int, username: str | None = None) -> Envelope:
    data: dict[str, object] = {"id": user_id, "version": version}
    if username is not None or event != "auth_user_delete":
        data["username"] = username or f"user-{user_id}"
    return Envelope(event=event, data=data, source="auth")
