"""visit counters (stat_counts) and the instance's switches (site_switches: hibernation)

Revision ID: 0026
Revises: 0027
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "stat_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "key", name=op.f("pk_stat_counts")),
    )
    op.create_table(
        "site_switches",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_site_switches")),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("site_switches")
    op.drop_table("stat_counts")
