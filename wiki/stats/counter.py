"""Counting views without tracking: in memory per process, written to the database in batches.

What is counted is a page, a record, the agenda, the map or a dataset file
(:func:`target_of`), per day; who looked is not: the user agent is read once,
to leave robots out (:func:`is_bot`, the fragments of ``bots.txt``), and never
kept; no address is read, no cookie is set. Each process adds views up in a
:class:`ViewCounter` and writes them every ``STATS_FLUSH_SECONDS`` or
``STATS_FLUSH_VIEWS`` views, in one short transaction that adds each day's
count to its row (an upsert per day, kind and key): one write per batch, not
per view, and never a change of the content version (``cache_neutral``).

Service layer: no request globals; the web hook (:mod:`wiki.stats`) passes
what it read.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import Counter
from datetime import UTC
from datetime import date
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from wiki.stats.models import stat_counts

#: Endpoints whose views are counted, and the kind each counts as.
COUNTED_ENDPOINTS: dict[str, str] = {
    "pages.home": "page",
    "pages.show": "page",
    "records.show": "record",
    "agenda.index": "agenda",
    "agenda.month": "agenda",
    "agenda.month_now": "agenda",
    "agenda.event": "agenda",
    "agenda.occurrence": "agenda",
    "geo.map_all": "map",
    "geo.map_form": "map",
    "exports.download": "download",
}
#: Keys are cut to the column's length.
MAX_KEY = 300
Key = tuple[date, str, str]


@functools.cache
def bot_fragments() -> tuple[str, ...]:
    """Return the user-agent fragments of robots, from the package's ``bots.txt`` (lower case)."""
    text = resources.files("wiki.stats").joinpath("bots.txt").read_text(encoding="utf-8")
    return tuple(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def is_bot(user_agent: str) -> bool:
    """Tell whether ``user_agent`` is a robot's (an empty one too: browsers always send one)."""
    agent = user_agent.lower()
    return not agent.strip() or any(fragment in agent for fragment in bot_fragments())


def target_of(endpoint: str | None, path: str) -> tuple[str, str] | None:
    """Return what a ``GET`` of ``path`` (routed to ``endpoint``) counts as, ``(kind, key)``, or None.

    The key is the path (a page's or a record's own address); a download's is
    the file's name under ``/donnees/`` (``lieu.csv``, ``lieu/datapackage.json``).
    """
    kind = COUNTED_ENDPOINTS.get(endpoint or "")
    if kind is None:
        return None
    if kind == "download":
        return kind, path.removeprefix("/donnees/")[:MAX_KEY]
    return kind, path[:MAX_KEY]


def today() -> date:
    """Return the day views are counted in (UTC)."""
    return datetime.now(UTC).date()


class ViewCounter:
    """Views added up in memory, taken out in batches (thread-safe; one per app and process)."""

    def __init__(self, flush_seconds: float, flush_views: int) -> None:
        self.flush_seconds = flush_seconds
        self.flush_views = flush_views
        self._counts: Counter[Key] = Counter()
        self._pending = 0
        self._since = time.monotonic()
        self._lock = threading.Lock()

    def add(self, kind: str, key: str, day: date | None = None) -> bool:
        """Count one view; return True when a batch is due (enough views, or long enough)."""
        with self._lock:
            self._counts[(day or today(), kind, key)] += 1
            self._pending += 1
            return self._pending >= self.flush_views or time.monotonic() - self._since >= self.flush_seconds

    def take(self) -> dict[Key, int]:
        """Take every count out (the caller writes them)."""
        with self._lock:
            counts, self._counts = dict(self._counts), Counter()
            self._pending = 0
            self._since = time.monotonic()
        return counts

    def put_back(self, counts: dict[Key, int]) -> None:
        """Return counts a failed write could not store, for the next batch."""
        with self._lock:
            self._counts.update(counts)
            self._pending += sum(counts.values())

    def flush(self, engine: Engine) -> int:
        """Write every pending count in one transaction; return how many views were written.

        On a database error the counts stay in memory for the next batch, and the error propagates.
        """
        counts = self.take()
        if not counts:
            return 0
        try:
            write_counts(engine, counts)
        except Exception:
            self.put_back(counts)
            raise
        return sum(counts.values())


def write_counts(engine: Engine, counts: dict[Key, int]) -> None:
    """Add ``counts`` to their rows, creating the rows that do not exist yet (one upsert per key)."""
    rows = [{"day": d, "kind": kind, "key": key, "count": n} for (d, kind, key), n in sorted(counts.items())]
    module: Any = postgresql if engine.dialect.name == "postgresql" else sqlite
    insert = module.insert(stat_counts)
    statement = insert.on_conflict_do_update(
        index_elements=["day", "kind", "key"], set_={"count": stat_counts.c.count + insert.excluded["count"]}
    )
    with engine.begin() as conn:
        conn.execute(statement, rows)
