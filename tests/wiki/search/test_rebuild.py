"""A full rebuild gives the index the incremental indexing gives, and swaps it in whole or not at all."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from geodata.models import RecordZone
from tests.factories import make_page
from tests.factories import make_user
from wiki.db import Database
from wiki.pages import moderation
from wiki.records import form_services
from wiki.records import services
from wiki.search import adapters
from wiki.search import indexer
from wiki.search import maintenance
from wiki.search import whoosh_rebuild
from wiki.search.backend import Query
from wiki.search.whoosh_backend import WhooshBackend
from wiki.search.whoosh_writing import REBUILD_LIMIT_MB
from wiki.search.whoosh_writing import REBUILD_PART_DOCS
from wiki.search.whoosh_writing import rebuild_options
from wiki.search.whoosh_writing import rebuild_part_docs

FIELDS: list[dict[str, Any]] = [
    {"key": "nom", "type": "text", "label": "Nom", "required": True},
    {"key": "description", "type": "longtext", "label": "Description"},
]
QUERIES = ("atelier", "velo", "jardin", "four pain", '"atelier velo"', "mediatheque", "brouillon", "lieu", "redon")


@pytest.fixture
def incremental(app: Any, tmp_path: Path) -> Iterator[WhooshBackend]:
    """A Whoosh index kept up to date after each commit, as the site does."""
    engine = Database.engine(app)
    backend = WhooshBackend(tmp_path / "incremental" / "index")
    indexer.connect(engine, backend)
    yield backend
    indexer.unregister(engine)
    backend.close()


@pytest.fixture
def corpus(app: Any, db: Session, incremental: WhooshBackend, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages and records of every status, some placed in map zones, read by batches of 3."""
    monkeypatch.setattr(adapters, "LOAD_BATCH", 3)  # several batches of records, and of their zones
    moderator = make_user(db, "Modo", role="moderator")
    form = form_services.create_form(db, key="lieu", title="Lieu", fields=FIELDS, actor=moderator, title_field="nom")
    db.commit()
    for n in range(5):
        make_page(db, f"Médiathèque {n}", f"Atelier vélo n° {n} à Redon, jardin partagé.\n", actor=moderator)
    gone = make_page(db, "Page supprimée", "Atelier vélo supprimé.", actor=moderator)
    db.commit()
    moderation.delete_page(db, gone, actor=moderator, comment="doublon")
    records = []
    for n, status in enumerate(["published"] * 8 + ["archived", "draft", "pending", "published", "published"]):
        data = {"nom": f"Four à pain {n}", "description": f"Atelier vélo, jardin, {status}."}
        records.append(services.create_record(db, form, data, actor=moderator, policy="account", status=status))
    db.flush()
    for n, record in enumerate(records[:10]):
        db.add(RecordZone(record_id=record.id, zone_level="commune", zone_code=f"35{n % 3:03d}"))
        db.add(RecordZone(record_id=record.id, zone_level="epci", zone_code="243500139"))
    db.commit()
    services.set_status(db, records[-2], "draft", actor=moderator)  # withdrawn after publication
    services.delete_record(db, records[-1], actor=moderator)
    db.commit()
    indexer.apply_outbox(Database.engine(app))


def found(backend: WhooshBackend, text: str) -> list[tuple[str, str]]:
    """Ids and snippets of every hit, in order."""
    return [(hit.id, hit.snippet) for hit in backend.search(Query(text=text, per_page=100)).hits]


