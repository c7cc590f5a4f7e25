"""imports keep their history: imported authors, records' other properties, the import job log

``page_revisions.imported_author`` and ``record_revisions.imported_author``
keep the name of the person who wrote an imported revision on the source
wiki (a YesWiki or MediaWiki user, who has no account here); the revision's
``created_at`` keeps the source's date. ``records.extra`` holds the
properties of an imported item that map to no field of its form ("autres
propriétés"), so nothing is silently dropped. ``import_jobs`` is the log of
imports moderators read: who ran which importer on what, when, and the
report.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.add_column("page_revisions", sa.Column("imported_author", sa.String(length=100), nullable=True))
    op.add_column("record_revisions", sa.Column("imported_author", sa.String(length=100), nullable=True))
    op.add_column("records", sa.Column("extra", wiki.db.JSONType, nullable=True))
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("importer", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("report", wiki.db.JSONType, nullable=False),
        sa.Column("started_at", wiki.db.UTCDateTime(), nullable=False),
        sa.Column("finished_at", wiki.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_import_jobs_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_jobs_started_at"), ["started_at"], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_jobs_started_at"))
    op.drop_table("import_jobs")
    op.drop_column("records", "extra")
    op.drop_column("record_revisions", "imported_author")
    op.drop_column("page_revisions", "imported_author")
