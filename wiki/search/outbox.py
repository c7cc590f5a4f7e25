"""The search outbox: what changed, written with the change, applied in order after it.

Each transaction that changes indexable objects also writes one row per object
into ``search_outbox`` (:func:`write`, at commit, in the same transaction):
the index can lag, never lose a change. :func:`drain` applies the rows in the
order they were written, in batches (one index commit per batch instead of one
per save), then deletes exactly the rows it applied. A process killed between
the two only applies them again: indexing an object reads its current state,
so doing it twice is harmless. Rows left by a crash are applied at the next
start, by the next save, or by ``lieudit search update``.

One drain at a time per database (a lock file beside a SQLite database, an
advisory lock on PostgreSQL): two drains could otherwise write an object's
older state after its newer one. :class:`Worker` drains in a background thread
of each process, woken after each commit, so a save never waits for the index.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import weakref
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from wiki.search.backend import SearchBackend
from wiki.search.models import search_outbox
from wiki.storage_faults import log_fault

log = logging.getLogger("lieudit.search")

#: Rows applied per batch: one read, one index commit, one delete. 5,000 cost the same CPU
#: for an import of 10,000 records (the commits do not merge) and 45 MB more of peak memory.
BATCH = 2000
#: PostgreSQL advisory lock key of the drain ("lieudit-search" folded into a bigint).
_PG_LOCK = 0x1E_D1_75_EA_C7


def write(conn: Connection, refs: Iterable[tuple[str, str]]) -> None:
    """Add one row per changed object ``(kind, key)`` in the transaction of ``conn``."""
    rows = [{"kind": kind, "key": str(key)} for kind, key in sorted(set(refs))]
    if rows:
        conn.execute(search_outbox.insert(), rows)


def pending(engine: Engine) -> int:
    """Return how many changes wait to be applied to the index."""
    with engine.execution_options(lieudit_read_only=True).connect() as conn:
        return conn.execute(select(func.count()).select_from(search_outbox)).scalar_one()


@contextmanager
def _exclusive(engine: Engine, wait: bool) -> Iterator[bool]:
    """Hold the drain lock of ``engine``'s database; yield False when another holder has it and ``wait`` is off."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            if wait:  # returns void once held
                conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK})
                got = True
            else:
                got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _PG_LOCK}).scalar())
            conn.commit()
            try:
                yield got
            finally:
                if got:
                    conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK})
                    conn.commit()
        return
    database = engine.url.database or ""
    path = Path(f"{database}.search-lock") if database and database != ":memory:" else None
    if path is None:
        yield True
        return
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


Apply = Callable[[Engine, SearchBackend, list[tuple[str, str]]], Any]


def drain(engine: Engine, backend: SearchBackend, apply: Apply, *, wait: bool = True) -> int:
    """Apply every waiting row in order, ``BATCH`` at a time; return how many were applied.

    ``apply`` indexes or unindexes the objects named (:func:`wiki.search.indexer.refresh`).
    With ``wait`` off, return 0 at once when another drain runs (it will apply them).
    """
    done = 0
    with _exclusive(engine, wait) as held:
        if not held:
            return 0
        while True:
            with engine.execution_options(lieudit_read_only=True).connect() as conn:
                rows = conn.execute(
                    select(search_outbox.c.id, search_outbox.c.kind, search_outbox.c.key)
                    .order_by(search_outbox.c.id)
                    .limit(BATCH)
                ).all()
            if not rows:
                return done
            apply(engine, backend, list(dict.fromkeys((row.kind, row.key) for row in rows)))
            with engine.begin() as conn:  # a short write: exactly the rows applied (ids may commit out of order)
                conn.execute(search_outbox.delete().where(search_outbox.c.id.in_([row.id for row in rows])))
            done += len(rows)


class Worker:
    """A background thread that drains one database's outbox when woken, and on its own now and then."""

    #: Seconds between drains when nothing wakes the worker (changes committed by other processes).
    IDLE = 5.0

    def __init__(self, engine: Engine, backend: SearchBackend, apply: Apply) -> None:
        self._engine = weakref.ref(engine)
        self._backend, self._apply = backend, apply
        self._wake = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="lieudit-search-indexer", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Ask for a drain soon (after a commit)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after its current drain (what is left waits in the outbox), and wait for it.

        Waiting matters: a drain still running when its engine is disposed (an app shut down,
        a test's database dropped) would leave its connection to the garbage collector.
        """
        self._stopped = True
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self._wake.wait(self.IDLE)
            self._wake.clear()
            engine = self._engine()
            if engine is None or self._stopped:
                return  # the app is gone, or no longer indexed here
            try:
                drain(engine, self._backend, self._apply, wait=False)
            except Exception as err:
                if log_fault(err, "search index write (the outbox keeps the changes)") is None:
                    log.exception("search: applying the outbox failed; it stays for the next try")
            del engine
