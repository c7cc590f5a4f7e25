"""Keep the index in step with the database, after each commit (STYLE R13, R15).

The domains never import search: they send signals (:mod:`wiki.signals`)
with the session of the unit of work. The subscribers here only *record*
what changed, in ``session.info["lieudit.search.pending"]``; when the
transaction commits, those changes are written to the search outbox **in the
same transaction** (:mod:`wiki.search.outbox`), so no accepted change can be
lost by the index. After the commit, the outbox is applied: by a background
thread of the process (``SEARCH_INDEX_IN_BACKGROUND``, the default: a save
never waits for the index, and one index commit serves many saves), or at
once in the committing thread. Applying re-reads each object in a **new**
session (the committed state), asks its adapter, and indexes or unindexes it.
A rolled back transaction writes and indexes nothing. A failure is logged on
``lieudit.search`` and never raised into the request: the rows stay, and the
next drain (or ``lieudit search update``) applies them.

The backend of each database is found by engine (:func:`register`), so
sessions opened outside a request (CLI, importers) are indexed too. Inside
a bulk write (``wiki.signals.bulk``: ``lieudit import``), commits wake no
indexing: the outbox is applied once at its end (``bulk_ended``), in large
batches, before the command returns.
"""

from __future__ import annotations

import itertools
import logging
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import event
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import signals
from wiki.records.models import Record
from wiki.search import outbox
from wiki.search.adapters import ADAPTERS
from wiki.search.adapters import doc_id
from wiki.search.backend import Document
from wiki.search.backend import SearchBackend
from wiki.storage_faults import log_fault

log = logging.getLogger("lieudit.search")

PENDING = "lieudit.search.pending"
#: ``session.info`` flag: this transaction wrote rows into the outbox.
WRITTEN = "lieudit.search.written"
#: Objects read and indexed at a time after a commit (an import of 10,000 pages stays in bounded memory).
REFRESH_BATCH = 1000
#: Forms are not indexed; a change of form re-indexes its records.
FORM = "form"
_muted: ContextVar[bool] = ContextVar("lieudit_search_muted", default=False)
_backends: weakref.WeakKeyDictionary[Engine, SearchBackend] = weakref.WeakKeyDictionary()
#: Engines whose outbox a background thread applies, and their thread once started.
_background: weakref.WeakKeyDictionary[Engine, outbox.Worker | None] = weakref.WeakKeyDictionary()


def register(engine: Engine, backend: SearchBackend, *, background: bool = False) -> None:
    """Index what is committed through ``engine`` into ``backend`` (by a background thread when asked)."""
    _backends[engine] = backend
    if background:
        _background.setdefault(engine, None)
    elif (worker := _background.pop(engine, None)) is not None:
        worker.stop()


def unregister(engine: Engine) -> None:
    """Stop indexing what is committed through ``engine`` (and its background thread)."""
    _backends.pop(engine, None)
    worker = _background.pop(engine, None)
    if worker is not None:
        worker.stop()


def apply_outbox(engine: Engine, *, wait: bool = True) -> int:
    """Apply the waiting changes of ``engine``'s outbox now; return how many rows were applied."""
    backend = backend_for(engine)
    return 0 if backend is None else outbox.drain(engine, backend, _apply, wait=wait)


def wake(engine: Engine) -> None:
    """Have the waiting changes applied: by the engine's background thread (started on first use), or now."""
    if engine in _background:
        worker = _background.get(engine)
        if worker is None:
            backend = backend_for(engine)
            if backend is None:
                return
            worker = _background[engine] = outbox.Worker(engine, backend, _apply)
        worker.wake()
        return
    started = time.perf_counter()
    try:
        count = apply_outbox(engine)
    except Exception as err:
        # A full disk is one line in the log (its changes wait in the outbox); anything else, a traceback.
        if log_fault(err, "search index write (the outbox keeps the changes)") is None:
            log.exception("search: applying the outbox failed; run `lieudit search update`")
    else:
        log.debug("search: %d changes indexed in %.0f ms", count, (time.perf_counter() - started) * 1000)


def backend_for(engine: Engine) -> SearchBackend | None:
    """Return the backend registered for ``engine``, if any."""
    return _backends.get(engine)


@contextmanager
def muted() -> Iterator[None]:
    """Record nothing while inside (bulk imports: run ``lieudit search update`` after)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def track(session: Session, kind: str, key: Any) -> None:
    """Remember that object ``kind``/``key`` changed in this session's transaction."""
    if not _muted.get() and key is not None:
        session.info.setdefault(PENDING, set()).add((kind, str(key)))


# --- signal subscribers: they only record ---------------------------------------------


class _Tracker:
    """Receiver of one signal for one adapter: records the object named by ``argument``."""

    def __init__(self, kind: str, argument: str) -> None:
        self.kind, self.argument = kind, argument

    def __call__(self, sender: Any, *, session: Session, **kw: Any) -> None:
        changed = kw.get(self.argument)
        track(session, self.kind, getattr(changed, "id", None))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Tracker) and (other.kind, other.argument) == (self.kind, self.argument)

    def __hash__(self) -> int:
        return hash((self.kind, self.argument))


def on_form_saved(sender: Any, *, session: Session, form: Any, **kw: Any) -> None:
    """A form changed: its records' documents may change (titles, field visibility)."""
    track(session, FORM, form.id)


