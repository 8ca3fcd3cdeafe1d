"""The auth migrations build exactly the tables the code uses, on both databases, and run twice harmlessly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bookshare_auth.adapters.tables import metadata
from bookshare_auth.entrypoints.app import MIGRATIONS
from bookshare_common.db import Database


async def test_auth_migrations_match_the_tables_the_code_uses(database_url: str) -> None:
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
