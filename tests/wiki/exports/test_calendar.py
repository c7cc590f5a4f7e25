"""iCalendar feeds over HTTP: each event's VEVENTs stored on its agenda row, a cold feed assembled from them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from tests.wiki.agenda.conftest import events  # noqa: F401 - the fixture
from wiki.agenda import feeds
from wiki.agenda import overrides
from wiki.agenda.models import AgendaEvent
from wiki.agenda.models import AgendaOccurrence
from wiki.db import utcnow
from wiki.exports import calendar
from wiki.exports.ical import SERIALISER
from wiki.exports.ical import event_bytes
from wiki.exports.ical import events_to_ical
from wiki.exports.ical import zone_years
from wiki.records.models import Record

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _soon(days: int, hour: int = 10) -> str:
    day = utcnow().astimezone(PARIS).date() + dt.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00"


def _restart() -> None:
    """Forget what the feeds keep in memory, as a new process would."""
    calendar._feeds.clear()
    calendar._parts.clear()


@pytest.fixture
def agenda_events(db, events):  # noqa: F811 - the imported fixture
    """A weekly series with a moved and a cancelled date, a one-off all-day event, a draft."""
    first = utcnow().astimezone(PARIS).date() + dt.timedelta(days=3)
    series = events("Marché", {"start": f"{first}T08:00", "end": f"{first}T12:00", "rrule": "FREQ=WEEKLY;COUNT=10"},
                    themes=["alimentation"])  # fmt: skip
    event = db.get(AgendaEvent, series.id)
    overrides.change_occurrence(db, series, event, f"{first + dt.timedelta(days=7)}T08:00", {"title": "Marché de Noël"},
                             actor=events.author, policy="account")  # fmt: skip
    overrides.cancel_occurrence(db, series, event, f"{first + dt.timedelta(days=14)}T08:00", actor=events.author,
                             policy="account")  # fmt: skip
    db.commit()
    fete = events("Fête", {"start": _soon(10)[:10], "end": _soon(11)[:10], "all_day": True}, themes=["culture"])
    draft = events("Réunion privée", {"start": _soon(4, 18)}, status="draft")
    return series, fete, draft


def test_each_save_stores_the_vevents_the_feed_writes(db, agenda_events):
    series, fete, draft = agenda_events
    for record in (series, fete):
        row = db.get(AgendaEvent, record.id)
        (mapping,) = feeds.feed_events(db, record_ids=[record.id])
        assert row.ical == event_bytes(mapping) and row.ical.count(b"BEGIN:VEVENT") >= 1
        assert row.ical_zone == ("{} {} {}".format(*zone_years(mapping)) if zone_years(mapping) else None)
        assert row.ical_stamp == record.updated_at and row.ical_format == SERIALISER
    assert db.get(AgendaEvent, series.id).ical.count(b"RECURRENCE-ID") == 2  # the moved date, the cancelled one
    assert db.get(AgendaEvent, fete.id).ical_zone is None  # all-day: no VTIMEZONE
    assert db.get(AgendaEvent, series.id).ical_zone.startswith("Europe/Paris 20")
    hidden = db.get(AgendaEvent, draft.id)
    assert hidden.ical is None and hidden.ical_stamp is None  # not public: nothing to write


def test_a_cold_feed_only_concatenates_stored_bytes_and_is_byte_identical(client, db, agenda_events, monkeypatch):
    series, fete, _ = agenda_events
    _restart()
    warm = client.get("/donnees/evenement.ics").data
    site = client.application.config["SITE_NAME"]
    assert warm == events_to_ical(feeds.feed_events(db), calendar_name=f"{site} — Événement")  # what was built before

    def no_serialising(*_args, **_kwargs):
        raise AssertionError("a stored event was serialised again")

    monkeypatch.setattr(calendar, "event_bytes", no_serialising)
    _restart()
    assert client.get("/donnees/evenement.ics").data == warm
    _restart()
    filtered = client.get("/agenda.ics?theme=culture").data
    assert b"SUMMARY:F\xc3\xaate" in filtered and b"March\xc3\xa9" not in filtered


def test_after_a_change_only_the_changed_event_is_read_again(client, db, events, agenda_events, monkeypatch):  # noqa: F811
    series, fete, _ = agenda_events
    client.get("/donnees/evenement.ics")
    overrides.cancel_occurrence(
        db, fete, db.get(AgendaEvent, fete.id), _soon(10)[:10], actor=events.author, policy="account"
    )
    db.commit()
    stored = db.get(AgendaEvent, fete.id).ical
    assert b"STATUS:CANCELLED" in stored  # written by the change itself
    monkeypatch.setattr(calendar, "event_bytes", lambda *_: pytest.fail("an event was serialised by the feed"))
    feed = client.get("/donnees/evenement.ics").data
    assert stored in feed and db.get(AgendaEvent, series.id).ical in feed


def test_rows_without_bytes_are_filled_by_the_next_feed(client, db, agenda_events):
    series, fete, _ = agenda_events
    expected = client.get("/donnees/evenement.ics").data
    db.execute(update(AgendaEvent).values(ical=None, ical_zone=None, ical_stamp=None))  # rows older than 0010
    db.commit()
    _restart()
    assert client.get("/donnees/evenement.ics").data == expected
    db.expire_all()
    for record in (series, fete):
        row = db.get(AgendaEvent, record.id)
        (mapping,) = feeds.feed_events(db, record_ids=[record.id])
        assert row.ical == event_bytes(mapping) and row.ical_stamp == db.get(Record, record.id).updated_at


def test_bytes_from_another_serialiser_are_written_again(client, db, agenda_events):
    series, _, _ = agenda_events
    expected = client.get("/donnees/evenement.ics").data
    db.execute(update(AgendaEvent).where(AgendaEvent.record_id == series.id).values(ical=b"BEGIN:VEVENT\r\nOLD\r\n",
                                                                                    ical_format="1/icalendar-6.0"))  # fmt: skip
    db.commit()
    _restart()
    assert client.get("/donnees/evenement.ics").data == expected
    db.expire_all()
    row = db.get(AgendaEvent, series.id)
    assert row.ical_format == SERIALISER and b"OLD" not in row.ical and row.ical in expected


def test_bytes_older_than_their_record_are_never_served(client, db, agenda_events):
    series, _, _ = agenda_events
    client.get("/donnees/evenement.ics")
    later = utcnow() + dt.timedelta(seconds=5)
    db.execute(update(Record).where(Record.id == series.id).values(title="Marché bio", updated_at=later))  # no signal
    db.commit()
    _restart()
    feed = client.get("/donnees/evenement.ics").data
    assert b"SUMMARY:March\xc3\xa9 bio" in feed and b"SUMMARY:March\xc3\xa9\r\n" not in feed
    db.expire_all()
    assert db.scalar(select(AgendaEvent.ical_stamp).where(AgendaEvent.record_id == series.id)) == later


def test_stored_bytes_follow_publication_and_changes(client, db, events, agenda_events):  # noqa: F811
    _, _, draft = agenda_events
    from wiki.records import access
    from wiki.records import services as records

    records.set_status(db, draft, "published", actor=events.author)
    db.commit()
    assert b"SUMMARY:R\xc3\xa9union priv\xc3\xa9e" in db.get(AgendaEvent, draft.id).ical
    records.update_record(db, draft, {**access.public_values(draft, events.author), "title": "Réunion publique"},
                          actor=events.author, policy="account", base_revision=None)  # fmt: skip
    db.commit()
    stored = db.get(AgendaEvent, draft.id).ical
    assert b"SUMMARY:R\xc3\xa9union publique" in stored and b"priv\xc3\xa9e" not in stored
    _restart()
    assert stored in client.get("/agenda.ics").data


def test_init_after_an_upgrade_writes_missing_and_outdated_bytes(app, db, agenda_events):
    series, fete, draft = agenda_events
    db.execute(update(AgendaEvent).values(ical=None, ical_zone=None, ical_stamp=None, ical_format=None))
    db.execute(update(AgendaEvent).where(AgendaEvent.record_id == series.id).values(ical=b"OLD", ical_format="1/old"))
    db.commit()
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0 and "textes de 2 événement(s) écrits" in result.output  # the draft is not public
    db.expire_all()
    for record in (series, fete):
        (mapping,) = feeds.feed_events(db, record_ids=[record.id])
        row = db.get(AgendaEvent, record.id)
        assert row.ical == event_bytes(mapping) and row.ical_format == SERIALISER
    assert db.get(AgendaEvent, draft.id).ical is None
    db.rollback()  # end the read: the command writes
    again = app.test_cli_runner().invoke(args=["init"])
    assert again.exit_code == 0 and "iCalendar" not in again.output


def test_events_saved_before_migration_0010_get_their_bytes_from_the_next_feed(app, client, db, agenda_events):
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
    migrate.upgrade(engine, None, backup=False)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert db.scalar(select(AgendaEvent.ical).where(AgendaEvent.record_id == series.id)) is None  # rows kept, no bytes
    assert db.scalar(select(func.count()).select_from(AgendaOccurrence)) == occurrences_before > 0
    db.rollback()
    _restart()
    assert client.get("/donnees/evenement.ics").data == expected  # the occurrence index survived both ways too
    for record in (series, fete):
        (mapping,) = feeds.feed_events(db, record_ids=[record.id])
        assert db.get(AgendaEvent, record.id).ical == event_bytes(mapping)
