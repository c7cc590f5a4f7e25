"""moderation log; anonymous session key and patrol state of each change

``moderation_log`` is the public log of moderators' decisions. ``activities``
gains ``session_key`` (the pseudonymous session of an anonymous author, so
one anonymous person's changes can be told apart and rolled back) and the
patrol state (``patrolled_at``, ``patrolled_by_id``).

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-07 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("details", wiki.db.JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_moderation_log_actor_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_log")),
    )
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_log_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_key", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("patrolled_at", wiki.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("patrolled_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_activities_session_key"), ["session_key"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_activities_patrolled_by_id_users"), "users", ["patrolled_by_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_activities_patrolled_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_activities_session_key"))
        batch_op.drop_column("patrolled_by_id")
        batch_op.drop_column("patrolled_at")
        batch_op.drop_column("session_key")
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_log_created_at"))
        batch_op.drop_index(batch_op.f("ix_moderation_log_action"))
    op.drop_table("moderation_log")
