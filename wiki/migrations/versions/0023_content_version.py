"""the content version: one row bumped by every transaction that changes content

Whole anonymous responses are cached per content version (``wiki.site.response_cache``):
the first change creates the row (an empty table reads as version 0).

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
    op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("content_version")
