"""How a service is assembled: its spec (schema, tables, migrations, event handlers) becomes an ASGI app
whose lifespan migrates the database, connects the broker, relays the outbox and runs the consumers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import strawberry
import structlog
from graphql import GraphQLError
from sqlalchemy import MetaData
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import BaseRoute, Route
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from bookshare_common.asgi import GatewayCredentialMiddleware, health_routes
from bookshare_common.credential import ANONYMOUS, CredentialVerifier, development_key_pair
from bookshare_common.db import Database
from bookshare_common.events import Consumer, Handler, OutboxRelay, Transport, TransportError, connect_transport
from bookshare_common.events.transport import InMemoryTransport
from bookshare_common.settings import ServiceSettings, load_settings

log = structlog.get_logger(__name__)


@dataclass
class ServiceContext:
    """What a running service holds; handed to startup hooks."""

    spec: ServiceSpec
    settings: ServiceSettings
    db: Database
    transport: Transport
    background: list[asyncio.Task[Any]] = field(default_factory=list)


StartupHook = Callable[[ServiceContext], Awaitable[None]]


@dataclass
class ServiceSpec:
    name: str
    schema: strawberry.Schema
    metadata: MetaData
    migrations: Path
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    routes: list[BaseRoute] = field(default_factory=list)
    public_paths: tuple[str, ...] = ()  # served without the gateway credential (e.g. JWKS, cover images)
    on_startup: list[StartupHook] = field(default_factory=list)
    graphql_options: dict[str, Any] = field(default_factory=dict)


def _is_client_error(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, GraphQLError)


class _GraphQLApp(GraphQL):
    def __init__(self, schema: strawberry.Schema, db: Database, **options: Any) -> None:
        super().__init__(schema, graphql_ide=None, **options)
        self._db = db

    async def get_context(self, request: Request, response: Any) -> dict[str, Any]:  # type: ignore[override]
        principal = request.scope.get("state", {}).get("principal", ANONYMOUS)
        return {"request": request, "response": response, "principal": principal, "db": self._db}

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        # Unexpected exceptions reach the client as a bare INTERNAL_SERVER_ERROR; they are logged in full.
        if result.errors:
            result.errors = [error if _is_client_error(error) else _masked(error) for error in result.errors]
        return await super().process_result(request, result)


def _log_only_unexpected_errors(schema: strawberry.Schema) -> None:
    """Strawberry logs every error with a traceback; a refusal meant for the client (it carries a code)
    is not a fault of the service, so only unexpected ones reach the log."""
    original = schema.process_errors
    if getattr(original, "_bookshare_quiet", False):
        return

    def process_errors(errors: list[GraphQLError], execution_context: Any = None) -> None:
        unexpected = [error for error in errors if not _is_client_error(error)]
        if unexpected:
            original(unexpected, execution_context)

    process_errors._bookshare_quiet = True  # type: ignore[attr-defined]
    schema.process_errors = process_errors  # type: ignore[method-assign]


def _masked(error: GraphQLError) -> GraphQLError:
    log.error("unexpected error in a resolver", path=error.path, exc_info=error.original_error)
    return GraphQLError("Internal server error", nodes=error.nodes, path=error.path,
                        extensions={"code": "INTERNAL_SERVER_ERROR"})


def gateway_verifier(settings: ServiceSettings) -> CredentialVerifier:
    public = settings.gateway_public_key
    if public is None:
        _, public = development_key_pair(settings.data_dir)
    return CredentialVerifier(public)


async def _connect_with_retry(ctx: ServiceContext, consumer: Consumer) -> None:
    delay = 0.5
    while True:
        try:
            await ctx.transport.connect()
            await consumer.start()
            return
        except TransportError as exc:
            log.warning("broker unreachable, retrying", service=ctx.spec.name, error=str(exc), retry_in=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 15)


def create_service_app(spec: ServiceSpec, settings: ServiceSettings | None = None,
                       transport: Transport | None = None) -> Starlette:
    settings = settings or load_settings(spec.name)
    db = Database(settings.database_url)
    owns_transport = transport is None
    transport = transport or connect_transport(settings.broker_url)
    ctx = ServiceContext(spec=spec, settings=settings, db=db, transport=transport)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await db.migrate(spec.migrations)
        relay = OutboxRelay(db, transport)
        consumer = Consumer(spec.name, db, transport, spec.handlers)
        if isinstance(transport, InMemoryTransport) or not owns_transport:
            await transport.connect()
            await consumer.start()
        else:
            ctx.background.append(asyncio.create_task(_connect_with_retry(ctx, consumer)))
        relay.start()
        for hook in spec.on_startup:
            await hook(ctx)
        app.state.ctx = ctx
        log.info("service started", service=spec.name, database=db.dialect, broker=settings.broker_url.split(":")[0])
        try:
            yield
        finally:
            for task in ctx.background:
                task.cancel()
            await asyncio.gather(*ctx.background, return_exceptions=True)
            await consumer.stop()
            await relay.stop()
            if owns_transport:
                await transport.close()
            await db.dispose()

    async def checks() -> dict[str, bool]:
        result = {"database": await db.ping()}
        if not isinstance(transport, InMemoryTransport):
            result["broker"] = transport.connected
        return result

    _log_only_unexpected_errors(spec.schema)
    graphql = _GraphQLApp(spec.schema, db, **spec.graphql_options)
    routes: list[BaseRoute] = [
        *health_routes(checks),
        *spec.routes,
        Route("/graphql", graphql, methods=["GET", "POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.ctx = ctx
    app.add_middleware(GatewayCredentialMiddleware, verifier=gateway_verifier(settings),  # type: ignore[arg-type]
                       public_paths=("/health", "/ready", *spec.public_paths))
    return app
