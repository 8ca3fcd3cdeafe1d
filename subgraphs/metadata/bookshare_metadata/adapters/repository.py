"""Reading and writing books, and searching them, on SQLite (FTS5) and PostgreSQL (tsvector).

Search semantics are defined once, here, and expressed for each engine:
- every word of `search` must occur in the title/subtitle, the authors or the subjects; the last word
  also matches as a prefix (people type "harry pott");
- every word of `author` must occur (last as prefix) among the authors;
- `subject` is one whole subject, `language` one language code;
- ranking: per word, 3 points for a title hit, 2 for an author, 1 for a subject; 3 more when the whole
  query is a phrase of the title and 5 more when it is the whole title; ties by title, then ISBN.
The ranking is computed with plain SQL over the folded columns, so both engines order identically.
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    column,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from bookshare_metadata.adapters.tables import book_subjects, books
from bookshare_metadata.domain.book import BookRecord
from bookshare_metadata.domain.text import STOP_WORDS, fold, query_terms


@dataclass(frozen=True)
class Cover:
    name: str
    width: int
    height: int
    thumb_name: str
    thumb_width: int
    thumb_height: int


@dataclass(frozen=True)
class StoredBook:
    record: BookRecord
    added_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    cover: Cover | None


def _row_to_book(row: Any) -> StoredBook:
    m = row._mapping
    record = BookRecord(
        isbn13=m["isbn"], isbn10=m["isbn10"], title=m["title"], subtitle=m["subtitle"],
        authors=tuple(m["authors"] or ()), publisher=m["publisher"], published_year=m["published_year"],
        language=m["language"], page_count=m["page_count"], description=m["description"],
        subjects=tuple(m["subjects"] or ()),
    )
    cover = None
    if m["cover_name"]:
        cover = Cover(m["cover_name"], m["cover_width"], m["cover_height"], m["thumb_name"], m["thumb_width"],
                      m["thumb_height"])
    created, updated = m["created_at"], m["updated_at"]
    # SQLite hands back naive datetimes; they were written in UTC.
    if created.tzinfo is None:
        created, updated = created.replace(tzinfo=UTC), updated.replace(tzinfo=UTC)
    return StoredBook(record=record, added_by=m["added_by"], created_at=created, updated_at=updated,
                      version=m["version"], cover=cover)


_BOOK_COLUMNS = [c for c in books.c if not c.name.startswith("search_") and c.name != "sort_title"]


_ARTICLES = ("the ", "a ", "an ")


def _sort_key(title: str) -> str:
    """Titles sort as a library shelves them: folded, without a leading English article."""
    key = fold(title) or title.lower()
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article):
            key = key[len(article):]
            break
    return key[:500]


def _search_columns(record: BookRecord) -> dict[str, str]:
    title = fold(" ".join(filter(None, [record.title, record.subtitle])))
    return {
        "search_title": title,
        "search_authors": fold(" ; ".join(record.authors)),
        "search_subjects": fold(" ; ".join(record.subjects)),
        "sort_title": _sort_key(record.title),
    }


def _values(record: BookRecord) -> dict[str, Any]:
    return {
        "isbn10": record.isbn10, "title": record.title, "subtitle": record.subtitle,
        "authors": list(record.authors), "publisher": record.publisher, "published_year": record.published_year,
        "language": record.language, "page_count": record.page_count, "description": record.description,
        "subjects": list(record.subjects), **_search_columns(record),
    }


# The FTS5 rowid is the ISBN-13 as a number (migration 0003): ISBN order, and direct deletes.
_FTS_INSERT = text("INSERT INTO books_fts (rowid, isbn, sort_title, title, authors, subjects) "
                   "VALUES (:rowid, :isbn, :st, :t, :a, :s)")


async def _index(session: AsyncSession, records: list[BookRecord], *, replace: bool) -> None:
    """Keep the side tables in step: subjects always, FTS5 on SQLite (PostgreSQL's vector is generated)."""
    isbns = [r.isbn13 for r in records]
    sqlite = session.bind.dialect.name == "sqlite"
    if replace:
        await session.execute(delete(book_subjects).where(book_subjects.c.isbn.in_(isbns)))
        if sqlite:
            for isbn in isbns:
                await session.execute(text("DELETE FROM books_fts WHERE rowid = :rowid"), {"rowid": int(isbn)})
    subjects = [{"isbn": r.isbn13, "subject_key": key}
                for r in records for key in sorted({fold(s)[:100] for s in r.subjects if fold(s)})]
    if subjects:
        await session.execute(insert(book_subjects), subjects)
    if sqlite:
        rows = []
        for r in records:
            cols = _search_columns(r)
            rows.append({"rowid": int(r.isbn13), "isbn": r.isbn13, "st": cols["sort_title"], "t": cols["search_title"],
                         "a": cols["search_authors"], "s": cols["search_subjects"]})
        await session.execute(_FTS_INSERT, rows)


async def get_book(session: AsyncSession, isbn13: str, *, for_update: bool = False) -> StoredBook | None:
    stmt = select(*_BOOK_COLUMNS).where(books.c.isbn == isbn13)
    if for_update and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()  # concurrent edits of one book queue up instead of losing a version
    row = (await session.execute(stmt)).first()
    return _row_to_book(row) if row else None


async def get_books(session: AsyncSession, isbns: list[str]) -> dict[str, StoredBook]:
    if not isbns:
        return {}
    rows = (await session.execute(select(*_BOOK_COLUMNS).where(books.c.isbn.in_(isbns)))).all()
    return {row.isbn: _row_to_book(row) for row in rows}


async def existing_isbns(session: AsyncSession, isbns: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(isbns), 500):
        chunk = isbns[start:start + 500]
        found.update((await session.scalars(select(books.c.isbn).where(books.c.isbn.in_(chunk)))).all())
    return found


async def insert_books(session: AsyncSession, records: list[BookRecord], *, added_by: str | None) -> list[StoredBook]:
    """Insert new books in one round of statements (imports add hundreds at a time)."""
    if not records:
        return []
    now = datetime.now(UTC)
    await session.execute(insert(books), [
        {"isbn": r.isbn13, "added_by": added_by, "created_at": now, "updated_at": now, "version": 1, **_values(r)}
        for r in records])
    await _index(session, records, replace=False)
    return [StoredBook(record=r, added_by=added_by, created_at=now, updated_at=now, version=1, cover=None)
            for r in records]


async def insert_book(session: AsyncSession, record: BookRecord, *, added_by: str | None) -> StoredBook:
    return (await insert_books(session, [record], added_by=added_by))[0]


async def update_book(session: AsyncSession, stored: StoredBook, record: BookRecord) -> StoredBook:
    now = datetime.now(UTC)
    version = stored.version + 1
    await session.execute(update(books).where(books.c.isbn == record.isbn13)
                          .values(updated_at=now, version=version, **_values(record)))
    await _index(session, [record], replace=True)
    return StoredBook(record=record, added_by=stored.added_by, created_at=stored.created_at, updated_at=now,
                      version=version, cover=stored.cover)


async def set_cover(session: AsyncSession, stored: StoredBook, cover: Cover) -> StoredBook:
    now = datetime.now(UTC)
    version = stored.version + 1
    await session.execute(update(books).where(books.c.isbn == stored.record.isbn13).values(
        cover_name=cover.name, cover_width=cover.width, cover_height=cover.height, thumb_name=cover.thumb_name,
        thumb_width=cover.thumb_width, thumb_height=cover.thumb_height, updated_at=now, version=version))
    return StoredBook(record=stored.record, added_by=stored.added_by, created_at=stored.created_at, updated_at=now,
                      version=version, cover=cover)


# ------------------------------------------------------------------------------------------------ search

@dataclass(frozen=True)
class SearchQuery:
    search: str | None = None
    author: str | None = None
    subject: str | None = None
    language: str | None = None

    @property
    def terms(self) -> list[str]:
        return query_terms(self.search)

    @property
    def author_terms(self) -> list[str]:
        return query_terms(self.author)


class BadCursor(ValueError):
    pass


def encode_cursor(score: int, sort_title: str, isbn: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([score, sort_title, isbn]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[int, str, str]:
    try:
        score, sort_title, isbn = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not (isinstance(score, int) and isinstance(sort_title, str) and isinstance(isbn, str)):
            raise ValueError
        return score, sort_title, isbn
    except (ValueError, TypeError):
        raise BadCursor("the cursor is not one this list gave out") from None


# A word of the search with whether it matches as a prefix (the last word does: people type "harry pott").
Term = tuple[str, bool]


def _flagged(terms: list[str]) -> list[Term]:
    return [(t, i == len(terms) - 1) for i, t in enumerate(terms)]


def _fts5_query(terms: list[Term], author_terms: list[Term]) -> str:
    def phrase(term: str, prefix: bool) -> str:
        return f'"{term}"' + ("*" if prefix else "")

    parts = [phrase(t, p) for t, p in terms] + [f"authors : {phrase(t, p)}" for t, p in author_terms]
    return " AND ".join(parts)


def _tsquery(terms: list[Term], author_terms: list[Term]) -> str:
    parts = [f"{t}:*" if p else t for t, p in terms] + [f"{t}:*B" if p else f"{t}:B" for t, p in author_terms]
    return " & ".join(parts)


def _contains(dialect: str, column: Any, term: str, prefix: bool) -> ColumnElement[bool]:
    """Whether the folded column holds the word (or a word starting with it): the same test as the full-text
    match, since folded text is words joined by single spaces. A substring search, cheaper than LIKE."""
    padded = literal(" ") + column + literal(" ")
    needle = literal(f" {term}" if prefix else f" {term} ")
    position = func.instr(padded, needle) if dialect == "sqlite" else func.strpos(padded, needle)
    return position > 0


# SQLite: the FTS5 table holds the same folded text and the sort key, so candidates are ranked and paged
# inside it and only the page's books are read from `books` (a query matching thousands stays fast).
books_fts = table("books_fts", column("rowid", Integer), column("isbn", String), column("sort_title", String),
                  column("title", String), column("authors", String), column("subjects", String))

# A search made only of stop words ("and the", "of the") matches a large part of any catalogue, and ranking all
# of it costs more than a search may: only this many books are ranked, the first by ISBN (the same on both
# engines), and the list and its totalCount end there. Searches with any other word rank every match.
STOP_WORD_CANDIDATES = 200


def _score(dialect: str, terms: list[str], title: Any, authors: Any, subjects: Any) -> Any:
    if not terms:
        return literal(0, Integer)
    score: Any = literal(0, Integer)
    for term, prefix in _flagged(terms):
        score = score + case((_contains(dialect, title, term, prefix), 3), else_=0)
        score = score + case((_contains(dialect, authors, term, prefix), 2), else_=0)
        score = score + case((_contains(dialect, subjects, term, prefix), 1), else_=0)
    phrase = " ".join(terms)
    if len(terms) > 1:
        score = score + case((_contains(dialect, title, phrase, True), 3), else_=0)
    score = score + case((title == phrase, 5), else_=0)
    return score


def _required(dialect: str, terms: list[Term], title: Any, authors: Any, subjects: Any) -> list[ColumnElement[bool]]:
    """Words not looked up in the index are still required, word by word, on the books it found."""
    return [or_(_contains(dialect, title, t, p), _contains(dialect, authors, t, p), _contains(dialect, subjects, t, p))
            for t, p in terms]


def _side_filters(isbn: Any, query: SearchQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.subject is not None:
        key = fold(query.subject)[:100]
        conditions.append(isbn.in_(select(book_subjects.c.isbn).where(book_subjects.c.subject_key == key)))
    if query.language is not None:
        conditions.append(isbn.in_(select(books.c.isbn).where(books.c.language == query.language.strip().lower())))
    return conditions


def _ranked(dialect: str, query: SearchQuery) -> Any:
    """(isbn, sort_title, score) of every matching book (see STOP_WORD_CANDIDATES), as a subquery.

    Which words are looked up in the full-text index and which are checked on the books it found is chosen per
    engine, for speed only (the books found are the same): FTS5 intersects even a stop word's long list faster
    than it reads the rows; PostgreSQL's GIN index is slow to expand a short prefix ("the:*" is every word
    starting with "the"), so a stop word that is the last, prefix, word is checked on the rows instead."""
    terms = query.terms
    author_terms = _flagged(query.author_terms)
    words = _flagged(terms)
    bounded = bool(words) and not author_terms and all(t in STOP_WORDS for t, _ in words)
    if bounded:
        indexed: list[Term] = []
        checked = words
    elif dialect == "sqlite":
        indexed, checked = words, []
    else:
        indexed = [(t, p) for t, p in words if t not in STOP_WORDS or not p]
        checked = [(t, p) for t, p in words if t in STOP_WORDS and p]
    use_index = bool(indexed or author_terms)
    if dialect == "sqlite" and (use_index or bounded):
        cols = (books_fts.c.title, books_fts.c.authors, books_fts.c.subjects)
        # A bounded search looks its stop words up too: FTS5 gives matches in rowid (= ISBN) order, so it stops
        # after the first STOP_WORD_CANDIDATES.
        match = text("books_fts MATCH :ftsq").bindparams(
            ftsq=_fts5_query(words if bounded else indexed, author_terms))
        conditions = [match, *_side_filters(books_fts.c.isbn, query)]
        if not bounded:
            conditions += _required(dialect, checked, *cols)
            score = _score(dialect, terms, *cols)
            return (select(books_fts.c.isbn, books_fts.c.sort_title, score.label("score")).select_from(books_fts)
                    .where(*conditions).subquery())
        found = (select(books_fts.c.isbn, books_fts.c.sort_title, *cols).select_from(books_fts).where(*conditions)
                 .order_by(books_fts.c.rowid).limit(STOP_WORD_CANDIDATES).subquery())
        score = _score(dialect, terms, found.c.title, found.c.authors, found.c.subjects)
        return select(found.c.isbn, found.c.sort_title, score.label("score")).subquery()
    cols = (books.c.search_title, books.c.search_authors, books.c.search_subjects)
    conditions = _side_filters(books.c.isbn, query)
    if query.language is not None:  # on `books` itself, no need to go round through a subquery
        conditions = [*_side_filters(books.c.isbn, SearchQuery(subject=query.subject)),
                      books.c.language == query.language.strip().lower()]
    if use_index:
        conditions.append(text("books.search_vector @@ to_tsquery('simple'::regconfig, :tsq)")
                          .bindparams(tsq=_tsquery(indexed, author_terms)))
    conditions += _required(dialect, checked, *cols)
    if bounded:  # rank only the first matches by ISBN, scoring only those
        found = (select(books.c.isbn, books.c.sort_title, *cols).where(*conditions).order_by(books.c.isbn)
                 .limit(STOP_WORD_CANDIDATES).subquery())
        score = _score(dialect, terms, found.c.search_title, found.c.search_authors, found.c.search_subjects)
        return select(found.c.isbn, found.c.sort_title, score.label("score")).subquery()
    score = _score(dialect, terms, *cols)
    return select(books.c.isbn, books.c.sort_title, score.label("score")).where(*conditions).subquery()


async def search_books(session: AsyncSession, query: SearchQuery, *, first: int, after: str | None = None,
                       ) -> tuple[list[tuple[StoredBook, str]], bool]:
    """A page of books with their cursors, and whether more follow."""
    ranked = _ranked(session.bind.dialect.name, query)
    stmt = select(ranked.c.isbn, ranked.c.sort_title, ranked.c.score)
    if after:
        s, title, isbn = decode_cursor(after)
        stmt = stmt.where(or_(ranked.c.score < s, and_(ranked.c.score == s, or_(
            ranked.c.sort_title > title, and_(ranked.c.sort_title == title, ranked.c.isbn > isbn)))))
    stmt = stmt.order_by(ranked.c.score.desc(), ranked.c.sort_title, ranked.c.isbn).limit(first + 1)
    # The page's books are read in the same statement: one round trip per search.
    chosen = stmt.subquery("page")
    with_books = (select(chosen.c.score.label("rank_score"), chosen.c.sort_title.label("rank_key"), *_BOOK_COLUMNS)
                  .join_from(chosen, books, books.c.isbn == chosen.c.isbn)
                  .order_by(chosen.c.score.desc(), chosen.c.sort_title, chosen.c.isbn))
    rows = (await session.execute(with_books)).all()
    page = [(_row_to_book(row), encode_cursor(int(row.rank_score), row.rank_key, row.isbn)) for row in rows[:first]]
    return page, len(rows) > first


async def count_books(session: AsyncSession, query: SearchQuery) -> int:
    ranked = _ranked(session.bind.dialect.name, query)
    return int(await session.scalar(select(func.count()).select_from(ranked)) or 0)
