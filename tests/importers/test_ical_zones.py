"""Time zones of imported .ics files resolved to IANA names: Windows names, Outlook display names, custom VTIMEZONEs."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from unittest.mock import patch

import pytest

from importers import ical_zones
from importers.ical_events import events_from_ical
from tests.shared import DATA
from wiki.agenda.recurrence import expand

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
#: The rules Outlook and Exchange write for central Europe (whatever the TZID).
CENTRAL_EUROPE = ("BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
                  "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
                  "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
                  "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n")  # fmt: skip
#: A made-up zone: summer time from the first Sunday of May to the first Sunday of September.
NOWHERE = ("BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
           "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=9\r\nEND:STANDARD\r\n"
           "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
           "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=5\r\nEND:DAYLIGHT\r\n")  # fmt: skip


def weekly(tzid: str, rules: str | None = CENTRAL_EUROPE, start: str = "20260312T100000") -> bytes:
    """A weekly 10:00 series from 12 March 2026, across the spring DST change, in the zone ``tzid``."""
    quoted = f'"{tzid}"' if any(c in tzid for c in ",:;") else tzid
    zone = f"BEGIN:VTIMEZONE\r\nTZID:{quoted}\r\n{rules}END:VTIMEZONE\r\n" if rules else ""
    return (f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n{zone}BEGIN:VEVENT\r\nUID:w\r\n"
            f"DTSTART;TZID={quoted}:{start}\r\nDTEND;TZID={quoted}:{start[:9]}110000\r\n"
            "RRULE:FREQ=WEEKLY;COUNT=6\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n").encode()  # fmt: skip


def imported(data: bytes):
    report = events_from_ical(data)
    assert report.ok and not report.errors, (report.error, report.errors)
    (event,) = report.events
    return event


def hours(schedule: dict) -> list[tuple[int, int]]:
    """(UTC hour, local hour) of each occurrence in spring 2026."""
    found = expand(schedule, dt.datetime(2026, 3, 1, tzinfo=PARIS), dt.datetime(2026, 5, 1, tzinfo=PARIS))
    return [(o.start.astimezone(dt.UTC).hour, o.start.hour) for o in found]


@pytest.mark.parametrize(
    ("tzid", "iana"),
    [
        ("MyTimezone", "Europe/Paris"),  # the territory's zone first, when it matches
        ("W. Europe Standard Time", "Europe/Berlin"),  # the CLDR mapping of Windows names
        ("Romance Standard Time", "Europe/Paris"),
        ("(UTC+01:00) Amsterdam, Berlin, Berne, Rome, Stockholm, Vienne", "Europe/Amsterdam"),
    ],
)
def test_a_vtimezone_that_is_no_iana_name_gets_the_iana_zone_it_matches(tzid, iana):
    event = imported(weekly(tzid))
    schedule = event.values["schedule"]
    assert (schedule["timezone"], schedule["start"], schedule["end"]) == (iana, "2026-03-12T10:00", "2026-03-12T11:00")
    assert not event.warnings
    assert hours(schedule) == [(9, 10), (9, 10), (9, 10), (8, 10), (8, 10), (8, 10)]  # no drift across DST


@pytest.mark.parametrize(
    ("tzid", "iana"),
    [("W. Europe Standard Time", "Europe/Berlin"),
     ("(UTC+01:00) Amsterdam, Berlin, Berne, Rome, Stockholm, Vienne", "Europe/Amsterdam")],
)  # fmt: skip
def test_a_windows_or_outlook_name_without_vtimezone_is_looked_up(tzid, iana):
    event = imported(weekly(tzid, rules=None))
    assert event.values["schedule"]["timezone"] == iana and not event.warnings


def test_an_eastern_custom_zone_finds_new_york_not_paris():
    rules = ("BEGIN:STANDARD\r\nDTSTART:16011104T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n"
             "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\n"
             "BEGIN:DAYLIGHT\r\nDTSTART:16010311T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n"
             "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\nEND:DAYLIGHT\r\n")  # fmt: skip
    event = imported(weekly("Eastern", rules))
    assert event.values["schedule"]["timezone"] == "America/New_York" and not event.warnings


def test_the_khal_corpus_zone_is_central_europe():
    report = events_from_ical(
        (DATA / "icalendar/python-icalendar/calendars__issue_156_RDATE_with_PERIOD_TZID_khal_2.ics").read_bytes()
    )
    (event,) = report.events
    assert event.values["schedule"]["timezone"] == "Europe/Paris"
    assert event.values["schedule"]["start"] == "2021-11-01T16:00"


def test_a_zone_nothing_matches_keeps_a_fixed_offset_and_says_so():
    event = imported(weekly("Nowhere", NOWHERE))
    schedule = event.values["schedule"]
    assert schedule["timezone"] == "Etc/GMT-1" and schedule["start"] == "2026-03-12T10:00"
    assert any("Nowhere" in w and "décalage fixe" in w for w in event.warnings)


def test_an_unknown_tzid_without_vtimezone_is_read_in_the_default_zone_with_a_warning():
    event = imported(weekly("Quelque part", rules=None))
    assert event.values["schedule"]["timezone"] == "Europe/Paris"
    assert any("Quelque part" in w for w in event.warnings)


def test_a_file_matches_a_bounded_number_of_custom_zones():
    zones = "".join(f"BEGIN:VTIMEZONE\r\nTZID:Z{i}\r\n{CENTRAL_EUROPE}END:VTIMEZONE\r\n" for i in range(3))
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTART;TZID=Z{i}:20260312T100000\r\nEND:VEVENT\r\n" for i in range(3)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\n{zones}{events}END:VCALENDAR\r\n".encode()
    with patch.object(ical_zones, "MAX_MATCHED", 2):
        report = events_from_ical(data)
    assert [e.values["schedule"]["timezone"] for e in report.events] == ["Europe/Paris", "Europe/Paris", "Etc/GMT-1"]
    assert report.events[2].warnings and not report.events[0].warnings