def test_a_rebuild_answers_like_the_incremental_index(
    db: Session, incremental: WhooshBackend, corpus: None, tmp_path: Path
) -> None:
    rebuilt = WhooshBackend(tmp_path / "rebuilt" / "index")
    try:
        with Session(bind=db.get_bind()) as reading:
            count = rebuilt.rebuild(maintenance.documents(reading))  # the rebuild's settings: two writer processes
        assert rebuilt.digests() == incremental.digests()  # the same documents, field for field
        assert count == len(rebuilt.all_ids())
        by_kind = [value.split(":")[0] for value in rebuilt.all_ids()]
        assert (by_kind.count("page"), by_kind.count("record")) == (5, 9)  # no deleted page, draft or withdrawn record
        zoned = rebuilt.search(Query(text="four", filters={"zones": ("epci:243500139",)}))
        assert zoned.total == 9  # the map zones of every batch reached their records (the draft one is not indexed)
        for text in QUERIES:
            assert found(rebuilt, text) == found(incremental, text), text
            assert rebuilt.search(Query(text=text)).facets == incremental.search(Query(text=text)).facets, text
    finally:
        rebuilt.close()


def test_a_failed_rebuild_leaves_the_old_index_in_service(app: Any, incremental: WhooshBackend, corpus: None) -> None:
    before = os.path.realpath(incremental.path)
    expected = {text: found(incremental, text) for text in QUERIES}

    def broken(db: Session) -> Iterator[Any]:
        yield from list(maintenance.documents(db))[:4]
        raise OSError("disque plein")

    for procs in (1, 2):
        with Session(bind=Database.engine(app)) as reading, pytest.raises(OSError):
            incremental.rebuild(broken(reading), procs=procs)
        assert os.path.realpath(incremental.path) == before
        assert not incremental.path.with_name("index.tmp").exists()
        assert {text: found(incremental, text) for text in QUERIES} == expected
    incremental.index([])  # and the index still takes writes (the lock was released)


def test_the_swap_is_atomic_and_open_searchers_keep_their_index(
    app: Any, incremental: WhooshBackend, corpus: None
) -> None:
    before = os.path.realpath(incremental.path)
    old = set(incremental.all_ids())
    other = WhooshBackend(incremental.path)  # another worker of the site, its searcher opened before the swap
    assert {h.id for h in other.search(Query(text="atelier", per_page=100)).hits}
    seen_during: list[tuple[str, set[str]]] = []

    def docs(db: Session) -> Iterator[Any]:
        for doc in maintenance.documents(db):
            if not seen_during:  # the new index is being written: searches still read the old one, whole
                seen_during.append((os.path.realpath(incremental.path), incremental.all_ids()))
            if doc["kind"] == "page":
                yield doc

    try:
        with Session(bind=Database.engine(app)) as reading:
            assert incremental.rebuild(docs(reading)) == 5
        assert seen_during == [(before, old)]
        assert incremental.path.is_symlink() and os.path.realpath(incremental.path) != before
        assert not Path(before).exists()  # the previous folder is removed once swapped out
        assert {v.split(":")[0] for v in incremental.all_ids()} == {"page"}
        assert {v.split(":")[0] for v in other.all_ids()} == {"page"}  # reopened on the new index at its next read
    finally:
        other.close()


def test_rebuild_settings_fit_the_machine() -> None:
    chosen = rebuild_options()
    assert chosen["procs"] == min(2, os.cpu_count() or 1) and chosen["multisegment"]
    assert REBUILD_LIMIT_MB[0] <= chosen["limitmb"] <= REBUILD_LIMIT_MB[1]
    assert rebuild_options(procs=1, limitmb=32) | {"codec": None} == {
        **chosen,
        "procs": 1,
        "limitmb": 32,
        "codec": None,
    }


def stored(backend: WhooshBackend) -> list[dict[str, Any]]:
    """Every stored document, in index order."""
    return list(backend._searcher().all_stored_fields())


