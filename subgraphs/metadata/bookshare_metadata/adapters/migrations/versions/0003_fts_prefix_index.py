"""SQLite: prefix indexes (1 to 3 letters) on the full-text table, so the last search word, which matches as a
prefix, is one index lookup even when short ("the*" would otherwise merge every word starting with "the"); and
each row's rowid is its ISBN-13 as a number, so matches come out in ISBN order (a bounded search stops early) and
a book's row is found without a scan

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 22:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CREATE = ("CREATE VIRTUAL TABLE books_fts USING fts5(isbn UNINDEXED, sort_title UNINDEXED, title, authors, "
           "subjects, tokenize = 'unicode61 remove_diacritics 0'{extra})")


def _rebuild(extra: str) -> None:
    # The table is derived from `books` (its folded columns), so it is rebuilt from there.
    op.execute("DROP TABLE IF EXISTS books_fts")
    op.execute(_CREATE.format(extra=extra))
    op.execute("INSERT INTO books_fts (rowid, isbn, sort_title, title, authors, subjects) "
               "SELECT CAST(isbn AS INTEGER), isbn, sort_title, search_title, search_authors, search_subjects "
               "FROM books")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":  # PostgreSQL's index needs no change
        _rebuild(", prefix = '1 2 3'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("")
