"""Fixtures for the notification tests: the service running in-process on each database, and event delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bookshare_common.events import Consumer, Envelope, InMemoryTransport
from bookshare_common.testing import ServiceClient, service_client
from bookshare_notification.entrypoints.app import SPEC


@pytest.fixture
async def notification(database_url: str, tmp_path: Path) -> AsyncIterator[ServiceClient]:
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


def loan_event(event: str, *, lender: str = "u-lena", borrower: str = "u-bo", actor: str | None = "u-bo",
               reason: str | None = None, **extra: object) -> Envelope:
    data: dict[str, object] = {"loan_id": "loan-1", "copy_id": "copy-1", "isbn": "9780441172719",
                               "lender_id": lender, "borrower_id": borrower, "status": "REQUESTED",
                               "due_date": "2026-12-24", "actor_id": actor, "reason": reason, **extra}
    return Envelope(event=event, data=data, source="store")


def order_event(event: str, *, seller: str = "u-sel", buyer: str = "u-bu", actor: str | None = "u-bu",
                reason: str | None = None) -> Envelope:
    data: dict[str, object] = {"order_id": "order-1", "copy_id": "copy-1", "isbn": "9780441172719",
                               "seller_id": seller, "buyer_id": buyer, "price": "7.50", "status": "PLACED",
                               "actor_id": actor, "reason": reason}
    return Envelope(event=event, data=data, source="store")
