"""iCalendar feeds over HTTP: each event's VEVENTs stored by the exports when it is saved, a cold feed assembled
from them, and requests that never write."""

from __future__ import annotations

import csv
import datetime as dt
import io

import icalendar
import pytest
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from tests.factories import make_user
from tests.wiki.exports.conftest import restart_feeds
from tests.wiki.exports.conftest import soon
from tests.wiki.exports.conftest import stored_vevents
from wiki.agenda import feeds
from wiki.agenda import overrides
from wiki.agenda.models import AgendaEvent
from wiki.agenda.models import AgendaOccurrence
from wiki.db import utcnow
from wiki.exports import calendar
from wiki.exports.ical import event_bytes
from wiki.exports.ical import events_to_ical
from wiki.exports.models import ExportVevent
from wiki.records import services
from wiki.records.models import Record


def test_a_cold_feed_only_concatenates_stored_bytes_and_is_byte_identical(client, db, agenda_events, monkeypatch):
    series, fete, _ = agenda_events
    restart_feeds(client.application)
    warm = client.get("/donnees/evenement.ics").data
    site = client.application.config["SITE_NAME"]
    assert warm == events_to_ical(feeds.feed_events(db), calendar_name=f"{site} — Événement")  # what was built before

    def no_serialising(*_args, **_kwargs):
        raise AssertionError("a stored event was serialised again")

    monkeypatch.setattr(calendar, "event_bytes", no_serialising)
    restart_feeds(client.application)
    assert client.get("/donnees/evenement.ics").data == warm
    restart_feeds(client.application)
    filtered = client.get("/agenda.ics?theme=culture").data
    assert b"SUMMARY:F\xc3\xaate" in filtered and b"March\xc3\xa9" not in filtered


def test_after_a_change_only_the_changed_event_is_read_again(client, db, events, agenda_events, monkeypatch):  # noqa: F811
    series, fete, _ = agenda_events
    client.get("/donnees/evenement.ics")
    overrides.cancel_occurrence(
        db, fete, db.get(AgendaEvent, fete.id), soon(10)[:10], actor=events.author, policy="account"
    )
    db.commit()
    stored = db.get(ExportVevent, fete.id).ical
    assert b"STATUS:CANCELLED" in stored  # written by the change itself
    monkeypatch.setattr(calendar, "event_bytes", lambda *_: pytest.fail("an event was serialised by the feed"))
    feed = client.get("/donnees/evenement.ics").data
    assert stored in feed and db.get(ExportVevent, series.id).ical in feed


def test_rows_without_bytes_are_served_by_the_next_feed_without_writing(client, db, agenda_events):
    # Before issue 12 the feed stored what it serialised; now a GET never writes: the next save or `lieudit init` does.
    series, fete, _ = agenda_events
    expected = client.get("/donnees/evenement.ics").data
    db.execute(delete(ExportVevent))  # rows older than 0010
    db.commit()
    restart_feeds(client.application)
    assert client.get("/donnees/evenement.ics").data == expected
    assert stored_vevents(db) == {}
    assert client.get("/donnees/evenement.ics").data == expected  # serialised once, then from memory


def test_bytes_from_another_serialiser_are_never_served(client, db, agenda_events):
    series, _, _ = agenda_events
    expected = client.get("/donnees/evenement.ics").data
    db.execute(update(ExportVevent).where(ExportVevent.record_id == series.id).values(ical=b"BEGIN:VEVENT\r\nOLD\r\n",
                                                                                      serialiser="1/icalendar-6.0"))  # fmt: skip
    db.commit()
    restart_feeds(client.application)
    assert client.get("/donnees/evenement.ics").data == expected
    assert stored_vevents(db)[series.id][2] == "1/icalendar-6.0"  # left for the next save or `lieudit init` to replace


def test_bytes_older_than_their_record_are_never_served(client, db, agenda_events):
    series, _, _ = agenda_events
    client.get("/donnees/evenement.ics")
    stamp = stored_vevents(db)[series.id][1]
    later = utcnow() + dt.timedelta(seconds=5)
    db.execute(update(Record).where(Record.id == series.id).values(title="Marché bio", updated_at=later))  # no signal
    db.commit()
    restart_feeds(client.application)
    feed = client.get("/donnees/evenement.ics").data
    assert b"SUMMARY:March\xc3\xa9 bio" in feed and b"SUMMARY:March\xc3\xa9\r\n" not in feed
    assert stored_vevents(db)[series.id][1] == stamp != later  # a GET never writes


def test_events_saved_before_migration_0010_are_served_from_memory_until_init(app, client, db, agenda_events):
    from alembic import command
    from sqlalchemy import inspect

    from wiki import migrate
    from wiki.db import Database

    series, fete, _ = agenda_events
    expected = client.get("/donnees/evenement.ics").data
    occurrences_before = db.scalar(select(func.count()).select_from(AgendaOccurrence))
    db.close()
    engine = Database.engine(app)
    command.downgrade(migrate.alembic_config(engine), "0009")
    assert "ical" not in {c["name"] for c in inspect(engine).get_columns("agenda_events")}
    assert "export_vevents" not in inspect(engine).get_table_names()
    migrate.upgrade(engine, None, backup=False)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert db.scalar(select(func.count()).select_from(ExportVevent)) == 0  # rows kept, no bytes
    assert db.scalar(select(func.count()).select_from(AgendaOccurrence)) == occurrences_before > 0
    db.rollback()
    restart_feeds(client.application)
    assert client.get("/donnees/evenement.ics").data == expected  # the occurrence index survived both ways too
    assert stored_vevents(db) == {}  # a GET never writes
    assert "textes de 2 événement(s) écrits" in app.test_cli_runner().invoke(args=["init"]).output
    for record in (series, fete):
        (mapping,) = feeds.feed_events(db, record_ids=[record.id])
        assert stored_vevents(db)[record.id][0] == event_bytes(mapping)


