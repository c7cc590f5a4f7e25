"""Reading .ics files: the real-world corpus, our own feeds, time zones, overrides and hostile files (B5-46)."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest

from importers.ical_events import events_from_ical
from tests.shared import DATA
from wiki.agenda.recurrence import expand
from wiki.exports.ical import events_to_ical
from wiki.records.schedules import clean_schedule

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
CORPUS = sorted((DATA / "icalendar").rglob("*.ics"))
STAMP = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def ics(*events: str, head: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n{head}{body}END:VCALENDAR\r\n".encode()


def only(data: bytes):
    report = events_from_ical(data)
    assert report.ok, report.error
    assert not report.errors, report.errors
    (event,) = report.events
    return event


# --- the real-world corpus ------------------------------------------------------------------


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.relative_to(DATA).as_posix())
def test_every_corpus_file_imports_or_is_refused_with_messages(path):
    report = events_from_ical(path.read_bytes())
    if not report.ok:
        assert report.error and not report.events
        return
    assert report.events or report.errors
    for error in report.errors:
        assert error.ref and error.message
    for event in report.events:
        schedule = event.values["schedule"]
        assert clean_schedule(schedule, "Europe/Paris") == schedule
        assert event.uid and event.values["title"]
        start = dt.datetime.fromisoformat(schedule["start"]).replace(tzinfo=PARIS)
        expand(
            schedule,
            start - dt.timedelta(days=1),
            start + dt.timedelta(days=365),
            overrides=event.overrides,
            cancelled=set(event.cancelled),
        )


def test_the_corpus_is_there():
    assert len(CORPUS) >= 30


def corpus(name: str) -> bytes:
    return next(p for p in CORPUS if p.name == name).read_bytes()


def test_corpus_exdates_and_cancellations_are_kept():
    event = only(corpus("each_week_but_two_deleted.ics"))
    assert len(event.values["schedule"]["exdates"]) == 2 and event.values["schedule"]["rrule"].startswith("FREQ=WEEKLY")
    cancelled = only(corpus("issue_18_cancel_status.ics"))
    assert cancelled.cancelled


def test_corpus_broken_events_are_named():
    assert "DTSTART" in events_from_ical(corpus("calendars__broken_dtstart.ics")).errors[0].message
    assert events_from_ical(corpus("calendars__issue_1081_invalid_rrule_freq.ics")).errors[0].ref == "test-123"
    report = events_from_ical(corpus("calendars__big_bad_calendar.ics"))
    assert len(report.errors) == 20 and not report.events
    assert not events_from_ical(corpus("calendars__parsing_error_in_UTC_offset.ics")).ok
    assert events_from_ical(corpus("no_events.ics")).error == "Aucun événement (VEVENT) dans ce fichier."


def test_corpus_empty_rrule_is_ignored_with_a_warning():
    report = events_from_ical(corpus("Germany_Holidays.ics"))
    assert len(report.events) == 34 and not report.errors
    assert all(e.values["schedule"]["all_day"] for e in report.events)
    assert any("vide" in w for e in report.events for w in e.warnings)


def test_corpus_overrides_are_collected_per_uid():
    report = events_from_ical(corpus("issue_28_rrule_with_UTC_endinginZ.ics"))  # Outlook: all-day bins moved by a day
    assert len(report.events) == 2 and len({e.uid for e in report.events}) == 2
    moved = next(e for e in report.events if e.overrides)
    assert moved.overrides["2020-04-16"] == {"start": "2020-04-17"}


def test_reimport_gives_the_same_uids():
    data = corpus("gehol__BA1.ics")  # no UID at all: ids are computed from the content
    assert [e.uid for e in events_from_ical(data).events] == [e.uid for e in events_from_ical(data).events]


# --- our own feed -------------------------------------------------------------------------


def test_our_feed_reads_back_to_the_same_values():
    event = {"uid": "record-1@lieudit.example", "title": "Conseil ; réunion, publique", "description": "Ordre du jour :\n1. budget",
             "location": "Mairie", "url": "https://lieudit.example/agenda/1", "sequence": 4, "created": STAMP, "last_modified": STAMP,
             "status": "CONFIRMED", "cancelled": ["2026-04-12T10:00"],
             "schedule": {"start": "2026-03-22T10:00", "end": "2026-03-22T11:30", "all_day": False, "timezone": "Europe/Paris",
                          "rrule": "FREQ=WEEKLY;BYDAY=SU;UNTIL=20260607", "exdates": ["2026-04-05T10:00"]},
             "overrides": {"2026-03-29T10:00": {"start": "2026-03-29T14:00", "title": "Déplacé"}}}  # fmt: skip
    parsed = only(events_to_ical([event], calendar_name="Agenda"))
    assert parsed.uid == event["uid"] and parsed.sequence == 4 and parsed.last_modified == STAMP
    assert {k: parsed.values[k] for k in ("title", "description", "location", "url", "status")} == {
        k: event[k] for k in ("title", "description", "location", "url", "status")
    }
    schedule = parsed.values["schedule"]
    assert schedule["exdates"] == ["2026-04-05T10:00"]  # the series' own exclusion
    assert parsed.cancelled == ["2026-04-12T10:00"]  # still cancelled, not merely excluded
    assert schedule["rrule"] == "FREQ=WEEKLY;UNTIL=20260607T215959Z;BYDAY=SU"
    assert {k: schedule[k] for k in ("start", "end", "all_day", "timezone")} == {
        k: event["schedule"][k] for k in ("start", "end", "all_day", "timezone")
    }
    assert parsed.overrides == {"2026-03-29T10:00": {"title": "Déplacé", "start": "2026-03-29T14:00"}}
    window = (dt.datetime(2026, 1, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))
    again = expand(schedule, *window, overrides=parsed.overrides, cancelled=set(parsed.cancelled))
    before = expand(event["schedule"], *window, overrides=event["overrides"], cancelled=set(event["cancelled"]))
    assert [(o.start, o.end, o.cancelled) for o in again] == [(o.start, o.end, o.cancelled) for o in before]
    assert sum(o.cancelled for o in again) == 1


def test_all_day_end_becomes_inclusive():
    event = only(ics("UID:a\r\nDTSTART;VALUE=DATE:20260714\r\nDTEND;VALUE=DATE:20260716\r\nSUMMARY:Fête"))
    assert event.values["schedule"] == {
        "start": "2026-07-14",
        "end": "2026-07-15",
        "all_day": True,
        "timezone": "Europe/Paris",
    }
    single = only(ics("UID:b\r\nDTSTART;VALUE=DATE:20260714\r\nDTEND;VALUE=DATE:20260715"))
    assert single.values["schedule"]["end"] is None and single.values["title"] == "(sans titre)"


# --- time zones -------------------------------------------------------------------------------


def test_utc_times_keep_their_instant_in_the_default_zone():
    event = only(ics("UID:u\r\nDTSTART:20260702T120000Z\r\nDTEND:20260702T130000Z\r\nRRULE:FREQ=WEEKLY;COUNT=2"))
    assert (
        event.values["schedule"]["start"] == "2026-07-02T14:00"
        and event.values["schedule"]["timezone"] == "Europe/Paris"
    )
    assert any("Europe/Paris" in w for w in event.warnings)


def test_floating_times_take_x_wr_timezone_or_the_default():
    floating = only(ics("UID:f\r\nDTSTART:20260702T120000"))
    assert (
        floating.values["schedule"]["start"] == "2026-07-02T12:00"
        and floating.values["schedule"]["timezone"] == "Europe/Paris"
    )
    london = only(ics("UID:f\r\nDTSTART:20260702T120000", head="X-WR-TIMEZONE:Europe/London\r\n"))
    assert london.values["schedule"]["timezone"] == "Europe/London"


def test_iana_tzid_is_kept():
    event = only(ics("UID:t\r\nDTSTART;TZID=America/New_York:20260301T090000\r\nRRULE:FREQ=WEEKLY;COUNT=3"))
    assert (
        event.values["schedule"]["timezone"] == "America/New_York"
        and event.values["schedule"]["start"] == "2026-03-01T09:00"
    )


def test_dst_gap_time_is_refused_per_event():
    report = events_from_ical(
        ics(
            "UID:gap\r\nDTSTART;TZID=Europe/Paris:20260329T023000",
            "UID:fine\r\nDTSTART;TZID=Europe/Paris:20260329T033000",
        )
    )
    assert [e.uid for e in report.events] == ["fine"]
    assert report.errors[0].ref == "gap" and "heure d'été" in report.errors[0].message


def test_rdates_are_imported_in_the_event_zone():
    radio = only(corpus("rdate_hackerpublicradio.ics"))  # DTSTART is also its first RDATE
    schedule = radio.values["schedule"]
    assert (schedule["timezone"], schedule["start"], schedule["end"]) == (
        "Europe/London",
        "2013-08-03T20:00",
        "2013-08-03T22:00",
    )
    assert len(schedule["rdates"]) == 11 and schedule["rdates"][:2] == ["2013-08-31T20:00", "2013-10-05T20:00"]
    assert schedule["rdates"][-1] == "2014-07-05T20:00" and not [w for w in radio.warnings if "RDATE" in w]
    mixed = only(ics("UID:m\r\nDTSTART;TZID=Europe/Paris:20260702T120000\r\nDTEND;TZID=Europe/Paris:20260702T130000\r\n"
                     "RDATE;VALUE=PERIOD:20260709T100000Z/20260709T140000Z,20260716T100000Z/PT1H\r\n"
                     "RDATE;VALUE=DATE:20260723\r\nRDATE;TZID=America/New_York:20260730T060000"))  # fmt: skip
    assert mixed.values["schedule"]["rdates"] == [  # a period of the usual length is a plain date
        "2026-07-09T12:00/2026-07-09T16:00", "2026-07-16T12:00", "2026-07-23T12:00", "2026-07-30T12:00"]  # fmt: skip
    days = only(
        ics("UID:d\r\nDTSTART;VALUE=DATE:20260101\r\nRDATE;VALUE=DATE:20260120,20260217\r\nRDATE:20260301T100000")
    )
    assert days.values["schedule"]["rdates"] == ["2026-01-20", "2026-02-17", "2026-03-01"]
    khal = only(
        (DATA / "icalendar/python-icalendar/calendars__issue_156_RDATE_with_PERIOD_TZID_khal_2.ics").read_bytes()
    )
    assert khal.values["schedule"]["rdates"] == ["2021-12-06T16:00", "2022-01-03T16:00", "2022-02-07T16:00"]


def test_end_before_start_is_imported_with_the_end_at_the_start_and_a_warning():
    timed = only(corpus("issue_132_swapped_start_and_end.ics"))
    assert timed.values["schedule"]["start"] == "2023-12-18T23:45" and timed.values["schedule"]["end"] is None
    assert any("fin" in w.lower() and "début" in w for w in timed.warnings)
    negative = only(ics("UID:n\r\nDTSTART;TZID=Europe/Paris:20260702T120000\r\nDURATION:-PT1H"))
    assert negative.values["schedule"]["end"] is None and negative.warnings
    day = only(ics("UID:d\r\nDTSTART;VALUE=DATE:20260714\r\nDTEND;VALUE=DATE:20260710"))
    assert day.values["schedule"] == {"start": "2026-07-14", "end": None, "all_day": True, "timezone": "Europe/Paris"}
    assert day.warnings
    assert not only(
        ics("UID:e\r\nDTSTART;TZID=Europe/Paris:20260702T120000\r\nDTEND;TZID=Europe/Paris:20260702T120000")
    ).warnings


def test_orphan_occurrence_is_imported_alone_under_its_own_id():
    event = only(ics("UID:o\r\nRECURRENCE-ID:20260702T120000\r\nDTSTART:20260703T120000"))
    assert event.uid == "o#2026-07-02T12:00:00" and event.values["schedule"]["start"] == "2026-07-03T12:00"


# --- hostile files (HOSTILE_INPUTS B5-46) -------------------------------------------------------


def test_secondly_rule_is_refused_per_event():
    report = events_from_ical(
        ics("UID:bomb\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=SECONDLY", "UID:ok\r\nDTSTART:20260101T100000Z")
    )
    assert [e.uid for e in report.events] == ["ok"]
    assert report.errors[0].ref == "bomb" and "trop fréquente" in report.errors[0].message


def test_impossible_rule_is_refused_fast():
    started = time.perf_counter()
    report = events_from_ical(
        ics(
            *(
                f"UID:x{i}\r\nDTSTART:20260101T100000\r\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;BYDAY=MO"
                for i in range(50)
            )
        )
    )
    assert len(report.errors) == 50 and time.perf_counter() - started < 2


def test_a_million_events_are_refused_fast():
    data = b"BEGIN:VCALENDAR\r\n" + b"BEGIN:VEVENT\r\nEND:VEVENT\r\n" * 1_000_000 + b"END:VCALENDAR\r\n"
    started = time.perf_counter()
    report = events_from_ical(data, max_bytes=len(data) + 1)
    assert not report.ok and "Trop d'événements" in report.error
    assert not events_from_ical(data).ok  # 26 MB: over the size cap too
    assert time.perf_counter() - started < 2


def test_oversized_file_is_refused_before_parsing():
    started = time.perf_counter()
    report = events_from_ical(b"X" * 10_000_001)
    assert report.error.startswith("Fichier trop volumineux") and time.perf_counter() - started < 0.5


def test_event_count_cap_is_configurable():
    report = events_from_ical(ics(*(f"UID:{i}\r\nDTSTART:20260101T100000" for i in range(5))), max_events=4)
    assert not report.ok and not report.events


def test_too_many_refused_events_abort_the_whole_file():
    report = events_from_ical(ics(*(f"UID:{i}\r\nSUMMARY:x" for i in range(600))))
    assert not report.ok and "abandonné" in report.error and not report.events


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\xff" * 1000, b"not a calendar", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" * 3000,
     b"BEGIN:VCALENDAR\r\n" + b"BEGIN:X\r\n" * 5000 + b"END:VCALENDAR\r\n", ics("UID:\xff\r\nDTSTART:2026") ,
     "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:é\r\nDTSTART:20260101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR".encode("latin-1"),
     ics("UID:d\r\nDTSTART:20260101T100000\r\nDURATION:P99999999W"), ics("UID:y\r\nDTSTART:30000101T100000"),
     ics("UID:e\r\nDTSTART:20260101T100000\r\nDTEND:20250101T100000"), ics("UID:c\r\nDTSTART:20260101T100000\r\nRRULE:FREQ=DAILY;COUNT=999999")],
    ids=["empty", "binary", "text", "unterminated", "nested", "bad-date", "latin-1", "duration", "year-3000", "backwards", "huge-count"],
)  # fmt: skip
def test_hostile_files_never_raise(data):
    report = events_from_ical(data)
    assert report.error or report.errors or report.events
    assert all(e.message for e in report.errors)


def test_text_is_cleaned():
    event = only(
        ics("UID:t\r\nDTSTART:20260101T100000\r\nSUMMARY:A\\nB\x07C\r\nURL:javascript:alert(1)\r\nLOCATION:x\\, y")
    )
    assert event.values["title"] == "A BC" and event.values["url"] is None and event.values["location"] == "x, y"
    assert any("Adresse web ignorée" in w for w in event.warnings)


# --- damaged files: the line, the property and the expected form, in French ------------------------


def _damaged(*lines: str) -> bytes:
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:fete@redon", *lines, "END:VEVENT"])
    return (body + "\r\nEND:VCALENDAR\r\n").encode()


def test_a_damaged_file_is_refused_with_the_line_and_property_in_french():
    broken_zone = (
        b"BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:STANDARD\r\nDTSTART:2020\r\nTZOFFSETFROM:+0100\r\n"
        b"END:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;TZID=X:20200101T100000\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    report = events_from_ical(broken_zone)
    assert report.error == (
        "Fichier iCalendar illisible : ligne 5, propriété DTSTART : date ou heure illisible (« 2020 ») : "
        "attendu AAAAMMJJ (ex. 20260502) ou AAAAMMJJTHHMMSS (ex. 20260502T140000)."
    )


def test_broken_properties_of_an_event_are_named_with_their_line():
    report = events_from_ical(_damaged("DTSTART:20260502T140000Z", "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:2026"))
    [(ref, message)] = [(e.ref, e.message) for e in report.errors]
    assert ref == "fete@redon" and message.startswith("Événement illisible : ligne 7, propriété EXDATE : date")
    report = events_from_ical(_damaged("DTSTART:20260502T140000Z", "DURATION:PXX"))
    assert [e.message for e in report.errors] == [
        "ligne 6, propriété DURATION : durée illisible (« PXX ») : attendu par exemple PT1H30M ou P1D"
    ]


def test_lines_the_parser_skips_are_reported_not_lost_silently():
    report = events_from_ical(_damaged("DTSTART;X:20260502T140000Z", "SUMMARY"))
    assert report.warnings == [
        "ligne 5 : paramètre mal formé dans la propriété DTSTART : attendu NOM=valeur, les valeurs contenant "
        "« : », « ; » ou « , » entre guillemets ; ligne ignorée.",
        "ligne 6 : « SUMMARY » n'a pas de « : » entre le nom de la propriété et sa valeur ; ligne ignorée.",
    ]
    assert [e.message for e in report.errors] == ["Début (DTSTART) manquant ou illisible."]
    assert not any("unpack" in text or "Content line" in text for text in report.warnings)
