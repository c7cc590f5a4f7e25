"""The stored VEVENTs of the feeds (``export_vevents``): written by each save and by ``lieudit init``, moved by 0012."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from tests.wiki.exports.conftest import restart_feeds
from tests.wiki.exports.conftest import stored_vevents
from wiki.agenda import feeds
from wiki.agenda.models import AgendaOccurrence
from wiki.exports.ical import event_bytes
from wiki.exports.ical import serialiser
from wiki.exports.ical import zone_years
from wiki.exports.models import ExportVevent


def test_each_save_stores_the_vevents_the_feed_writes(db, agenda_events):
    series, fete, draft = agenda_events
    for record in (series, fete):
        row = db.get(ExportVevent, record.id)
        (mapping,) = feeds.feed_events(db, record_ids=[record.id])
        assert row.ical == event_bytes(mapping) and row.ical.count(b"BEGIN:VEVENT") >= 1
        assert row.zone == ("{} {} {}".format(*zone_years(mapping)) if zone_years(mapping) else None)
        assert row.stamp == record.updated_at and row.serialiser == serialiser()
    assert db.get(ExportVevent, series.id).ical.count(b"RECURRENCE-ID") == 2  # the moved date, the cancelled one
    assert db.get(ExportVevent, fete.id).zone is None  # all-day: no VTIMEZONE
    assert db.get(ExportVevent, series.id).zone.startswith("Europe/Paris 20")
    hidden = db.get(ExportVevent, draft.id)
    assert hidden is None  # not public: nothing to write


def test_stored_bytes_follow_publication_and_changes(client, db, events, agenda_events):  # noqa: F811
    _, _, draft = agenda_events
    from wiki.records import access
    from wiki.records import services as records

    records.set_status(db, draft, "published", actor=events.author)
    db.commit()
    assert b"SUMMARY:R\xc3\xa9union priv\xc3\xa9e" in db.get(ExportVevent, draft.id).ical
    records.update_record(db, draft, {**access.public_values(draft, events.author), "title": "Réunion publique"},
                          actor=events.author, policy="account", base_revision=None)  # fmt: skip
    db.commit()
    db.expire_all()
    stored = db.get(ExportVevent, draft.id).ical
    assert b"SUMMARY:R\xc3\xa9union publique" in stored and b"priv\xc3\xa9e" not in stored
    restart_feeds(client.application)
    assert stored in client.get("/agenda.ics").data
    records.set_status(db, draft, "draft", actor=events.author)
    db.commit()
    db.expire_all()
    assert db.get(ExportVevent, draft.id) is None  # no longer public: nothing kept


def test_init_after_an_upgrade_writes_missing_and_outdated_bytes(app, db, agenda_events):
    series, fete, draft = agenda_events
    db.execute(delete(ExportVevent))
    db.execute(
        insert(ExportVevent).values(record_id=series.id, ical=b"OLD", stamp=series.updated_at, serialiser="1/old")
    )
    db.commit()
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0 and "textes de 2 événement(s) écrits" in result.output  # the draft is not public
    db.expire_all()
    for record in (series, fete):
        (mapping,) = feeds.feed_events(db, record_ids=[record.id])
        row = db.get(ExportVevent, record.id)
        assert row.ical == event_bytes(mapping) and row.serialiser == serialiser()
    assert db.get(ExportVevent, draft.id) is None
    db.rollback()  # end the read: the command writes
    again = app.test_cli_runner().invoke(args=["init"])
    assert again.exit_code == 0 and "iCalendar" not in again.output


def test_migration_0012_moves_the_stored_bytes_off_the_agenda_rows(app, db, agenda_events):
    from alembic import command
    from sqlalchemy import inspect
    from sqlalchemy import text

    from wiki import migrate
    from wiki.db import Database

    before = stored_vevents(db)
    assert len(before) == 2  # the series and the fête; the draft is not public
    occurrences_before = db.scalar(select(func.count()).select_from(AgendaOccurrence))
    db.close()
    engine = Database.engine(app)
    command.downgrade(migrate.alembic_config(engine), "0010")  # the bytes go back onto the agenda rows
    assert "export_vevents" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT record_id, ical, ical_format FROM agenda_events WHERE ical IS NOT NULL"))
        assert {record_id: (bytes(ical), fmt) for record_id, ical, fmt in rows} == {
            record_id: (ical, serialiser) for record_id, (ical, _, serialiser) in before.items()
        }
    migrate.upgrade(engine, None, backup=False)
    assert {"ical", "ical_zone", "ical_stamp", "ical_format"}.isdisjoint(
        c["name"] for c in inspect(engine).get_columns("agenda_events")
    )
    assert stored_vevents(db) == before  # bytes, stamps and serialisers moved as they were
    assert db.scalar(select(func.count()).select_from(AgendaOccurrence)) == occurrences_before > 0
