from datetime import UTC, datetime

from sqlalchemy import insert, text

from bookshare_common.db import Database
from bookshare_common.migrations import upgrade
from bookshare_metadata.adapters.repository import SearchQuery, search_books
from bookshare_metadata.adapters.tables import books
from bookshare_metadata.entrypoints.app import MIGRATIONS


async def test_a_catalogue_made_by_the_first_migration_is_still_searchable_after_the_latest(database_url):
    db = Database(database_url)
    try:
        await upgrade(db.engine, MIGRATIONS, "0001")
        now = datetime.now(UTC)
        async with db.transaction() as session:
            await session.execute(insert(books).values(
                isbn="9780618260300", isbn10="0618260307", title="The Hobbit", authors=["J.R.R. Tolkien"],
                subjects=["Fantasy"], search_title="the hobbit", search_authors="j r r tolkien",
                search_subjects="fantasy", sort_title="hobbit", created_at=now, updated_at=now, version=1))
            if db.dialect == "sqlite":  # the first layout of the full-text table
                await session.execute(text("INSERT INTO books_fts (isbn, title, authors, subjects) "
                                           "VALUES ('9780618260300', 'the hobbit', 'j r r tolkien', 'fantasy')"))
        await db.migrate(MIGRATIONS)
        async with db.session() as session:
            for query in (SearchQuery(search="hobbit tolk"), SearchQuery(search="fantasy", author="tolkien")):
                page, more = await search_books(session, query, first=5)
                assert [b.record.title for b, _ in page] == ["The Hobbit"] and not more
            page, _ = await search_books(session, SearchQuery(search="hobbit dragon"), first=5)
            assert page == []
    finally:
        await db.dispose()
