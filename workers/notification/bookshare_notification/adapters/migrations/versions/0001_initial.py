"""recipients, notifications, outbox and inbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 21:14:58.404392
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bookshare_common.migrations import create_platform_tables_v1, drop_platform_tables_v1


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    create_platform_tables_v1()
    op.create_table('notifications',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('recipient_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('isbn', sa.String(length=13), nullable=True),
    sa.Column('loan_id', sa.String(length=64), nullable=True),
    sa.Column('order_id', sa.String(length=64), nullable=True),
    sa.Column('source_event_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_notifications')),
    sa.UniqueConstraint('id', name=op.f('uq_notifications_id')),
    sa.UniqueConstraint('source_event_id', 'recipient_id', name='uq_notifications_event_recipient')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_recipient_seq', ['recipient_id', 'seq'], unique=False)

    op.create_table('recipients',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipients'))
    )


def downgrade() -> None:
    
    op.drop_table('recipients')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_recipient_seq')

    op.drop_table('notifications')
    drop_platform_tables_v1()
