"""The notification service's tables: the Recipient replica, notifications, and the outbox and inbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
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
