"""The store service: its spec (schema, tables, migrations, event handlers, the daily overdue job)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from starlette.applications import Starlette

from bookshare_common.service import ServiceContext, ServiceSpec, create_service_app
from bookshare_common.settings import ServiceSettings
from bookshare_store.adapters.overdue import run_daily
from bookshare_store.adapters.owners import HANDLERS
from bookshare_store.adapters.tables import metadata
from bookshare_store.entrypoints.schema import schema

MIGRATIONS = Path(__file__).resolve().parent.parent / "adapters" / "migrations"


async def start_overdue_job(ctx: ServiceContext) -> None:
    ctx.background.append(asyncio.create_task(run_daily(ctx.db), name="store-overdue-check"))


SPEC = ServiceSpec(
    name="store",
    schema=schema,
    metadata=metadata,
    migrations=MIGRATIONS,
    handlers=HANDLERS,
    on_startup=[start_overdue_job],
)


def create_app(settings: ServiceSettings | None = None) -> Starlette:
    return create_service_app(SPEC, settings)
