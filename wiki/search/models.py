"""The tables of search: the outbox of changes to index, and the PostgreSQL backend's documents.

``search_outbox`` is written with each change and emptied by the indexer
(:mod:`wiki.search.outbox`); its rows are not content (``cache_neutral``).

Only :mod:`wiki.search.postgres_backend` reads and writes ``search_documents``,
in SQL. It is declared here so that Alembic checks the migrated schema against
it; it exists on PostgreSQL only (``info["dialects"]``: :func:`wiki.migrate.include_object`
leaves it out elsewhere): the embedded default searches with Whoosh.
"""

from __future__ import annotations

from sqlalchemy import Column
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import TSVECTOR

from wiki.db import Base

search_outbox = Table(
    "search_outbox",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the order changes were committed in
    Column("kind", Text, nullable=False),  # "page", "record", "zone", "form"
    Column("key", Text, nullable=False),
    # Transient: a loaded instance rebuilds its index anyway.
    info={"cache_neutral": True, "dumped": False},
)

search_documents = Table(
    "search_documents",
    Base.metadata,
    Column("id", Text, primary_key=True),  # "page:42", "record:7"
    Column("kind", Text, nullable=False),
    Column("form", Text, nullable=False, server_default=""),
    Column("title", Text, nullable=False, server_default=""),
    Column("body", Text, nullable=False, server_default=""),  # public text only
    Column("excerpt", Text, nullable=False, server_default=""),
    Column("url", Text, nullable=False, server_default=""),
    Column("themes", ARRAY(Text), nullable=False, server_default="{}"),
    Column("zones", ARRAY(Text), nullable=False, server_default="{}"),
    Column("status", Text, nullable=False, server_default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("digest", Text, nullable=False, server_default=""),
    Column("title_tsv", TSVECTOR, nullable=False),  # title only: cheap first ranking
    Column("tsv", TSVECTOR, nullable=False),  # title (weight A) and body (B): matching and final ranking
    Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
    Index("ix_search_documents_updated_at", "updated_at"),
    info={"dialects": ("postgresql",)},
)
