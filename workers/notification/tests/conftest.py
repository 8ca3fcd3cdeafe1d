"""Fixtures for the notification tests: the service running in-process on each database, and event delivery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bookshare_common.events import Envelope, InMemoryTransport
from bookshare_common.testing import ServiceClient, deliver, service_client, user_event
from bookshare_notification.entrypoints.app import SPEC

__all__ = ["deliver", "loan_event", "order_event", "user_event"]  # shared helpers handed on to the tests


@pytest.fixture
async def notification(database_url: str, tmp_path: Path) -> AsyncIterator[ServiceClient]:
    async with service_client(SPEC, database_url=database_url, data_dir=tmp_path,
                              transport=InMemoryTransport()) as client:
        yield client


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
