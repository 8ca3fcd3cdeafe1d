"""Alembic, driven from code: each service's migrations run on start against its async engine.

A service's `env.py` is just `run_env(target_metadata=metadata)`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def _config(script_location: Path, connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["connection"] = connection
    return cfg


# Alembic keeps its running context in module globals: two services migrating at once in one process
# (`bookshare dev`) would trample each other, so migrations in a process take turns.
_lock: asyncio.Lock | None = None


async def upgrade(engine: AsyncEngine, script_location: Path, revision: str = "head") -> None:
    global _lock
    if _lock is None:
        _lock = asyncio.Lock()
    async with _lock:
        await _upgrade(engine, script_location, revision)


async def _upgrade(engine: AsyncEngine, script_location: Path, revision: str) -> None:
    def run(connection: Connection) -> None:
        command.upgrade(_config(script_location, connection), revision)

    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # Replicas of a service may start together: one migrates, the others wait for it.
            await conn.exec_driver_sql("SELECT pg_advisory_xact_lock(726373)")
        await conn.run_sync(run)


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's alembic env.py."""
    connection: Connection | None = context.config.attributes.get("connection")
    if connection is None:
        # Offline mode (`alembic upgrade --sql`) or a plain alembic CLI call without our runner.
        context.configure(url=context.config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                          literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def create_platform_tables_v1() -> None:
    """Create the outbox and inbox as every service's first migration does. Frozen as version 1: a later
    change to these tables gets a migration of its own in each service, never an edit here."""
    import sqlalchemy as sa
    from alembic import op

    op.create_table(
        "inbox",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_inbox")),
    )
    op.create_table(
        "outbox",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_outbox")),
        sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
    )
    pending = sa.text("published_at IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending", ["seq"], unique=False, postgresql_where=pending,
                              sqlite_where=pending)


def drop_platform_tables_v1() -> None:
    import sqlalchemy as sa
    from alembic import op

    pending = sa.text("published_at IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending", postgresql_where=pending, sqlite_where=pending)
    op.drop_table("outbox")
    op.drop_table("inbox")
