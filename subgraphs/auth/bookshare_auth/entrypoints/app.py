"""The auth service: its ServiceSpec, its ASGI app, and the public JWKS route."""

from __future__ import annotations

import asyncio
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bookshare_auth.adapters.tables import metadata
from bookshare_auth.application import housekeeping, keys
from bookshare_auth.application.core import auth_for
from bookshare_auth.entrypoints.schema import schema
from bookshare_common.service import ServiceContext, ServiceSpec, create_service_app
from bookshare_common.settings import ServiceSettings

JWKS_PATH = "/.well-known/jwks.json"
MIGRATIONS = Path(__file__).resolve().parent.parent / "adapters" / "migrations"


async def jwks(request: Request) -> JSONResponse:
    document = await keys.jwks(auth_for(request.app.state.ctx.db))
    # Verifiers may cache it for a few minutes; a rotation keeps the previous key published meanwhile.
    return JSONResponse(document, headers={"cache-control": "public, max-age=300"})


async def _ensure_signing_key(ctx: ServiceContext) -> None:
    await keys.ensure_signing_key(auth_for(ctx.db))


async def _start_housekeeping(ctx: ServiceContext) -> None:
    # Cancelled with the service's other background tasks on shutdown.
    ctx.background.append(asyncio.create_task(housekeeping.sweep_forever(auth_for(ctx.db)), name="auth-sweep"))


SPEC = ServiceSpec(
    name="auth",
    schema=schema,
    metadata=metadata,
    migrations=MIGRATIONS,
    routes=[Route(JWKS_PATH, jwks, methods=["GET"])],
    public_paths=(JWKS_PATH,),
    on_startup=[_ensure_signing_key, _start_housekeeping],
)


def create_app(settings: ServiceSettings | None = None) -> Starlette:
    return create_service_app(SPEC, settings)
