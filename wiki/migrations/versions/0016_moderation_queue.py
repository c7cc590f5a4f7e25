"""edit policies per page and per form, trusted accounts, the moderation queue

``pages.edit_policy`` and ``forms.edit_policy`` (None: as the instance),
``users.trusted`` (an admin's flag: publishes directly under
pre-moderation) and ``moderation_queue``, the contributions waiting for
review (page edits, new pages, records and changes to records).

Revision ID: 0016
Revises: 0017
Create Date: 2026-12-07 20:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0016"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "moderation_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("is_new", sa.Boolean(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("base", sa.Integer(), nullable=True),
        sa.Column("payload", wiki.db.JSONType, nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("session_key", sa.String(length=16), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", wiki.db.UTCDateTime(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_moderation_queue_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_moderation_queue_decided_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_queue")),
    )
    with op.batch_alter_table("moderation_queue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_queue_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_queue_object_id"), ["object_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_queue_session_key"), ["session_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_queue_state"), ["state"], unique=False)
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edit_policy", sa.String(length=16), nullable=True))
    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edit_policy", sa.String(length=16), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trusted", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("trusted", server_default=None, existing_type=sa.Boolean())


def downgrade() -> None:
    """Revert this migration."""
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch would recreate these tables, which
    # others reference, and SQLite refuses to drop a referenced table that has rows.
    op.drop_column("users", "trusted")
    op.drop_column("forms", "edit_policy")
    op.drop_column("pages", "edit_policy")
    with op.batch_alter_table("moderation_queue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_queue_state"))
        batch_op.drop_index(batch_op.f("ix_moderation_queue_session_key"))
        batch_op.drop_index(batch_op.f("ix_moderation_queue_object_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_queue_author_id"))
    op.drop_table("moderation_queue")
