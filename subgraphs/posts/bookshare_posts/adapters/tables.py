"""The posts service's tables: the Author replica, posts, and the platform's outbox and inbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator

from bookshare_common.events import add_platform_tables

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)
outbox, inbox = add_platform_tables(metadata)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite hands back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect) -> dt.datetime | None:  # noqa: ANN001
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect) -> dt.datetime | None:  # noqa: ANN001
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


USER_ID = String(64)

authors = Table(
    "authors",
    metadata,
    Column("id", USER_ID, primary_key=True),  # the auth user's id
    Column("username", String(64), nullable=True),  # None once the user is deleted
    # 0 while the author exists only because the user posted before auth's event arrived.
    Column("version", Integer, nullable=False, server_default=text("0")),
    Column("deleted_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

posts = Table(
    "posts",
    metadata,
    # The sequence orders posts newest first and is what cursors point at; `id` is the public one.
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("author_id", USER_ID, ForeignKey("authors.id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("isbn", String(13), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),  # set when the author's account is deleted
    CheckConstraint("kind IN ('OFFER', 'REQUEST')", name="kind"),
)
Index("ix_posts_author_seq", posts.c.author_id, posts.c.seq)
