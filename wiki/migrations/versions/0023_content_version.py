"""the content version: one row bumped by every transaction that changes content

Whole anonymous responses are cached per content version (``wiki.site.response_cache``):
the row is created here, at version 1, so the first change moves it to 2.

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-07 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    table = op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )
    op.bulk_insert(table, [{"id": 1, "version": 1}])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("content_version")
