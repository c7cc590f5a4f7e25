"""After-commit indexing from the domain signals, and the reconciliation helpers."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.db import Database
from wiki.pages import moderation
from wiki.pages import services as pages
from wiki.records import form_services
from wiki.records import services
from wiki.search import indexer
from wiki.search import maintenance
from wiki.search import outbox
from wiki.search.backend import Query
from wiki.search.postgres_backend import PostgresBackend
from wiki.search.postgres_backend import ensure_schema
from wiki.search.whoosh_backend import WhooshBackend

FIELDS = [
    {"key": "nom", "type": "text", "label": "Nom", "required": True},
    {"key": "description", "type": "longtext", "label": "Description"},
]


@pytest.fixture
def search(app: Any, tmp_path: Any) -> Iterator[Any]:
    """The app's database indexed into Whoosh (SQLite) or into PostgreSQL itself."""
    engine = Database.engine(app)
    if engine.dialect.name == "postgresql":
        ensure_schema(engine)
        backend: Any = PostgresBackend(engine)
    else:
        backend = WhooshBackend(tmp_path / "index")
    indexer.connect(engine, backend)
    yield backend
    indexer.unregister(engine)
    backend.close()


@pytest.fixture
def moderator(db):
    user = make_user(db, "Modo", role="moderator")
    db.commit()
    return user


@pytest.fixture
def form(db, moderator):
    created = form_services.create_form(db, key="lieu", title="Lieu", fields=FIELDS, actor=moderator, title_field="nom")
    db.commit()
    return created


def found(backend: Any, text: str) -> set[str]:
    return {hit.id for hit in backend.search(Query(text=text)).hits}


def test_a_saved_page_is_searchable_once_committed(db, search):
    page = make_page(db, "Médiathèque de Redon", "Prêt de vélos.")
    assert found(search, "mediatheque") == set()
    started = time.perf_counter()
    db.commit()
    elapsed = time.perf_counter() - started
    assert found(search, "velo") == {f"page:{page.id}"}
    assert elapsed < 1.0  # the target is 200 ms; CI machines vary


def test_rolled_back_changes_are_not_indexed(db, search):
    make_page(db, "Page abandonnée")
    db.rollback()
    assert db.info.get(indexer.PENDING) is None
    make_page(db, "Page gardée")
    db.commit()
    assert found(search, "abandonnee") == set() and len(found(search, "gardee")) == 1


def test_deleted_pages_leave_and_restored_ones_return(db, search, moderator):
    page = make_page(db, "Jardin partagé")
    db.commit()
    moderation.delete_page(db, page, actor=moderator)
    db.commit()
    assert found(search, "jardin") == set()
    moderation.restore_page(db, page, actor=moderator)
    db.commit()
    assert found(search, "jardin") == {f"page:{page.id}"}


def test_records_follow_their_status(db, search, form, moderator):
    record = services.create_record(
        db, form, {"nom": "Atelier vélo"}, actor=moderator, policy="account", status="draft"
    )
    db.commit()
    assert found(search, "atelier") == set()
    services.set_status(db, record, "published", actor=moderator)
    db.commit()
    assert found(search, "atelier") == {f"record:{record.id}"}
    services.delete_record(db, record, actor=moderator)
    db.commit()
    assert found(search, "atelier") == set()


def test_a_form_change_reindexes_its_records(db, search, form, moderator):
    services.create_record(
        db, form, {"nom": "Ressourcerie", "description": "Ouverte le samedi"}, actor=moderator, policy="account"
    )
    db.commit()
    assert len(found(search, "samedi")) == 1
    fields = [dict(f, visibility="private") if f["key"] == "description" else f for f in form.fields]
    form_services.update_form(db, form, title=form.title, fields=fields, actor=moderator)
    db.commit()
    assert found(search, "samedi") == set() and len(found(search, "ressourcerie")) == 1


def test_failures_are_logged_never_raised(db, search, caplog, monkeypatch):
    def broken(docs):
        raise OSError("disque plein")

    monkeypatch.setattr(search, "index", broken)
    make_page(db, "Page malchanceuse")
    with caplog.at_level(logging.ERROR, logger="lieudit.search"):
        db.commit()
    assert "lieudit search update" in caplog.text
    assert outbox.pending(db.get_bind()) == 1  # the change waits in the outbox, never lost
    monkeypatch.undo()
    drift = maintenance.update(db.get_bind(), search)
    assert drift.clean and len(found(search, "malchanceuse")) == 1
    assert outbox.pending(db.get_bind()) == 0


