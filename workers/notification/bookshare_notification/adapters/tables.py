"""The notification service's tables: the Recipient replica, notifications, and the outbox and inbox."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from bookshare_common.events import add_platform_tables
from bookshare_common.tables import NAMING_CONVENTION, UTCDateTime

metadata = MetaData(naming_convention=NAMING_CONVENTION)
outbox, inbox = add_platform_tables(metadata)


USER_ID = String(64)

recipients = Table(
    "recipients",
    metadata,
    Column("id", USER_ID, primary_key=True),  # the auth user's id
    Column("username", String(64), nullable=True),  # None once the user is deleted
    # 0 while we know the user only from another service's event, before auth's add event arrived.
    Column("version", Integer, nullable=False, server_default=text("0")),
    Column("deleted_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    # The sequence orders a recipient's notifications newest first and is what cursors point at.
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    # No foreign key: a store event may name a user before auth's add event has reached us.
    Column("recipient_id", USER_ID, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("isbn", String(13), nullable=True),
    Column("loan_id", String(64), nullable=True),
    Column("order_id", String(64), nullable=True),
    Column("source_event_id", String(36), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime, nullable=True),
    # One event tells one person once, even if it were ever applied twice.
    UniqueConstraint("source_event_id", "recipient_id", name="uq_notifications_event_recipient"),
)
Index("ix_notifications_recipient_seq", notifications.c.recipient_id, notifications.c.seq)
