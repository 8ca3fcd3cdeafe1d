"""SQLite: the full-text table also holds the sort key, so searches rank and page inside it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 21:50:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREATE = ("CREATE VIRTUAL TABLE books_fts USING fts5(isbn UNINDEXED, {extra}title, authors, subjects, "
           "tokenize = 'unicode61 remove_diacritics 0')")


def _rebuild(with_sort_key: bool) -> None:
    op.execute("DROP TABLE IF EXISTS books_fts")
    op.execute(_CREATE.format(extra="sort_title UNINDEXED, " if with_sort_key else ""))
    if with_sort_key:
        op.execute("INSERT INTO books_fts (isbn, sort_title, title, authors, subjects) "
                   "SELECT isbn, sort_title, search_title, search_authors, search_subjects FROM books")
    else:
        op.execute("INSERT INTO books_fts (isbn, title, authors, subjects) "
                   "SELECT isbn, search_title, search_authors, search_subjects FROM books")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's generated vector needs no change
        _rebuild(with_sort_key=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(with_sort_key=False)
