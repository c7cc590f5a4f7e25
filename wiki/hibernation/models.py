"""The instance's switches kept in the database, so that every worker and node reads the same.

One row per switch (``hibernating``: the wiki is asleep, read-only). A change
is content (the banner is on every page): it bumps the content version, so no
kept answer outlives it.
"""

from __future__ import annotations

from sqlalchemy import Column
from sqlalchemy import String
from sqlalchemy import Table

from wiki.db import Base
from wiki.db import UTCDateTime

site_switches = Table(
    "site_switches",
    Base.metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(200), nullable=False, default=""),
    Column("changed_at", UTCDateTime(), nullable=True),
    # A dump carries content to another instance, which decides whether it sleeps.
    info={"dumped": False},
)