def test_a_feed_request_never_writes(client, db, agenda_events):
    from sqlalchemy import event as sa_event

    from wiki.db import Database

    series, _, _ = agenda_events
    db.execute(delete(ExportVevent).where(ExportVevent.record_id == series.id))  # one event to serialise
    db.commit()
    restart_feeds(client.application)
    writes: list[str] = []

    def record(conn, cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    engine = Database.engine(client.application)
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        for url in ("/donnees/evenement.ics", "/agenda.ics?theme=culture", f"/agenda/evenements/{series.id}.ics",
                    "/donnees/evenement.ics?since=2000-01-01"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.data, url
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert writes == []


def test_feeds_answer_304_carry_cors_and_honour_since(client, db, agenda_events):
    series, fete, _ = agenda_events
    for url in ("/donnees/evenement.ics", "/agenda.ics", f"/agenda/evenements/{series.id}.ics"):
        first = client.get(url)
        assert first.headers["Access-Control-Allow-Origin"] == "*" and first.headers["ETag"].startswith('W/"')
        assert first.headers["Cache-Control"] == "public, max-age=300" and first.headers["Last-Modified"]
        assert first.headers["Content-Disposition"].startswith("inline; ")
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
    etag = client.get("/donnees/evenement.ics").headers["ETag"]
    db.execute(update(Record).where(Record.id == fete.id).values(updated_at=utcnow() + dt.timedelta(seconds=5)))
    db.commit()
    assert client.get("/donnees/evenement.ics", headers={"If-None-Match": etag}).status_code == 200
    later = (utcnow() + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    recent = client.get("/donnees/evenement.ics", query_string={"since": later}).data
    assert b"SUMMARY:F\xc3\xaate" in recent and b"March\xc3\xa9" not in recent  # only what changed since
    assert client.get("/agenda.ics?since=hier").status_code == 400


def test_feeds_wait_for_a_free_export_slot(make_app, db, events):  # noqa: F811
    app = make_app(EXPORT_CONCURRENCY=1, EXPORT_WAIT_SECONDS=0.2)
    record = events("Concert", {"start": soon(5, 20)})
    client = app.test_client()
    first = client.get("/donnees/evenement.csv?since=2000-01-01", buffered=False)  # filtered: streamed live
    assert first.status_code == 200
    for url in ("/donnees/evenement.ics", "/agenda.ics", f"/agenda/evenements/{record.id}.ics"):
        busy = client.get(url)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "30", url
    first.close()
    assert app.extensions["lieudit.export_files"].idle()  # the dataset's file, generated once the slot was free
    assert b"SUMMARY:Concert" in client.get("/agenda.ics").data
    assert b"SUMMARY:Concert" in client.get("/donnees/evenement.ics").data


def _uids(feed: bytes) -> set[bytes]:
    """The events of a feed: one UID each (changed and cancelled dates are more VEVENTs of the same UID)."""
    return {line[4:] for line in feed.split(b"\r\n") if line.startswith(b"UID:")}


def test_the_dataset_feed_holds_every_public_event_and_the_agenda_feed_a_year_back(client, db, events, agenda_events):
    series, fete, draft = agenda_events
    long_ago = soon(-730)[:10]
    old = events("Foire d’antan", {"start": f"{long_ago}T10:00", "end": f"{long_ago}T12:00"})
    events("Bal du printemps", {"start": soon(-100, 20)})
    archived = events("Kermesse", {"start": soon(-50, 15)})
    moderator = make_user(db, "Modo", role="moderator")
    services.set_status(db, db.get(Record, archived.id), "archived", actor=moderator)
    db.commit()
    csv_ids = {int(row["id"]) for row in csv.DictReader(io.StringIO(client.get("/donnees/evenement.csv").text))}
    json_ids = {record["id"] for record in client.get("/donnees/evenement.json").get_json()["records"]}
    dataset = client.get("/donnees/evenement.ics").data
    assert old.id in csv_ids == json_ids and not {draft.id, archived.id} & csv_ids
    assert b"Kermesse" not in dataset  # the dataset's records: archived ones have left it
    assert len(_uids(dataset)) == len(csv_ids) == dataset.count(b"BEGIN:VEVENT") - 2  # the moved and cancelled dates
    assert b"SUMMARY:Foire d\xe2\x80\x99antan" in dataset and b"SUMMARY:Bal du printemps" in dataset
    # The subscription feed keeps what ended less than a year ago and what is to come, and says so.
    agenda = client.get("/agenda.ics").data
    uid = {record.id: db.get(AgendaEvent, record.id).uid.encode() for record in (old, archived)}
    assert _uids(agenda) - {uid[archived.id]} == _uids(dataset) - {uid[old.id]}  # (the agenda shows archived events)
    assert b"Foire" not in agenda and b"SUMMARY:Bal du printemps" in agenda
    description = str(icalendar.Calendar.from_ical(agenda)["X-WR-CALDESC"])
    assert "un an" in description and "http://wiki.test/donnees/evenement.ics" in description
