"""The catalogue's operations: each one transaction that changes the books and writes its event to the
outbox (so the event is published if and only if the change committed)."""
from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bookshare_common.db import Database
from bookshare_common.events import emit
from bookshare_metadata.adapters import repository as repo
from bookshare_metadata.adapters.repository import Cover, StoredBook
from bookshare_metadata.domain.book import BookRecord, apply_changes
from bookshare_metadata.domain.permissions import may_edit, may_set_cover

SOURCE = "metadata"


class DuplicateIsbn(Exception):
    def __init__(self, existing: StoredBook) -> None:
        super().__init__(f"a book with ISBN {existing.record.isbn13} is already in the catalogue: "
                         f"'{existing.record.title}' by {', '.join(existing.record.authors)}")
        self.existing = existing


class BookNotFound(Exception):
    def __init__(self, isbn13: str) -> None:
        super().__init__(f"no book with ISBN {isbn13} in the catalogue")


class NotAllowed(Exception):
    pass


def event_data(stored: StoredBook) -> dict[str, Any]:
    r = stored.record
    return {
        "isbn": r.isbn13, "isbn10": r.isbn10, "title": r.title, "subtitle": r.subtitle, "authors": list(r.authors),
        "publisher": r.publisher, "published_year": r.published_year, "language": r.language,
        "page_count": r.page_count, "subjects": list(r.subjects), "has_cover": stored.cover is not None,
        "added_by": stored.added_by, "version": stored.version,
    }


async def record_added(session: AsyncSession, stored: StoredBook) -> None:
    await emit(session, "metadata_book_add", event_data(stored), source=SOURCE)


async def record_updated(session: AsyncSession, stored: StoredBook, changed: list[str], by: str | None) -> None:
    await emit(session, "metadata_book_update", {**event_data(stored), "changed": changed, "updated_by": by},
               source=SOURCE)


async def add_book(db: Database, record: BookRecord, *, added_by: str) -> StoredBook:
    try:
        async with db.transaction() as session:
            existing = await repo.get_book(session, record.isbn13)
            if existing is not None:
                raise DuplicateIsbn(existing)
            stored = await repo.insert_book(session, record, added_by=added_by)
            await record_added(session, stored)
        return stored
    except IntegrityError:
        # Someone added the same ISBN between our check and our insert.
        async with db.session() as session:
            existing = await repo.get_book(session, record.isbn13)
        if existing is None:
            raise
        raise DuplicateIsbn(existing) from None


async def update_book(db: Database, isbn13: str, changes: dict[str, Any], *, user_id: str | None,
                      roles: frozenset[str]) -> StoredBook:
    async with db.transaction() as session:
        stored = await repo.get_book(session, isbn13, for_update=True)
        if stored is None:
            raise BookNotFound(isbn13)
        if not may_edit(user_id, roles, stored.added_by):
            raise NotAllowed("only the user who added this book, a librarian or an admin may change it")
        record, changed = apply_changes(stored.record, changes)
        if not changed:
            return stored
        stored = await repo.update_book(session, stored, record)
        await record_updated(session, stored, changed, user_id)
    return stored


async def check_cover_allowed(db: Database, isbn13: str, *, user_id: str | None, roles: frozenset[str]) -> None:
    async with db.session() as session:
        stored = await repo.get_book(session, isbn13)
    if stored is None:
        raise BookNotFound(isbn13)
    if not may_set_cover(user_id, roles, stored.added_by, stored.cover is not None):
        raise NotAllowed("only the user who added this book, a librarian or an admin may replace its cover")


async def set_cover(db: Database, isbn13: str, cover: Cover, *, user_id: str | None,
                    roles: frozenset[str]) -> StoredBook:
    async with db.transaction() as session:
        stored = await repo.get_book(session, isbn13, for_update=True)
        if stored is None:
            raise BookNotFound(isbn13)
        if not may_set_cover(user_id, roles, stored.added_by, stored.cover is not None):
            raise NotAllowed("only the user who added this book, a librarian or an admin may replace its cover")
        stored = await repo.set_cover(session, stored, cover)
        await record_updated(session, stored, ["cover"], user_id)
    return stored
