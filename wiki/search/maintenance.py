"""Rebuild, reconcile and check the index against the database (``lieudit search …``).

- :func:`rebuild` builds a whole new index aside and swaps it in (searches
  go on), then re-indexes what changed in the database meanwhile;
- :func:`check` compares the database with the index: documents missing,
  extra (deleted or made private since) and stale (content differs);
- :func:`update` repairs exactly that difference.

``check`` and ``update`` build the expected document of every public object
(the only way to see a field made private since); ``quick=True`` compares
ids only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from functools import partial
from typing import Any
from typing import Protocol
from typing import runtime_checkable

from sqlalchemy import Engine
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.db import utcnow
from wiki.records.models import Form
from wiki.search import indexer
from wiki.search import outbox
from wiki.search.adapters import ADAPTERS
from wiki.search.adapters import split_id
from wiki.search.backend import Document
from wiki.search.backend import SearchBackend
from wiki.search.backend import digest
from wiki.search.backend import normalise

log = logging.getLogger("lieudit.search")

#: Changes this close before a rebuild started are indexed again after it.
CATCH_UP_MARGIN = timedelta(seconds=5)
#: Part of a rebuild: objects of one kind with ids between two bounds (included).
Span = tuple[str, tuple[int, int]]


@runtime_checkable
class ParallelRebuild(Protocol):
    """A backend that rebuilds from parts of the objects, each in a process of its own (Whoosh)."""

    def rebuild_procs(self) -> int:
        """How many processes a rebuild writes with."""
        ...

    def rebuild_part_objects(self) -> int:
        """How many objects one part holds at most."""
        ...

    def rebuild_parts(self, parts: Sequence[Callable[[], Iterable[Document]]], *, setup: Any = None) -> int:
        """Rebuild from the documents of ``parts``; return their number."""
        ...


@dataclass
class Drift:
    """How the index differs from the database."""

    missing: set[str] = field(default_factory=set)
    extra: set[str] = field(default_factory=set)
    stale: set[str] = field(default_factory=set)
    indexed: int = 0
    expected: int = 0

    @property
    def clean(self) -> bool:
        """Tell whether the index matches the database."""
        return not (self.missing or self.extra or self.stale)

    def summary(self) -> str:
        """Describe the difference in one French sentence."""
        if self.clean:
            return f"L'index est à jour : {self.indexed} documents."
        return (
            f"Index : {self.indexed} documents, base : {self.expected} ; "
            f"{len(self.missing)} manquants, {len(self.extra)} en trop, {len(self.stale)} périmés."
        )


def documents(db: Session, spans: Iterable[Span] | None = None) -> Iterator[Document]:
    """Yield the document of every public object of every kind, or of those in ``spans`` (errors logged and skipped)."""
    for kind, ids in [(kind, None) for kind in ADAPTERS] if spans is None else spans:
        adapter = ADAPTERS[kind]
        for obj in adapter.iter_indexable(db, ids):
            try:
                if adapter.is_indexable(obj):
                    yield adapter.to_document(obj)
            except Exception:
                log.exception("search: cannot build the document of %s:%s", kind, getattr(obj, "id", "?"))


def plan(db: Session, procs: int, parts: int | None = None, most: int = 50_000) -> list[list[Span]]:
    """Split the indexable objects into parts of about as many objects, in the order of :func:`documents`.

    A part is a list of spans, ``(kind, (first id, last id))``: what one
    process of a parallel rebuild reads and indexes into one segment. There
    are ``parts`` of them, or a multiple of ``procs`` of at most
    ``most`` objects each (a writer holds its part's postings in memory).
    """
    keys = [
        (kind, key)
        for kind, adapter in ADAPTERS.items()
        for key in db.scalars(adapter.select_indexable().with_only_columns(adapter.model.id).order_by(adapter.model.id))
    ]
    if parts is None:
        procs = max(1, procs)
        parts = procs * max(1, -(-len(keys) // (max(1, most) * procs)))
    size = max(1, -(-len(keys) // max(1, parts)))
    found: list[list[Span]] = []
    for start in range(0, len(keys), size):
        spans: list[Span] = []
        for kind, key in keys[start : start + size]:
            if spans and spans[-1][0] == kind:
                spans[-1] = (kind, (spans[-1][1][0], key))
            else:
                spans.append((kind, (key, key)))
        found.append(spans)
    return found


def rebuild(engine: Engine, backend: SearchBackend, *, parts: int | None = None) -> int:
    """Build the index anew from the database and swap it in; return the number of documents.

    A backend that writes in parallel (``rebuild_parts``: Whoosh) gets the
    objects split by id ranges (:func:`plan`), each part read from the
    database and indexed by a process of its own (``parts`` forces their
    number: benchmarks, tests).
    """
    started = utcnow() - CATCH_UP_MARGIN
    with Session(bind=engine) as db:
        forms = _form_versions(db)
        if not isinstance(backend, ParallelRebuild):
            count = backend.rebuild(documents(db))
        else:
            split = plan(db, backend.rebuild_procs(), parts, backend.rebuild_part_objects())
    if isinstance(backend, ParallelRebuild):
        jobs = [partial(part_documents, engine, spans) for spans in split]
        count = backend.rebuild_parts(jobs, setup=partial(engine.dispose, close=False))
    catch_up(engine, backend, started, forms)
    return count


def part_documents(engine: Engine, spans: list[Span]) -> Iterator[Document]:
    """The documents of one part of a parallel rebuild (:func:`plan`), read in a session of their own.

    Its transaction only reads (on SQLite, a deferred ``BEGIN``): the parts
    are read at the same time, and the site goes on writing meanwhile.
    """
    with Session(bind=engine.execution_options(lieudit_read_only=True)) as db:
        yield from documents(db, spans)


def rebuild_if_outdated(engine: Engine, backend: SearchBackend) -> int | None:
    """Rebuild an index written by an older schema (``lieudit init`` runs it on every upgrade); None if current."""
    if not backend.outdated():
        return None
    log.warning("search index written by an older schema: rebuilding it")
    return rebuild(engine, backend)


def _form_versions(db: Session) -> dict[int, datetime]:
    """When each form last changed (a changed form re-indexes all its records)."""
    return {key: moment for key, moment in db.execute(select(Form.id, Form.updated_at))}


def catch_up(engine: Engine, backend: SearchBackend, since: datetime, forms: dict[int, datetime]) -> int:
    """Re-index what changed while a rebuild was reading (its after-commit writes went to the old index).

    Objects changed since ``since`` (a few seconds before the rebuild began:
    a transaction can commit after its timestamps were taken). Forms, whose
    change re-indexes every record, are compared with ``forms``, the versions
    the rebuild read: a form created or edited just *before* the rebuild (the
    seed of a fresh instance) does not re-index all its records a second time.
    """
    refs: set[tuple[str, str]] = set()
    with Session(bind=engine) as db:
        for kind, adapter in ADAPTERS.items():
            refs |= {(kind, str(key)) for key in adapter.changed_since(db, since)}
        changed = {key for key, moment in _form_versions(db).items() if forms.get(key) != moment}
        refs |= {(indexer.FORM, str(key)) for key in changed}
    if not refs:
        return 0
    indexed, removed = indexer.refresh(engine, backend, refs)
    return indexed + removed


def check(engine: Engine, backend: SearchBackend, *, quick: bool = False) -> Drift:
    """Compare the database with the index (nothing is written)."""
    indexed = backend.digests()
    with Session(bind=engine) as db:
        if quick:
            expected_ids = set().union(*(adapter.all_ids(db) for adapter in ADAPTERS.values()))
            return Drift(
                missing=expected_ids - set(indexed),
                extra=set(indexed) - expected_ids,
                indexed=len(indexed),
                expected=len(expected_ids),
            )
        expected = {doc["id"]: digest(doc) for doc in map(normalise, documents(db))}
    common = expected.keys() & indexed.keys()
    return Drift(
        missing=set(expected) - set(indexed),
        extra=set(indexed) - set(expected),
        stale={key for key in common if expected[key] != indexed[key]},
        indexed=len(indexed),
        expected=len(expected),
    )


def update(engine: Engine, backend: SearchBackend, *, quick: bool = False) -> Drift:
    """Apply the outbox, then add what is missing, remove what is extra, refresh what is stale; return what was found."""
    outbox.drain(engine, backend, indexer.refresh)
    drift = check(engine, backend, quick=quick)
    refs = {split_id(value) for value in drift.missing | drift.extra | drift.stale}
    if refs:
        indexer.refresh(engine, backend, refs)
    return drift
