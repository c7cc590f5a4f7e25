"""The visit counters: one row per day, kind and key (a page's path, a dataset's file), nothing else.

No address, no user agent, no cookie, no visitor id: a row says "this page
was seen so many times that day". Rows are written in batches by
:mod:`wiki.stats.counter`; they are not content (``cache_neutral``: a flush
never invalidates the cache of whole answers) and belong to one instance
(``dumped``: never dumped nor loaded).
"""

from __future__ import annotations

from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Table

from wiki.db import Base

#: What a row counts: views of pages, records, the agenda and the map, and dataset downloads.
KINDS: tuple[str, ...] = ("page", "record", "agenda", "map", "download")

stat_counts = Table(
    "stat_counts",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("key", String(300), primary_key=True),
    Column("count", Integer, nullable=False, default=0),
    info={"cache_neutral": True, "dumped": False},
)
