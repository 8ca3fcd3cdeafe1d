"""The outbox and inbox tables every service keeps in its own database."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table, Text, text

# Defined once here; each service copies them into its own MetaData so its migrations create them.
_metadata = MetaData()

outbox = Table(
    "outbox",
    _metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("event", String(100), nullable=False),
    Column("payload", Text, nullable=False),  # the whole envelope, as sent
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
)

inbox = Table(
    "inbox",
    _metadata,
    Column("event_id", String(36), primary_key=True),
    Column("event", String(100), nullable=False),
    Column("source", String(50), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

# The relay only ever looks for unpublished rows, so index just those.
_pending = text("published_at IS NULL")

Index("ix_outbox_pending", outbox.c.seq, postgresql_where=_pending, sqlite_where=_pending)


def add_platform_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Put the outbox and inbox into a service's MetaData (for its Alembic migrations)."""
    return outbox.to_metadata(metadata), inbox.to_metadata(metadata)
