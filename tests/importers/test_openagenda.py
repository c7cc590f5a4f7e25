"""Importing OpenAgenda exports into the event form: the shared samples, idempotency, themes, communes."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from sqlalchemy import func
from sqlalchemy import select

from importers import get_importer
from importers.openagenda import OpenagendaImporter
from tests.importers.test_openagenda_read import SAMPLES
from tests.importers.test_openagenda_read import event
from wiki.agenda import occurrences
from wiki.agenda import overrides
from wiki.agenda.models import AgendaEvent
from wiki.records import access
from wiki.records.models import Record

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
run = get_importer("openagenda").run


def export(*events: dict) -> bytes:
    return json.dumps({"events": list(events), "total": len(events), "after": None}).encode()


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(Record).where(Record.deleted_at.is_(None)))


def test_registered_without_options():
    assert isinstance(get_importer("openagenda"), OpenagendaImporter) and OpenagendaImporter.options == frozenset()


def test_the_shared_event_sample_becomes_an_event_awaiting_moderation(db, author):
    result = run(db, (SAMPLES / "events_event.json").read_bytes(), author=author, source="events_event.json")
    db.commit()
    assert (result.created, result.errors) == (1, []) and result.items[0].remote_id == "9906334"
    assert any("fusionnés" in w for w in result.warnings) and any("en attente" in w for w in result.warnings)
    record = overrides.find_by_uid(db, "9906334@openagenda.com")
    values = access.public_values(record, author)
    assert record.status == "pending" and record.title == "Mon évènement"
    assert values["horaire"]["start"] == "2025-01-06T11:00" and values["horaire"]["end"] == "2025-01-06T18:00"
    assert values["adresse"] == "My location, 122 rue de Charonne, 75011 Paris, France"
    assert values["localisation"] == {"type": "Point", "coordinates": [2.386696, 48.854969]}
    assert values["site_web"] == "https://openagenda.com/my-agenda/events/testing-6090479"
    assert record.extra["Source"] == values["site_web"] and record.extra["Mots-clés"] == "mon, évènement"
    assert db.get(AgendaEvent, record.id).source == "events_event.json"


@pytest.mark.parametrize(
    "name", ["agendas_agenda.json", "locations_location.json", "locations_location-not-found.json"]
)
def test_shared_samples_that_are_no_events_write_nothing(db, author, name):
    before = _count(db)
    result = run(db, (SAMPLES / name).read_bytes(), author=author)
    assert result.error and result.created == 0 and _count(db) == before
    assert ("agenda" if "agenda" in name else "lieu" if name == "locations_location.json" else "erreur") in result.error


def test_import_twice_updates_instead_of_duplicating_and_a_dry_run_writes_nothing(db, author):
    data = export(event(), event(uid=7002, title={"fr": "Repair café"}))
    before = _count(db)
    dry = run(db, data, author=author, dry_run=True)
    db.rollback()
    assert dry.created == 2 and _count(db) == before and "seraient" in dry.summary()
    first = run(db, data, author=author)
    db.commit()
    again = run(db, data, author=author)
    db.commit()
    assert (first.created, again.created, again.updated, again.unchanged) == (2, 0, 0, 2) and _count(db) == before + 2
    moved = event(timings=[{"begin": "2026-11-04T18:00:00+01:00", "end": "2026-11-04T20:00:00+01:00"}])
    changed = run(db, export(moved, event(uid=7002, title={"fr": "Repair café"})), author=author)
    db.commit()
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert db.scalar(select(func.count()).select_from(AgendaEvent)) == 2
    record = overrides.find_by_uid(db, "7001@openagenda.com")
    assert access.public_values(record, author)["horaire"]["start"] == "2026-11-04T18:00"


def test_a_weekly_series_with_a_moved_date_and_one_cancelled_whole(db, author):
    weeks = [(f"2026-11-{d:02d}T18:00:00+01:00", f"2026-11-{d:02d}T20:00:00+01:00") for d in (3, 10, 24)]
    weeks.append(("2026-12-01T17:00:00+01:00", "2026-12-01T20:00:00+01:00"))
    series = event(timings=[{"begin": b, "end": e} for b, e in weeks])
    cancelled = event(uid=7003, title={"fr": "Fête du quartier"}, status=6,
                      timings=[{"begin": "2026-12-05T14:00:00+01:00", "end": "2026-12-05T18:00:00+01:00"}])  # fmt: skip
    result = run(db, export(series, cancelled), author=author)
    db.commit()
    assert (result.created, result.errors) == (2, [])
    found = occurrences.occurrences(db, dt.datetime(2026, 11, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))
    assert [(i.title, i.start.strftime("%d %H:%M"), i.cancelled) for i in found] == [
        ("Atelier vélo", "03 18:00", False), ("Atelier vélo", "10 18:00", False), ("Atelier vélo", "24 18:00", False),
        ("Atelier vélo", "01 17:00", False), ("Fête du quartier", "05 14:00", True)]  # fmt: skip
    record = overrides.find_by_uid(db, "7001@openagenda.com")
    assert access.public_values(record, author)["horaire"]["rrule"] == "FREQ=WEEKLY;COUNT=5"


def test_keywords_become_themes_and_the_insee_code_the_commune_when_loaded(db, author, zones):
    tagged = event(keywords={"fr": ["Culture", "numérique", "vélo"]})
    by_point = event(uid=7002, location={"name": "Gare", "latitude": 47.6517, "longitude": -2.0853})
    far = event(uid=7003, location={"name": "Paris", "insee": "75111", "latitude": 48.85, "longitude": 2.38})
    result = run(db, export(tagged, by_point, far), author=author)
    db.commit()
    assert (result.created, result.errors) == (3, [])
    first, second, third = (overrides.find_by_uid(db, f"{uid}@openagenda.com") for uid in (7001, 7002, 7003))
    assert access.public_values(first, author)["themes"] == ["culture", "outils_numeriques"]
    assert first.extra["Mots-clés"] == "Culture, numérique, vélo"
    assert access.public_values(first, author)["commune"] == "35236"
    assert access.public_values(second, author)["commune"] == "35236"
    assert access.public_values(third, author)["commune"] is None and third.extra["Code INSEE"] == "75111"


def test_a_calendar_given_as_openagenda_is_named(db, author):
    from tests.shared import DATA

    result = run(db, (DATA / "icalendar/recurring-ical-events/fablab_cottbus.ics").read_bytes(), author=author)
    assert (
        result.error
        and "Ce fichier est un calendrier iCalendar ; le format choisi, OpenAgenda, ne le lit pas : choisissez le format ics"
        in result.error
    )
    refused = run(db, export(event()), form="initiative", author=author)
    assert refused.error and "date" in refused.error
