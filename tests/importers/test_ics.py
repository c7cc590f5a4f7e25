"""Importing .ics files into the event form: idempotent by UID, per-event errors, the real corpus, the UI."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from sqlalchemy import func
from sqlalchemy import select

from importers import get_importer
from tests.shared import DATA
from wiki.agenda import occurrences
from wiki.agenda import overrides
from wiki.agenda.models import AgendaEvent
from wiki.records.models import Record

#: The importer under test (an importer keeps no state between runs).
run = get_importer("ics").run
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CORPUS = sorted((DATA / "icalendar").rglob("*.ics"))


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n{body}END:VCALENDAR\r\n".encode()


WEEKLY = """UID:atelier@exemple.fr
SUMMARY:Atelier vélo
DTSTART;TZID=Europe/Paris:20261103T180000
DTEND;TZID=Europe/Paris:20261103T200000
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Paris:20261110T180000
LOCATION:Garage solidaire\\, Redon"""
MOVED = """UID:atelier@exemple.fr
RECURRENCE-ID;TZID=Europe/Paris:20261117T180000
SUMMARY:Atelier vélo (spécial freins)
DTSTART;TZID=Europe/Paris:20261118T180000
DTEND;TZID=Europe/Paris:20261118T200000"""
CANCELLED = """UID:atelier@exemple.fr
RECURRENCE-ID;TZID=Europe/Paris:20261124T180000
STATUS:CANCELLED
DTSTART;TZID=Europe/Paris:20261124T180000"""
SINGLE = """UID:fete@exemple.fr
SUMMARY:Fête du quartier
DTSTART;VALUE=DATE:20261205
DTEND;VALUE=DATE:20261206"""


def _count(db) -> int:
    return db.scalar(select(func.count()).select_from(Record).where(Record.deleted_at.is_(None)))


def test_import_then_reimport_updates_instead_of_duplicating(db, author):
    data = ics(WEEKLY, MOVED, CANCELLED, SINGLE)
    first = run(db, data, form="evenement", author=author, dry_run=False)
    db.commit()
    assert (first.created, first.updated, first.unchanged, first.errors) == (2, 0, 0, [])
    records_before = _count(db)
    again = run(db, data, form="evenement", author=author, dry_run=False)
    db.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2) and _count(db) == records_before
    items = occurrences.occurrences(db, dt.datetime(2026, 11, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))
    assert [(i.title, i.start.day, i.cancelled) for i in items] == [
        ("Atelier vélo", 3, False), ("Atelier vélo (spécial freins)", 18, False), ("Atelier vélo", 24, True),
        ("Atelier vélo", 1, False), ("Fête du quartier", 5, False), ("Atelier vélo", 8, False)]  # fmt: skip
    assert items[0].location == "Garage solidaire, Redon"
    changed = run(db, data.replace(b"SUMMARY:F\xc3\xaate du quartier", b"SUMMARY:F\xc3\xaate des voisins"), form="evenement",
                  author=author, dry_run=False)  # fmt: skip
    db.commit()
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert db.scalar(select(func.count()).select_from(AgendaEvent)) == 2


def test_our_own_feed_imports_back_unchanged(client, db, author):
    run(db, ics(WEEKLY, MOVED, CANCELLED, SINGLE), form="evenement", author=author, dry_run=False)
    db.commit()
    window = (dt.datetime(2026, 11, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))

    def shown():
        return [(i.uid, i.title, i.start, i.end, i.cancelled) for i in occurrences.occurrences(db, *window)]

    before = shown()
    assert [i[2].day for i in before if i[4]] == [24]
    feed = client.get("/donnees/evenement.ics").data
    result = run(db, feed, form="evenement", author=author, dry_run=False)
    db.commit()
    # The cancelled date comes back cancelled (« annulé »), not as a mere EXDATE: nothing changes at all.
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 2, []) and shown() == before
    assert client.get("/donnees/evenement.ics").data == feed


def test_an_event_cancelled_whole_comes_in_with_every_date_cancelled(client, db, author):
    series = WEEKLY.replace("UID:atelier@", "UID:stage@") + "\nSTATUS:CANCELLED"  # six Tuesdays, one excluded
    fete = SINGLE + "\nSTATUS:CANCELLED"
    result = run(db, ics(series, fete), form="evenement", author=author, dry_run=False)
    db.commit()
    assert (result.created, result.errors) == (2, [])
    window = (dt.datetime(2026, 11, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))
    items = occurrences.occurrences(db, *window)
    assert [(i.title, i.start.day, i.cancelled) for i in items] == [
        ("Atelier vélo", 3, True), ("Atelier vélo", 17, True), ("Atelier vélo", 24, True), ("Atelier vélo", 1, True),
        ("Fête du quartier", 5, True), ("Atelier vélo", 8, True)]  # fmt: skip
    record = overrides.find_by_uid(db, "stage@exemple.fr")
    db.rollback()  # end the read: the page may write its session
    page = client.get(f"/agenda/evenements/{record.id}").text
    assert page.count("Annulé") == 5
    feed = client.get("/donnees/evenement.ics").data
    again = run(db, feed, form="evenement", author=author, dry_run=False)
    db.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert [i.cancelled for i in occurrences.occurrences(db, *window)] == [True] * 6


def test_an_endless_series_cancelled_whole_is_refused_with_the_reason(db, author):
    endless = WEEKLY.replace("RRULE:FREQ=WEEKLY;COUNT=6", "RRULE:FREQ=WEEKLY") + "\nSTATUS:CANCELLED"
    result = run(db, ics(endless, SINGLE), form="evenement", author=author, dry_run=False)
    db.commit()
    assert result.created == 1 and [e.ref for e in result.errors] == ["atelier@exemple.fr"]
    assert "sans fin" in result.errors[0].message and "une à une" in result.errors[0].message
    assert overrides.find_by_uid(db, "atelier@exemple.fr") is None


def test_dry_run_and_refused_files_write_nothing(db, author):
    before = _count(db)
    preview = run(db, ics(WEEKLY, SINGLE), form="evenement", author=author, dry_run=True)
    db.rollback()
    assert preview.created == 2 and "seraient" in preview.summary() and _count(db) == before
    refused = run(db, b"ceci n'est pas un agenda", form="evenement", author=author, dry_run=False)
    assert not refused.ok and refused.error and _count(db) == before
    wrong_form = run(db, ics(SINGLE), form="initiative", author=author, dry_run=False)
    assert not wrong_form.ok and "date" in wrong_form.error


def test_b5_46_bombs_are_refused_per_event_or_whole(db, author):
    bomb = "UID:bombe@x\nSUMMARY:Bombe\nDTSTART:20260101T000000Z\nRRULE:FREQ=SECONDLY"
    result = run(db, ics(bomb, SINGLE), form="evenement", author=author, dry_run=False)
    assert (
        result.created == 1
        and [e.ref for e in result.errors] == ["bombe@x"]
        and "fréquente" in result.errors[0].message
    )
    huge = run(db, b"BEGIN:VCALENDAR\r\n" + b"X" * 10_000_001, form="evenement", author=author, dry_run=False)
    assert not huge.ok and "volumineux" in huge.error


def test_a_uid_of_another_form_is_refused(db, author):
    run(db, ics(SINGLE), form="evenement", author=author, dry_run=False)
    from wiki.records import form_services

    fields = [{"id": "f_0000000a", "key": "title", "type": "text", "label": "Nom"},
              {"id": "f_0000000b", "key": "quand", "type": "schedule", "label": "Quand"}]  # fmt: skip
    form_services.create_form(db, key="sorties", title="Sorties", fields=fields, actor=author)
    result = run(db, ics(SINGLE), form="sorties", author=author, dry_run=False)
    assert result.created == 0 and "autre formulaire" in result.errors[0].message


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.relative_to(DATA).as_posix())
def test_every_corpus_file_imports_or_is_refused_event_by_event(db, author, path):
    before = _count(db)
    result = run(db, path.read_bytes(), form="evenement", author=author, dry_run=False)
    if not result.ok:
        db.rollback()
        assert result.error and _count(db) == before
        return
    db.commit()
    assert all(e.ref and e.message for e in result.errors)
    assert _count(db) == before + result.created
    assert result.created + result.updated + result.unchanged + len(result.errors) > 0
    again = run(db, path.read_bytes(), form="evenement", author=author, dry_run=False)
    db.commit()
    assert again.created == 0 and _count(db) == before + result.created


def test_the_corpus_is_there():
    assert len(CORPUS) >= 30
