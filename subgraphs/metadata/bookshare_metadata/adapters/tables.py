"""The metadata service's tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

The full-text index differs by engine and is made by the migration, not declared here:
- SQLite: an FTS5 table `books_fts` kept in step by the repository in the same transaction;
- PostgreSQL: a generated, weighted `search_vector` column on `books` with a GIN index.
Both index the same pre-folded text (`search_*` columns, see domain/text.py), so both find the same books.
"""
from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from bookshare_common.events import add_platform_tables

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})
add_platform_tables(metadata)

# Byte-wise ordering on PostgreSQL too, so that titles sort (and page) exactly as on SQLite.
SortText = String(500).with_variant(String(500, collation="C"), "postgresql")

books = Table(
    "books",
    metadata,
    Column("isbn", String(13), primary_key=True),
    Column("isbn10", String(10), nullable=True, index=True),
    Column("title", String(500), nullable=False),
    Column("subtitle", String(500), nullable=True),
    Column("authors", JSON, nullable=False),
    Column("publisher", String(200), nullable=True),
    Column("published_year", Integer, nullable=True),
    Column("language", String(16), nullable=True, index=True),
    Column("page_count", Integer, nullable=True),
    Column("description", Text, nullable=True),
    Column("subjects", JSON, nullable=False),
    # Folded text for search and ordering (domain/text.py: fold).
    Column("search_title", Text, nullable=False),
    Column("search_authors", Text, nullable=False),
    Column("search_subjects", Text, nullable=False),
    Column("sort_title", SortText, nullable=False),
    Column("cover_name", String(200), nullable=True),
    Column("cover_width", Integer, nullable=True),
    Column("cover_height", Integer, nullable=True),
    Column("thumb_name", String(200), nullable=True),
    Column("thumb_width", Integer, nullable=True),
    Column("thumb_height", Integer, nullable=True),
    Column("added_by", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
)
Index("ix_books_sort", books.c.sort_title, books.c.isbn)

book_subjects = Table(
    "book_subjects",
    metadata,
    Column("isbn", String(13), ForeignKey("books.isbn", ondelete="CASCADE"), primary_key=True),
    Column("subject_key", String(100), primary_key=True),
)
Index("ix_book_subjects_key", book_subjects.c.subject_key, book_subjects.c.isbn)
