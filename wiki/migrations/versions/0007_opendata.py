"""open data: dataset metadata

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import wiki.db  # noqa: F401

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        'dataset_meta',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('license', sa.String(length=32), nullable=False),
        sa.Column('frequency', sa.String(length=16), nullable=False),
        sa.Column('contact_name', sa.String(length=200), nullable=False),
        sa.Column('contact_email', sa.String(length=254), nullable=False),
        sa.Column('contact_url', sa.String(length=500), nullable=False),
        sa.Column('keywords', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
        sa.Column('revision_number', sa.Integer(), nullable=False),
        sa.Column('created_at', wiki.db.UTCDateTime(), nullable=False),
        sa.Column('updated_at', wiki.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dataset_meta')),
        sa.UniqueConstraint('key', name=op.f('uq_dataset_meta_key')),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table('dataset_meta')
