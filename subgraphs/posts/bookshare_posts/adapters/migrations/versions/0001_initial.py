"""authors, posts, outbox and inbox

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 21:12:30.484167
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
    
    op.create_table('authors',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), server_default=sa.text('0'), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_authors'))
    )
    create_platform_tables_v1()
    op.create_table('posts',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('author_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('isbn', sa.String(length=13), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind IN ('OFFER', 'REQUEST')", name=op.f('ck_posts_kind')),
    sa.ForeignKeyConstraint(['author_id'], ['authors.id'], name=op.f('fk_posts_author_id_authors')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_posts')),
    sa.UniqueConstraint('id', name=op.f('uq_posts_id'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index('ix_posts_author_seq', ['author_id', 'seq'], unique=False)



def downgrade() -> None:
    
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index('ix_posts_author_seq')

    op.drop_table('posts')
    drop_platform_tables_v1()
    op.drop_table('authors')
