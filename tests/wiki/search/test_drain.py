"""A large backlog of the search outbox (an import) drained set-wise gives the index a full rebuild gives.

The drain builds the documents of a batch with one query per table (the
records' map zones read together, ``wiki.search.record_zones``), streams
them into one index write, and adds the documents the index does not hold
without looking for a previous version (``WhooshBackend.index``). These
tests hold it to the documents, hits and stored fields of a rebuild, on
both databases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert

from geodata.models import RecordZone
from tests.support.statements import statements_with
from tests.wiki.search.test_indexer import found
from wiki import signals
from wiki.db import Database
from wiki.records import services
from wiki.search import maintenance
from wiki.search import outbox
from wiki.search.backend import Query
from wiki.search.whoosh_backend import WhooshBackend

QUERIES = ("atelier", "velo", "lavoir", "samedi", "jardin partage", "atelier -velo", "ouvert*", "redon")


def _import_like(db: Any, form: Any, moderator: Any, app: Any) -> dict[str, Any]:
    """Write what an import writes, inside a bulk write: records committed in batches, some changed again."""
    kept: dict[str, Any] = {}
    with signals.bulk(app, echo=lambda line: None):
        for batch in range(3):
            for n in range(8):
                number = batch * 8 + n
                services.create_record(
                    db,
                    form,
                    {"nom": f"Atelier vélo {number}", "description": f"Ouvert le samedi, lavoir n° {number} à Redon"},
                    actor=moderator,
                    policy="account",
                )
            db.commit()
        draft = services.create_record(
            db, form, {"nom": "Jardin partagé brouillon"}, actor=moderator, policy="account", status="draft"
        )
        twice = services.create_record(db, form, {"nom": "Jardin partagé"}, actor=moderator, policy="account")
        gone = services.create_record(db, form, {"nom": "Lavoir disparu"}, actor=moderator, policy="account")
        db.commit()
        services.update_record(
            db, twice, {"nom": "Jardin partagé du bourg"}, actor=moderator, policy="account", base_revision=None
        )
        db.commit()
        services.update_record(
            db, twice, {"nom": "Jardin partagé du port"}, actor=moderator, policy="account", base_revision=None
        )
        services.delete_record(db, gone, actor=moderator)
        db.execute(insert(RecordZone), [{"record_id": twice.id, "zone_level": "commune", "zone_code": "35236"}])
        db.commit()
        kept.update(draft=draft, twice=twice, gone=gone, pending=outbox.pending(Database.engine(app)))
    return kept


def _hits(backend: Any, text: str) -> list[tuple[Any, ...]]:
    results = backend.search(Query(text=text, per_page=100))
    hits = [(h.id, h.kind, h.title, h.url, h.excerpt, h.snippet, h.form, h.status) for h in results.hits]
    return [*sorted(hits), results.total, sorted(results.facets.items())]


def test_a_backlog_drained_at_the_end_of_a_bulk_write_indexes_what_a_rebuild_does(app, db, search, form, moderator):
    engine = Database.engine(app)
    kept = _import_like(db, form, moderator, app)
    assert kept["pending"] > 0  # nothing was applied during the bulk write: the outbox waited
    assert outbox.pending(engine) == 0  # and all of it at its end
    assert maintenance.check(engine, search).clean  # the documents a rebuild builds, digest for digest
    assert found(search, "port") == {f"record:{kept['twice'].id}"}  # its last state, once
    assert found(search, "bourg") == set() and found(search, "brouillon") == set()
    assert found(search, "disparu") == set()
    assert search.search(Query(text="jardin", filters={"zones": ("35236",)})).total == 1  # map zones read set-wise
    drained = {query: _hits(search, query) for query in QUERIES}
    assert drained["atelier"][-2] == 24
    if isinstance(search, WhooshBackend):
        searcher = search._searcher()
        assert searcher.doc_count() == 25  # no second copy of the record changed twice
        stored = sorted(searcher.all_stored_fields(), key=lambda fields: fields["id"])
        assert maintenance.rebuild(engine, search) == 25
        assert sorted(search._searcher().all_stored_fields(), key=lambda fields: fields["id"]) == stored
    else:
        maintenance.rebuild(engine, search)
    assert {query: _hits(search, query) for query in QUERIES} == drained


def test_a_drain_reads_the_map_zones_of_a_batch_in_one_query(app, db, search, form, moderator):
    engine = Database.engine(app)
    with signals.bulk(app, echo=lambda line: None):
        records = [
            services.create_record(db, form, {"nom": f"Lavoir {n}"}, actor=moderator, policy="account")
            for n in range(12)
        ]
        db.commit()
    assert len(found(search, "lavoir")) == 12
    db.execute(
        insert(RecordZone), [{"record_id": r.id, "zone_level": "commune", "zone_code": "35236"} for r in records]
    )
    db.commit()  # not a content change: the index has not heard of it
    with engine.begin() as conn:
        outbox.write(conn, [("record", str(r.id)) for r in records])
    with statements_with(engine, "record_zones") as zone_reads:
        signals.bulk_ended.send(app, echo=lambda line: None)
    assert len(zone_reads) == 1  # one per record before
    assert search.search(Query(text="lavoir", filters={"zones": ("35236",)})).total == 12


def test_an_indexed_object_changed_in_a_backlog_is_replaced_not_doubled(app, db, search, form, moderator):
    record = services.create_record(db, form, {"nom": "Ressourcerie"}, actor=moderator, policy="account")
    db.commit()  # indexed at once (no bulk write)
    assert found(search, "ressourcerie") == {f"record:{record.id}"}
    with signals.bulk(app, echo=lambda line: None):
        services.update_record(db, record, {"nom": "Recyclerie"}, actor=moderator, policy="account", base_revision=None)
        db.commit()
        services.update_record(
            db, record, {"nom": "Recyclerie du canal"}, actor=moderator, policy="account", base_revision=None
        )
        db.commit()
        assert found(search, "ressourcerie") == {f"record:{record.id}"}  # the index lags until the end
    assert found(search, "ressourcerie") == set() and found(search, "canal") == {f"record:{record.id}"}
    assert search.search(Query(text="recyclerie")).total == 1
