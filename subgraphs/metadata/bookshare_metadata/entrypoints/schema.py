"""The metadata subgraph's GraphQL schema (Strawberry, Federation 2): Book is an entity keyed by ISBN-13."""
from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.file_uploads import Upload
from strawberry.types import Info

from bookshare_common.credential import ANONYMOUS, Principal
from bookshare_common.db import Database
from bookshare_common.errors import BadUserInput, Conflict, Forbidden, NotFound, Unauthenticated
from bookshare_metadata.adapters import catalogue
from bookshare_metadata.adapters import repository as repo
from bookshare_metadata.adapters.images import CoverRejected, process_cover
from bookshare_metadata.adapters.repository import BadCursor, Cover, SearchQuery, StoredBook
from bookshare_metadata.adapters.settings import cover_limits, cover_storage, cover_url
from bookshare_metadata.domain.book import InvalidBook, new_record
from bookshare_metadata.domain.isbn import InvalidIsbn, to_isbn13
from bookshare_metadata.domain.permissions import may_edit

MAX_PAGE = 100


def _db(info: Info) -> Database:
    return info.context["db"]


def _principal(info: Info) -> Principal:
    return info.context.get("principal") or ANONYMOUS


def _isbn(text: str, field: str = "isbn") -> str:
    try:
        return to_isbn13(text)
    except InvalidIsbn as exc:
        raise BadUserInput(str(exc), field=field) from None


def _loader(info: Info) -> DataLoader[str, StoredBook | None]:
    """One loader per request: the gateway's `_entities` batches become one query."""
    context: dict[str, Any] = info.context
    loader = context.get("metadata_book_loader")
    if loader is None:
        db = _db(info)

        async def load(isbns: list[str]) -> list[StoredBook | None]:
            async with db.session() as session:
                found = await repo.get_books(session, list(dict.fromkeys(isbns)))
            return [found.get(isbn) for isbn in isbns]

        loader = DataLoader(load_fn=load)
        context["metadata_book_loader"] = loader
    return loader


@strawberry.type(name="BookCover", description="A book's cover image and its thumbnail, served over HTTP.")
class BookCover:
    url: str
    width: int
    height: int
    thumbnail_url: str
    thumbnail_width: int
    thumbnail_height: int


@strawberry.federation.type(keys=["isbn"], description="A book (an edition), identified by its ISBN-13.")
class Book:
    isbn: str = strawberry.field(description="ISBN-13, digits only")
    isbn10: str | None = strawberry.field(description="ISBN-10, when the book has one (not for 979 ISBNs)")
    title: str
    subtitle: str | None
    authors: list[str]
    publisher: str | None
    published_year: int | None = strawberry.field(description="year the work was first published")
    language: str | None = strawberry.field(description="language code, e.g. 'en'")
    page_count: int | None
    description: str | None
    subjects: list[str]
    cover: BookCover | None
    created_at: datetime
    updated_at: datetime
    added_by_id: strawberry.Private[str | None]

    @strawberry.field(description="Whether the signed-in user may change this book's record")
    def viewer_can_edit(self, info: Info) -> bool:
        principal = _principal(info)
        return may_edit(principal.user_id, principal.roles, self.added_by_id)

    @classmethod
    async def resolve_reference(cls, info: Info, isbn: str) -> Book | None:
        try:
            key = to_isbn13(isbn)
        except InvalidIsbn:
            return None
        stored = await _loader(info).load(key)
        return from_stored(stored) if stored else None


def from_stored(stored: StoredBook) -> Book:
    r, c = stored.record, stored.cover
    cover = None
    if c is not None:
        cover = BookCover(url=cover_url(c.name), width=c.width, height=c.height, thumbnail_url=cover_url(c.thumb_name),
                          thumbnail_width=c.thumb_width, thumbnail_height=c.thumb_height)
    return Book(isbn=r.isbn13, isbn10=r.isbn10, title=r.title, subtitle=r.subtitle, authors=list(r.authors),
                publisher=r.publisher, published_year=r.published_year, language=r.language, page_count=r.page_count,
                description=r.description, subjects=list(r.subjects), cover=cover, created_at=stored.created_at,
                updated_at=stored.updated_at, added_by_id=stored.added_by)


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class BookEdge:
    cursor: str
    node: Book


@strawberry.type
class BookConnection:
    edges: list[BookEdge]
    page_info: PageInfo
    query: strawberry.Private[SearchQuery]

    @strawberry.field(description="How many books match, over all pages")
    async def total_count(self, info: Info) -> int:
        async with _db(info).session() as session:
            return await repo.count_books(session, self.query)


@strawberry.input
class AddBookInput:
    isbn: str = strawberry.field(description="ISBN-10 or ISBN-13, hyphens and spaces allowed")
    title: str
    authors: list[str]
    subtitle: str | None = None
    publisher: str | None = None
    published_year: int | None = None
    language: str | None = None
    page_count: int | None = None
    description: str | None = None
    subjects: list[str] | None = None


@strawberry.input(description="Only the fields given change; null clears an optional field")
class UpdateBookInput:
    title: str | None = strawberry.UNSET
    subtitle: str | None = strawberry.UNSET
    authors: list[str] | None = strawberry.UNSET
    publisher: str | None = strawberry.UNSET
    published_year: int | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    page_count: int | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    subjects: list[str] | None = strawberry.UNSET


