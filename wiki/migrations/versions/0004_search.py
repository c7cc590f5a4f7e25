"""search index (PostgreSQL backend)

The table of ``SEARCH_BACKEND = "postgres"`` and its French text search
configuration (``french`` with ``unaccent`` before the stemmer). PostgreSQL
only: on SQLite the embedded Whoosh index lives under the instance folder
and this migration does nothing.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 03:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

UPGRADE = (
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'lieudit_french') THEN
            CREATE TEXT SEARCH CONFIGURATION lieudit_french (COPY = french);
            ALTER TEXT SEARCH CONFIGURATION lieudit_french
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
        END IF;
    END $$""",
    """CREATE TABLE search_documents (
        id text CONSTRAINT search_documents_pkey PRIMARY KEY,
        kind text NOT NULL,
        form text NOT NULL DEFAULT '',
        title text NOT NULL DEFAULT '',
        body text NOT NULL DEFAULT '',
        excerpt text NOT NULL DEFAULT '',
        url text NOT NULL DEFAULT '',
        themes text[] NOT NULL DEFAULT '{}',
        zones text[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL,
        digest text NOT NULL DEFAULT '',
        title_tsv tsvector NOT NULL,
        tsv tsvector NOT NULL
    )""",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING GIN (tsv)",
    "CREATE INDEX ix_search_documents_updated_at ON search_documents (updated_at)",
)
DOWNGRADE = (
    "DROP TABLE IF EXISTS search_documents",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS lieudit_french",
)


def upgrade() -> None:
    """Create the search table and its French configuration (PostgreSQL only)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    """Drop the search table and its configuration (PostgreSQL only; ``unaccent`` stays)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWNGRADE:
        op.execute(statement)
