"""Per-request DataLoaders, so a list of books or loans costs one query per kind, not one per item."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from bookshare_common.db import Database
from bookshare_store.adapters import queries
from bookshare_store.adapters.records import CopyRecord
from bookshare_store.adapters.tables import copies
from bookshare_store.entrypoints.transactions import context_cache

BookCopiesKey = tuple[str, bool | None, bool | None, int | None]


class Loaders:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.copy = DataLoader(self._copies)
        self.available_count = DataLoader(self._available_counts)
        self.owner_deleted = DataLoader(self._owners_deleted)
        self.holder = DataLoader(self._holders)
        self.book_copies = DataLoader(self._book_copies)

    async def _copies(self, ids: list[str]) -> list[CopyRecord | None]:
        async with self._db.session() as session:
            rows = (await session.execute(select(copies).where(copies.c.id.in_(ids)))).all()
        found = {row.id: CopyRecord.from_row(row) for row in rows}
        return [found.get(i) for i in ids]

    async def _available_counts(self, isbns: list[str]) -> list[int]:
        async with self._db.session() as session:
            counts = await queries.available_counts(session, isbns)
        return [counts[i] for i in isbns]

    async def _book_copies(self, keys: list[BookCopiesKey]) -> list[queries.Page[CopyRecord]]:
        """Keys are (isbn, for_loan, for_sale, first); one query per distinct filter, usually just one."""
        by_filter: dict[tuple[bool | None, bool | None, int | None], list[str]] = defaultdict(list)
        for isbn, *filters in keys:
            by_filter[tuple(filters)].append(isbn)  # type: ignore[index]
        pages: dict[BookCopiesKey, queries.Page[CopyRecord]] = {}
        async with self._db.session() as session:
            for (for_loan, for_sale, first), isbns in by_filter.items():
                found = await queries.first_pages_by_book(session, isbns, for_loan=for_loan, for_sale=for_sale,
                                                          first=first)
                pages.update({(isbn, for_loan, for_sale, first): page for isbn, page in found.items()})
        return [pages[key] for key in keys]

    async def _holders(self, copy_ids: list[str]) -> list[tuple[str | None, str | None]]:
        async with self._db.session() as session:
            held = await queries.holders(session, copy_ids)
        return [held.get(i, (None, None)) for i in copy_ids]

    async def _owners_deleted(self, ids: list[str]) -> list[bool]:
        async with self._db.session() as session:
            deleted = await queries.deleted_owner_ids(session, ids)
        return [i in deleted for i in ids]


def loaders(info: Info) -> Loaders:
    return context_cache(info, "store_loaders", lambda: Loaders(info.context["db"]))