_FIELDS = ("title", "subtitle", "authors", "publisher", "published_year", "language", "page_count", "description",
           "subjects")


def _given(data: Any) -> dict[str, Any]:
    return {name: getattr(data, name) for name in _FIELDS if getattr(data, name) is not strawberry.UNSET}


def _bad_field(exc: InvalidBook) -> BadUserInput:
    return BadUserInput(str(exc), field=exc.field)


@strawberry.type
class Query:
    @strawberry.field(description="One book by ISBN-10 or ISBN-13 (hyphens and spaces allowed); null if unknown")
    async def book(self, info: Info, isbn: str) -> Book | None:
        stored = await _loader(info).load(_isbn(isbn))
        return from_stored(stored) if stored else None

    @strawberry.field(description="Books, ranked by relevance when `search` is given, else by title. `search` "
                                  "looks in titles, subtitles, authors and subjects; `author` in authors only; "
                                  "`subject` is one whole subject; `language` a language code.")
    async def books(self, info: Info, search: str | None = None, author: str | None = None,
                    subject: str | None = None, language: str | None = None, first: int = 20,
                    after: str | None = None) -> BookConnection:
        if not 1 <= first <= MAX_PAGE:
            raise BadUserInput(f"first must be between 1 and {MAX_PAGE}", field="first")
        query = SearchQuery(search=search, author=author, subject=subject, language=language)
        try:
            async with _db(info).session() as session:
                page, more = await repo.search_books(session, query, first=first, after=after)
        except BadCursor as exc:
            raise BadUserInput(str(exc), field="after") from None
        edges = [BookEdge(cursor=cursor, node=from_stored(stored)) for stored, cursor in page]
        info_ = PageInfo(has_next_page=more, has_previous_page=after is not None,
                         start_cursor=edges[0].cursor if edges else None,
                         end_cursor=edges[-1].cursor if edges else None)
        return BookConnection(edges=edges, page_info=info_, query=query)


def _signed_in(info: Info) -> Principal:
    principal = _principal(info)
    if not principal.authenticated:
        raise Unauthenticated("sign in to change the catalogue")
    return principal


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a book to the catalogue (any signed-in user)")
    async def add_book(self, info: Info, input: AddBookInput) -> Book:
        principal = _signed_in(info)
        try:
            record = new_record(input.isbn, _given(input))
        except InvalidBook as exc:
            raise _bad_field(exc) from None
        try:
            stored = await catalogue.add_book(_db(info), record, added_by=principal.user_id or "")
        except catalogue.DuplicateIsbn as exc:
            raise Conflict(str(exc), extensions={"isbn": exc.existing.record.isbn13,
                                                 "title": exc.existing.record.title}) from None
        return from_stored(stored)

    @strawberry.mutation(description="Change a book's record (the user who added it, librarians and admins)")
    async def update_book(self, info: Info, isbn: str, input: UpdateBookInput) -> Book:
        principal = _signed_in(info)
        try:
            stored = await catalogue.update_book(_db(info), _isbn(isbn), _given(input), user_id=principal.user_id,
                                                 roles=principal.roles)
        except InvalidBook as exc:
            raise _bad_field(exc) from None
        except catalogue.BookNotFound as exc:
            raise NotFound(str(exc)) from None
        except catalogue.NotAllowed as exc:
            raise Forbidden(str(exc)) from None
        return from_stored(stored)

    @strawberry.mutation(description="Upload a cover (JPEG, PNG or WebP; GraphQL multipart request)")
    async def upload_cover(self, info: Info, isbn: str, file: Upload) -> Book:
        principal = _signed_in(info)
        key = _isbn(isbn)
        db = _db(info)
        try:
            await catalogue.check_cover_allowed(db, key, user_id=principal.user_id, roles=principal.roles)
        except catalogue.BookNotFound as exc:
            raise NotFound(str(exc)) from None
        except catalogue.NotAllowed as exc:
            raise Forbidden(str(exc)) from None
        limits = cover_limits()
        data = await file.read(limits.max_bytes + 1)  # one byte more than allowed tells us it is too big
        try:
            processed = await asyncio.to_thread(process_cover, data, filename=getattr(file, "filename", None),
                                                declared_type=getattr(file, "content_type", None), limits=limits)
        except CoverRejected as exc:
            raise BadUserInput(str(exc), field="file") from None
        storage = cover_storage(info.context["request"].app.state.ctx.settings.data_dir)
        name = f"{key}-{processed.digest}.{processed.ext}"
        thumb_name = f"{key}-{processed.digest}-thumb.{processed.ext}"
        await storage.put(name, processed.data, processed.content_type)
        await storage.put(thumb_name, processed.thumb, processed.content_type)
        cover = Cover(name=name, width=processed.width, height=processed.height, thumb_name=thumb_name,
                      thumb_width=processed.thumb_width, thumb_height=processed.thumb_height)
        try:
            stored = await catalogue.set_cover(db, key, cover, user_id=principal.user_id, roles=principal.roles)
        except catalogue.NotAllowed as exc:
            raise Forbidden(str(exc)) from None
        return from_stored(stored)


# The gateway sends the same few operations over and over: parse and validate each only once.
# Factories, so each request gets its own extension; the caches behind them are shared.
schema = strawberry.federation.Schema(
    query=Query, mutation=Mutation, types=[Book],
    extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
)
