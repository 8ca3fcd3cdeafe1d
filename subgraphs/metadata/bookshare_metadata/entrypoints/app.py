"""The metadata service: its ServiceSpec (schema, tables, migrations, routes, startup) and ASGI app."""
from __future__ import annotations

from pathlib import Path

import structlog
from starlette.applications import Starlette

from bookshare_common.service import ServiceContext, ServiceSpec, create_service_app
from bookshare_common.settings import ServiceSettings
from bookshare_metadata.adapters.importer import import_file
from bookshare_metadata.adapters.settings import metadata_settings
from bookshare_metadata.adapters.tables import metadata
from bookshare_metadata.entrypoints.covers import PATH_PREFIX
from bookshare_metadata.entrypoints.covers import routes as cover_routes
from bookshare_metadata.entrypoints.schema import schema

log = structlog.get_logger(__name__)

PACKAGE = Path(__file__).resolve().parents[1]
MIGRATIONS = PACKAGE / "adapters" / "migrations"
DEMO_CATALOGUE = PACKAGE / "data" / "demo_catalogue.jsonl"


async def seed_demo_catalogue(ctx: ServiceContext) -> None:
    """Import the demo catalogue's missing books (all of them on first start, none after): a new user can
    search at once, and nobody's edits are overwritten."""
    if not metadata_settings().seed_demo_catalogue:
        return
    report = await import_file(ctx.db, DEMO_CATALOGUE, only_missing=True)
    if report.added or report.skipped:
        log.info("demo catalogue imported", added=report.added, skipped=len(report.skipped))


SPEC = ServiceSpec(
    name="metadata",
    schema=schema,
    metadata=metadata,
    migrations=MIGRATIONS,
    routes=cover_routes,
    public_paths=(PATH_PREFIX,),
    on_startup=[seed_demo_catalogue],
    graphql_options={"multipart_uploads_enabled": True},
)


def create_app(settings: ServiceSettings | None = None) -> Starlette:
    return create_service_app(SPEC, settings)
