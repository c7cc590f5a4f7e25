"""Expansion compared with recurring_ical_events: UNTIL bounds (issue 14, item 3) and RDATE (item 6)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
import recurring_ical_events

from importers.ical_events import events_from_ical
from wiki.agenda.recurrence import expand
from wiki.agenda.recurrence import series_keys

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WINDOW = (dt.datetime(2005, 1, 1, tzinfo=dt.UTC), dt.datetime(2006, 12, 1, tzinfo=dt.UTC))


def ics(body: str) -> bytes:
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:t\r\nBEGIN:VEVENT\r\nUID:u\r\n{body}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".encode()


def theirs(data: bytes, low: dt.datetime, high: dt.datetime) -> list[str]:
    """Start of each occurrence as recurring_ical_events gives it: a date, or a Paris wall time."""
    found = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(low, high)
    starts = [e["DTSTART"].dt for e in found]
    return sorted(
        s.astimezone(PARIS).replace(tzinfo=None).isoformat() if isinstance(s, dt.datetime) else s.isoformat()
        for s in starts
    )


def ours(data: bytes, low: dt.datetime, high: dt.datetime) -> list[str]:
    """Start of each occurrence once imported and expanded by Lieudit, in the same form."""
    report = events_from_ical(data)
    assert report.ok and not report.errors, (report.error, report.errors)
    (event,) = report.events
    found = expand(event.values["schedule"], low, high)
    return [o.start.date().isoformat() if o.all_day else o.start.replace(tzinfo=None).isoformat() for o in found]


ALL_DAY_UNTIL = [
    "20080323T235959Z",
    "20080323T000000Z",
    "20080323",
    "20080322T230000Z",
    "20080323T120000",
]


@pytest.mark.parametrize("until", ALL_DAY_UNTIL)
@pytest.mark.parametrize("freq", ["DAILY", "WEEKLY;BYDAY=MO,SU"])
def test_all_day_until_matches_recurring_ical_events(until, freq):
    data = ics(f"DTSTART;VALUE=DATE:20080317\r\nRRULE:FREQ={freq};UNTIL={until}")
    low, high = dt.datetime(2008, 1, 1, tzinfo=PARIS), dt.datetime(2009, 1, 1, tzinfo=PARIS)
    assert ours(data, low, high) == theirs(data, low, high)


def test_all_day_utc_until_keeps_the_last_day_but_no_more():
    data = ics("DTSTART;VALUE=DATE:20080317\r\nRRULE:FREQ=DAILY;UNTIL=20080323T235959Z")
    (event,) = events_from_ical(data).events
    keys = series_keys(event.values["schedule"], limit=100)
    assert keys is not None and keys[-1] == "2008-03-23" and len(keys) == 7


@pytest.mark.parametrize("until", ["20260405T080000Z", "20260405T075959Z", "20260329T080000Z", "20260405T100000"])
def test_paris_series_with_utc_until_across_dst_matches_recurring_ical_events(until):
    data = ics(f"DTSTART;TZID=Europe/Paris:20260320T100000\r\nDTEND;TZID=Europe/Paris:20260320T110000\r\n"
               f"RRULE:FREQ=DAILY;UNTIL={until}")  # fmt: skip
    low, high = dt.datetime(2026, 3, 1, tzinfo=PARIS), dt.datetime(2026, 5, 1, tzinfo=PARIS)
    assert ours(data, low, high) == theirs(data, low, high)
