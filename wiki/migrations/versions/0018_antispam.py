"""anti-spam: restricted IP log, save counters per account or session, moderators' blocklist

``ip_log`` is the only table that holds an IP address (purged after
``IP_RETENTION_DAYS``); ``rate_events`` counts saves per account or anonymous
session, never per address; ``spam_blocklist`` holds the domains and phrases
moderators refuse from newcomers.

Revision ID: 0018
Revises: 0019
Create Date: 2026-12-07 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "ip_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("session_key", sa.String(length=16), nullable=True),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_ip_log_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ip_log")),
    )
    with op.batch_alter_table("ip_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ip_log_created_at"), ["created_at"], unique=False)
        batch_op.create_index("ix_ip_log_ip_created_at", ["ip", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_log_session_key"), ["session_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_ip_log_user_id"), ["user_id"], unique=False)
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=24), nullable=False),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.create_index("ix_rate_events_bucket_created_at", ["bucket", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_rate_events_created_at"), ["created_at"], unique=False)
    op.create_table(
        "spam_blocklist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pattern", sa.String(length=200), nullable=False),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_spam_blocklist_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spam_blocklist")),
        sa.UniqueConstraint("pattern", name=op.f("uq_spam_blocklist_pattern")),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("spam_blocklist")
    with op.batch_alter_table("rate_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_events_created_at"))
        batch_op.drop_index("ix_rate_events_bucket_created_at")
    op.drop_table("rate_events")
    with op.batch_alter_table("ip_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ip_log_user_id"))
        batch_op.drop_index(batch_op.f("ix_ip_log_session_key"))
        batch_op.drop_index("ix_ip_log_ip_created_at")
        batch_op.drop_index(batch_op.f("ix_ip_log_created_at"))
    op.drop_table("ip_log")