@pytest.mark.parametrize(("parts", "procs"), [(1, 1), (3, 1), (2, 2), (3, 2)])
def test_a_parallel_rebuild_gives_the_same_index_whatever_the_processes(
    app: Any,
    incremental: WhooshBackend,
    corpus: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    parts: int,
    procs: int,
) -> None:  # no catch-up here: it would re-index the corpus just written, in another order
    engine = Database.engine(app)
    serial = WhooshBackend(tmp_path / "serial" / "index")
    rebuilt = WhooshBackend(tmp_path / "rebuilt" / "index")
    try:
        with Session(bind=engine) as reading:
            serial.rebuild(maintenance.documents(reading), procs=1)  # one writer, documents built in this process
            split = maintenance.plan(reading, procs, parts)
            in_parts = [doc["id"] for spans in split for doc in maintenance.documents(reading, spans)]
            assert len(split) == parts and in_parts == [doc["id"] for doc in maintenance.documents(reading)]
        jobs = [partial(maintenance.part_documents, engine, spans) for spans in split]
        assert rebuilt.rebuild_parts(jobs, procs=procs, setup=partial(engine.dispose, close=False)) == 14
        segments = rebuilt._searcher().reader()
        assert len(segments.readers) == parts if parts > 1 else segments.is_atomic()  # one segment per part
        assert stored(rebuilt) == stored(serial)  # the same documents, in the same order
        assert rebuilt.digests() == incremental.digests()
        for text in QUERIES:
            assert found(rebuilt, text) == found(incremental, text), text
            assert rebuilt.search(Query(text=text)).facets == incremental.search(Query(text=text)).facets, text
    finally:
        serial.close()
        rebuilt.close()


def test_a_failed_parallel_rebuild_leaves_the_old_index_and_frees_the_locks(
    app: Any, incremental: WhooshBackend, corpus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Database.engine(app)
    before = os.path.realpath(incremental.path)
    expected = {text: found(incremental, text) for text in QUERIES}

    def full_disk(writer: Any) -> None:
        raise OSError("disque plein")

    monkeypatch.setattr(WhooshBackend, "rebuild_procs", staticmethod(lambda: 2))
    with monkeypatch.context() as patch:
        patch.setattr(whoosh_rebuild.RebuildWriter, "_flush_segment", full_disk)  # in every writer process
        with pytest.raises(OSError, match="disque plein"):
            maintenance.rebuild(engine, incremental, parts=2)
    assert os.path.realpath(incremental.path) == before
    assert not incremental.path.with_name("index.tmp").exists()
    assert {text: found(incremental, text) for text in QUERIES} == expected
    incremental.index([])  # the index lock is free
    assert maintenance.rebuild(engine, incremental, parts=2) == 14  # and so is the rebuild lock
    # the same hits (ties in another order: the catch-up re-indexed the corpus written just before)
    assert {text: sorted(found(incremental, text)) for text in QUERIES} == {t: sorted(h) for t, h in expected.items()}


def test_the_parts_are_read_without_the_write_lock(
    app: Any, incremental: WhooshBackend, corpus: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Database.engine(app)  # on PostgreSQL: the forked processes read through connections of their own
    reading = maintenance.documents

    def documents_then_write(db: Session, spans: Any = None) -> Iterator[Any]:
        for number, doc in enumerate(reading(db, spans)):
            if number == 1 and engine.dialect.name == "sqlite":  # a part is being read: the site can write, at once
                other = sqlite3.connect(engine.url.database, timeout=0)
                other.execute("BEGIN IMMEDIATE")
                other.rollback()
                other.close()
            yield doc

    monkeypatch.setattr(maintenance, "documents", documents_then_write)
    monkeypatch.setattr(WhooshBackend, "rebuild_procs", staticmethod(lambda: 2))
    assert maintenance.rebuild(engine, incremental, parts=2) == 14


def test_parts_hold_at_most_what_the_memory_allows(db: Session, corpus: None) -> None:
    split = maintenance.plan(db, 2, most=4)  # 14 objects, 2 processes: 2 rounds of 2 parts of at most 4
    sizes = [sum(1 for _doc in maintenance.documents(db, spans)) for spans in split]
    assert len(split) == 4 and max(sizes) <= 4 and sum(sizes) == 14
    assert len(maintenance.plan(db, 2)) == 2  # a small site: one part per process
    low, high = REBUILD_PART_DOCS
    assert low <= rebuild_part_docs(2) <= rebuild_part_docs(1) <= high
