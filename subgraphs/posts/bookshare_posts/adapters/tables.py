"""The posts service's tables: the Author replica, posts, and the platform's outbox and inbox."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from bookshare_common.events import add_platform_tables
from bookshare_common.tables import NAMING_CONVENTION, UTCDateTime

metadata = MetaData(naming_convention=NAMING_CONVENTION)
outbox, inbox = add_platform_tables(metadata)


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
