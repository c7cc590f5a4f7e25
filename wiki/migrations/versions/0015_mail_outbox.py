"""mail outbox; accounts keep an unconfirmed address apart and when a link was last mailed

``mail_outbox`` holds e-mails queued inside a transaction and sent after it
commits. ``users.email_pending`` holds an address typed but not yet
verified (``users.email`` holds only verified addresses, or ones an
administrator set); ``users.link_sent_at`` limits the reset and
verification links mailed on request, per account.

Revision ID: 0015
Revises: 0016
Create Date: 2026-12-07 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from wiki.db import UTCDateTime

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("not_before", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("given_up_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_pending", ["sent_at", "given_up_at", "not_before"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_pending", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("link_sent_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch would recreate ``users``, which
    # every table references, and SQLite refuses to drop a referenced table that has rows.
    op.drop_column("users", "link_sent_at")
    op.drop_column("users", "email_pending")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_outbox_pending")
    op.drop_table("mail_outbox")