#: Receivers stay referenced here: blinker holds them weakly.
_receivers: dict[tuple[Any, _Tracker], _Tracker] = {}


def _subscriptions() -> list[tuple[Any, Any]]:
    """Every (signal, receiver) pair: those the adapters declare, and form changes."""
    pairs: list[tuple[Any, Any]] = [(signals.form_saved, on_form_saved)]
    for adapter in ADAPTERS.values():
        for signal, argument in adapter.signals:
            tracker = _Tracker(adapter.kind, argument)
            pairs.append((signal, _receivers.setdefault((signal, tracker), tracker)))
    return pairs


# --- after commit ----------------------------------------------------------------------


def _engine_of(session: Session) -> Engine | None:
    try:
        bind = session.get_bind()
    except Exception:  # no bind: nothing to index from
        return None
    return bind if isinstance(bind, Engine) else getattr(bind, "engine", None)


def _before_commit(session: Session) -> None:
    """Write the transaction's changed objects into the outbox, in the transaction itself."""
    if session.in_nested_transaction():
        return
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    engine = _engine_of(session)
    if engine is None or backend_for(engine) is None:
        return
    outbox.write(session.connection(), pending)
    session.info[WRITTEN] = True


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # SQLAlchemy also announces the release of a SAVEPOINT as a commit: the
        # outer transaction still holds the changes (and SQLite's write lock),
        # so reading them from another session now would wait on ourselves.
        return
    if not session.info.pop(WRITTEN, False) or signals.in_bulk():
        return  # in a bulk write, the outbox is applied once at its end (``signals.bulk_ended``)
    engine = _engine_of(session)
    if engine is not None:
        wake(engine)


def _after_soft_rollback(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole unit of work is undone
        session.info.pop(PENDING, None)
        session.info.pop(WRITTEN, None)


def _apply(engine: Engine, backend: SearchBackend, refs: list[tuple[str, str]]) -> None:
    refresh(engine, backend, refs)


def refresh(engine: Engine, backend: SearchBackend, refs: Iterable[tuple[str, str]]) -> tuple[int, int]:
    """Re-read objects ``(kind, key)`` in a new session; index the public ones, unindex the others.

    The documents are built ``REFRESH_BATCH`` at a time (a big import's are
    never all in memory) and streamed into **one** index write, then the
    others are removed in one more: a backlog of thousands of changes is one
    index commit, not one per batch. Returns (indexed, removed).
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for kind, key in refs:
        wanted[kind].add(str(key))
    if wanted.get(FORM):
        with Session(bind=engine) as db:
            form_ids = [int(k) for k in wanted.pop(FORM) if k.isdigit()]
            wanted["record"].update(str(k) for k in db.scalars(select(Record.id).where(Record.form_id.in_(form_ids))))
    gone: list[str] = []
    stream = _stream(engine, wanted, gone)
    first = next(stream, None)  # no index write at all when nothing is left to index
    indexed = 0 if first is None else backend.index(itertools.chain([first], stream))
    if gone:
        backend.delete(gone)
    return indexed, len(gone)


def _stream(engine: Engine, wanted: dict[str, set[str]], gone: list[str]) -> Iterator[Document]:
    """Yield the documents of the indexable objects of ``wanted``; add the ids of the others to ``gone``."""
    for kind, keys in wanted.items():
        if kind not in ADAPTERS:
            log.warning("search: no adapter for %r", kind)
            continue
        ordered = sorted(keys)
        for start in range(0, len(ordered), REFRESH_BATCH):
            docs, removed = _documents(engine, kind, ordered[start : start + REFRESH_BATCH])
            gone.extend(removed)
            yield from docs


def _documents(engine: Engine, kind: str, keys: list[str]) -> tuple[list[Document], list[str]]:
    """The documents of the indexable objects among ``keys``, and the ids of the others, read in a new session."""
    adapter = ADAPTERS[kind]
    docs: list[Document] = []
    gone: list[str] = []
    # A read: begun deferred, never queued behind a writer (a long import) for SQLite's write lock.
    with Session(bind=engine.execution_options(lieudit_read_only=True), expire_on_commit=False) as db:
        found = adapter.load_for_indexing(db, set(keys))
        for key in keys:
            obj = found.get(int(key)) if key.isdigit() else None
            try:
                if obj is not None and adapter.is_indexable(obj):
                    docs.append(adapter.to_document(obj))
                    continue
            except Exception:
                log.exception("search: cannot build the document of %s:%s", kind, key)
            gone.append(doc_id(kind, key))
        db.rollback()  # read only: end the transaction before the (slower) index writes
    return docs, gone


def connect(engine: Engine | None = None, backend: SearchBackend | None = None, *, background: bool = False) -> None:
    """Subscribe to the domain signals and install the commit listeners (idempotent).

    With ``engine`` and ``backend``, also register the backend for that engine.
    """
    for signal, receiver in _subscriptions():
        signal.connect(receiver)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", _after_soft_rollback)
    if engine is not None and backend is not None:
        register(engine, backend, background=background)


def disconnect() -> None:
    """Undo :func:`connect` (tests)."""
    for signal, receiver in _subscriptions():
        signal.disconnect(receiver)
    if event.contains(Session, "after_commit", _after_commit):
        event.remove(Session, "before_commit", _before_commit)
        event.remove(Session, "after_commit", _after_commit)
        event.remove(Session, "after_soft_rollback", _after_soft_rollback)