def test_muted_bulk_work_then_update(db, search, form, moderator):
    engine = db.get_bind()
    with indexer.muted():
        for i in range(3):
            services.create_record(db, form, {"nom": f"Four à pain {i}"}, actor=moderator, policy="account")
        make_page(db, "Four banal")
        db.commit()
    assert found(search, "four") == set()
    drift = maintenance.check(engine, search)
    assert len(drift.missing) == 4 and not drift.clean and "4 manquants" in drift.summary()
    assert len(maintenance.check(engine, search, quick=True).missing) == 4
    maintenance.update(engine, search)
    assert len(found(search, "four")) == 4 and maintenance.check(engine, search).clean


def test_check_finds_extra_and_stale_and_rebuild_repairs(db, search, form, moderator):
    engine = db.get_bind()
    page = make_page(db, "Lavoir du bourg")
    db.commit()
    with indexer.muted():
        pages.save_page(
            db,
            page,
            body="Restauré en 2024.",
            comment="",
            actor=moderator,
            base_revision_id=page.current_revision_id,
            policy="account",
        )
        db.commit()
    search.index([{"id": "page:999999", "kind": "page", "title": "Fantôme", "body": "", "updated_at": page.updated_at}])
    drift = maintenance.check(engine, search)
    assert drift.stale == {f"page:{page.id}"} and drift.extra == {"page:999999"} and not drift.missing
    assert maintenance.rebuild(engine, search) == 1
    assert maintenance.check(engine, search).clean and found(search, "restaure") == {f"page:{page.id}"}


def test_a_rebuild_catches_up_forms_changed_while_it_read_not_just_before(db, search, form, moderator, monkeypatch):
    engine = db.get_bind()
    services.create_record(db, form, {"nom": "Ressourcerie"}, actor=moderator, policy="account")
    db.commit()
    asked: list[set[tuple[str, str]]] = []
    refresh = indexer.refresh
    monkeypatch.setattr(indexer, "refresh", lambda e, b, refs: asked.append(set(refs)) or refresh(e, b, refs))
    assert maintenance.rebuild(engine, search) == 1  # the form was saved a moment ago, before the rebuild read it
    assert not any(kind == indexer.FORM for refs in asked for kind, _key in refs)
    read_before = {form.id: form.updated_at}
    form_services.update_form(
        db,
        form,
        title=form.title,
        fields=[*form.fields, {"key": "horaires", "type": "text", "label": "Horaires"}],
        actor=moderator,
    )  # as if edited while the rebuild read
    db.commit()
    asked.clear()
    maintenance.catch_up(engine, search, since=form.updated_at, forms=read_before)
    assert (indexer.FORM, str(form.id)) in set().union(*asked)


def test_a_new_kind_is_one_adapter_and_its_signal(db, search):
    """How zones (or any later kind) join the index: register an adapter naming its signals."""
    from blinker import Namespace

    from wiki.search import adapters

    zone_saved = Namespace().signal("zone-saved")

    class NoteAdapter(adapters.PageAdapter):
        kind, label, signals = "note", "Note", ((zone_saved, "note"),)

    adapters.register(NoteAdapter())
    try:
        indexer.connect()
        page = make_page(db, "Commune de Redon")
        zone_saved.send(None, session=db, note=page)
        db.commit()
        assert {f"note:{page.id}", f"page:{page.id}"} <= search.all_ids()
        assert maintenance.check(db.get_bind(), search).clean
    finally:
        indexer.disconnect()
        del adapters.ADAPTERS["note"]
        indexer.connect()


def test_a_released_savepoint_waits_for_the_real_commit(app, db):
    """Importers save row by row in savepoints: indexing must wait for the outer commit (and never deadlock on SQLite)."""
    from wiki.search import get_backend

    author = make_user(db, "Importeuse")
    db.commit()
    savepoint = db.begin_nested()
    make_page(db, "Savepoint relâché", "Un texte sur les lavoirs.\n", actor=author)
    started = time.perf_counter()
    savepoint.commit()
    assert time.perf_counter() - started < 2  # did not wait for SQLite's lock
    backend = get_backend(app)
    assert backend.search(Query(text="lavoirs")).total == 0
    db.commit()
    assert backend.search(Query(text="lavoirs")).total == 1
