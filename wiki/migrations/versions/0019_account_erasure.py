"""accounts remember when they were erased (RGPD)

``users.erased_at`` is set by ``lieudit privacy erase`` and the erasure
screen: the account keeps only its pseudonym, so that a second erasure
knows there is nothing left to do.

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-07 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", wiki.db.UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch would recreate ``users``, which
    # every table references, and SQLite refuses to drop a referenced table that has rows.
    op.drop_column("users", "erased_at")
