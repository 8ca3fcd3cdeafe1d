"""The posts service as an ASGI app (port 4004): `SPEC` for the bookshare CLI, `create_app()` for servers."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette

from bookshare_common.service import ServiceSpec, create_service_app
from bookshare_posts.adapters.tables import metadata
from bookshare_posts.entrypoints.events import HANDLERS
from bookshare_posts.entrypoints.schema import schema

MIGRATIONS = Path(__file__).resolve().parent.parent / "adapters" / "migrations"

SPEC = ServiceSpec(name="posts", schema=schema, metadata=metadata, migrations=MIGRATIONS, handlers=HANDLERS)


def create_app() -> Starlette:
    return create_service_app(SPEC)
