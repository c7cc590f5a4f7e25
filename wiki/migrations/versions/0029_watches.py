"""watches and digests; freshness campaign requests; an outbox message may carry list headers (List-Unsubscribe)

Revision ID: 0029
Revises: 0032
Create Date: 2026-12-07 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0029"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("form_key", sa.String(length=64), nullable=True),
        sa.Column("theme_key", sa.String(length=64), nullable=True),
        sa.Column("zone_key", sa.String(length=40), nullable=True),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_watches_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["page_id"], ["pages.id"], name=op.f("fk_watches_page_id_pages"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_watches_record_id_records"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
    )
    with op.batch_alter_table("watches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watches_user_id"), ["user_id"], unique=False)
    op.create_table(
        "watch_digests",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("last_sent_at", wiki.db.UTCDateTime(), nullable=True),
        sa.Column("last_activity_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_watch_digests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_watch_digests")),
    )
    op.create_table(
        "freshness_requests",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", wiki.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name=op.f("fk_freshness_requests_record_id_records"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_freshness_requests")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", wiki.db.JSONType, nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_column("headers")
    op.drop_table("freshness_requests")
    op.drop_table("watch_digests")
    with op.batch_alter_table("watches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watches_user_id"))
    op.drop_table("watches")
