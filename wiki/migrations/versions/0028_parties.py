"""wiki-parties: parties, their goals and their guests

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-07 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "parties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("commune", sa.String(length=16), nullable=False),
        sa.Column("starts_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("ends_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("created_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("closed_at", wiki.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["users.id"], name=op.f("fk_parties_organiser_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parties")),
        sa.UniqueConstraint("code", name=op.f("uq_parties_code")),
    )
    op.create_table(
        "party_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("count_of", sa.String(length=64), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("done_at", wiki.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_party_goals_party_id_parties"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_goals")),
    )
    with op.batch_alter_table("party_goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_goals_party_id"), ["party_id"], unique=False)
    op.create_table(
        "party_guests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=40), nullable=False),
        sa.Column("joined_at", wiki.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["parties.id"], name=op.f("fk_party_guests_party_id_parties"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_party_guests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_guests")),
        sa.UniqueConstraint("user_id", name=op.f("uq_party_guests_user_id")),
    )
    with op.batch_alter_table("party_guests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_guests_party_id"), ["party_id"], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("party_guests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_guests_party_id"))
    op.drop_table("party_guests")
    with op.batch_alter_table("party_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_goals_party_id"))
    op.drop_table("party_goals")
    op.drop_table("parties")
