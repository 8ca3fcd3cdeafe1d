"""The migrations build exactly the tables the code describes, on both databases, and a second run is a no-op."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bookshare_common.db import Database
from bookshare_notification.adapters.tables import metadata
from bookshare_notification.entrypoints.app import MIGRATIONS


async def test_migrations_match_the_tables_the_code_uses(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.migrate(MIGRATIONS)
        await db.migrate(MIGRATIONS)
        async with db.engine.connect() as conn:
            diff = await conn.run_sync(lambda c: compare_metadata(
                MigrationContext.configure(c, opts={"compare_type": True}), metadata))
        assert diff == []
    finally:
        await db.dispose()
