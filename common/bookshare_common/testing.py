"""Test helpers shared by every service: real PostgreSQL and RabbitMQ when reachable, a fresh database
per test, and a way to call a service in-process as the gateway would.

When PostgreSQL or RabbitMQ is unreachable, tests that need them skip with the reason, except under
CI=true, where they fail: CI machines have both, so a skip there would hide a broken setup.
Loaded as a pytest plugin from the repository's conftest.py.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from bookshare_common.credential import (
    CREDENTIAL_HEADER,
    CredentialIssuer,
    Principal,
    generate_private_key_pem,
    public_key_pem,
)
from bookshare_common.events import Consumer, Envelope

POSTGRES_URL = os.environ.get("BOOKSHARE_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("BOOKSHARE_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _reachable(url: str, default_port: int) -> bool:
    parsed = make_url(url) if "://" in url and not url.startswith("amqp") else None
    host, port = (parsed.host, parsed.port) if parsed else _amqp_host_port(url)
    try:
        with socket.create_connection((host or "127.0.0.1", port or default_port), timeout=1):
            return True
    except OSError:
        return False


def _amqp_host_port(url: str) -> tuple[str, int]:
    rest = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = rest.partition(":")
    return host, int(port or 5672)


def need(what: str, reachable: bool) -> None:
    """Skip (or, under CI=true, fail) a test whose real dependency is not reachable."""
    if reachable:
        return
    reason = f"{what} is not reachable; this test needs the real one"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: failing instead of skipping)")
    pytest.skip(reason)


def need_postgres() -> str:
    need(f"PostgreSQL at {make_url(POSTGRES_URL).render_as_string(hide_password=True)}", _reachable(POSTGRES_URL, 5432))
    return POSTGRES_URL


def need_rabbitmq() -> str:
    need(f"RabbitMQ at {_amqp_host_port(AMQP_URL)}", _reachable(AMQP_URL, 5672))
    return AMQP_URL


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    import asyncpg

    admin = make_url(need_postgres())
    name = f"bookshare_test_{uuid.uuid4().hex[:12]}"
    dsn = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each test that takes this runs twice: on a SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        return
    async with fresh_postgres_database() as url:
        yield url


class GatewayKeys:
    """A gateway credential key pair made for one test."""

    def __init__(self) -> None:
        self.private_pem = generate_private_key_pem()
        self.public_pem = public_key_pem(self.private_pem)
        self.issuer = CredentialIssuer(self.private_pem)

    def headers(self, principal: Principal | None = None) -> dict[str, str]:
        return {CREDENTIAL_HEADER: self.issuer.issue(principal or Principal())}


@pytest.fixture
def gateway_keys() -> GatewayKeys:
    return GatewayKeys()


class ServiceClient:
    """Calls a service app in-process, as the gateway would (with a valid credential)."""

    def __init__(self, app: Any, keys: GatewayKeys) -> None:
        self.app = app
        self.keys = keys
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service")

    @property
    def ctx(self) -> Any:
        return self.app.state.ctx

    async def query(self, query: str, variables: dict[str, Any] | None = None, *,
                    principal: Principal | None = None, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}},
            headers={**self.keys.headers(principal), **(headers or {})},
        )
        assert response.status_code == 200, response.text
        return response.json()


@asynccontextmanager
async def service_client(spec: Any, *, database_url: str, data_dir: Path, keys: GatewayKeys | None = None,
                         transport: Any = None, **settings: Any) -> AsyncIterator[ServiceClient]:
    """Start a service (migrations, relay, consumers) on `database_url` and call it in-process."""
    from bookshare_common.service import create_service_app
    from bookshare_common.settings import load_settings

    keys = keys or GatewayKeys()
    service_settings = load_settings(spec.name, data_dir=data_dir, database_url_override=database_url,
                                     gateway_public_key=keys.public_pem, **settings)
    app = create_service_app(spec, service_settings, transport=transport)
    async with app.router.lifespan_context(app):
        client = ServiceClient(app, keys)
        try:
            yield client
        finally:
            await client.http.aclose()


@dataclass
class RecordedDelivery:
    """A broker delivery that remembers whether the consumer acknowledged or dead-lettered it."""

    body: bytes
    message_id: str | None
    redelivered: bool = False
    outcome: list[str] = field(default_factory=list)

    async def ack(self) -> None:
        self.outcome.append("ack")

    async def dead_letter(self, reason: str) -> None:
        self.outcome.append(f"dead-letter: {reason}")


async def deliver(client: ServiceClient, envelope: Envelope) -> None:
    """Hand one message to the running service's consumer exactly as the broker would; check it was acked."""
    spec = client.ctx.spec
    consumer = Consumer(spec.name, client.ctx.db, client.ctx.transport, spec.handlers)
    delivery = RecordedDelivery(envelope.to_json(), envelope.id)
    await consumer.on_message(delivery)
    assert delivery.outcome == ["ack"], delivery.outcome


def user_event(event: str, user_id: str, version: int, username: str | None = None) -> Envelope:
    """An auth user event (add, update or delete) as auth would publish it."""
    data: dict[str, object] = {"id": user_id, "version": version}
    if username is not None or event != "auth_user_delete":
        data["username"] = username or f"user-{user_id}"
    return Envelope(event=event, data=data, source="auth")
