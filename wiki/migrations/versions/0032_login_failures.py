"""failed logins per (account, client): strangers guessing a password never lock its owner out

Revision ID: 0032
Revises: 0028
Create Date: 2026-12-07 21:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0032"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=16), nullable=False),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_login_failures_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index("ix_login_failures_user_id_client", ["user_id", "client"], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failures_user_id_client")
    op.drop_table("login_failures")
