"""Expansion compared with recurring_ical_events: UNTIL bounds (issue 14, item 3) and RDATE (item 6)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
import recurring_ical_events

from importers.ical_events import events_from_ical
from tests.shared import DATA
from wiki.agenda.recurrence import expand
from wiki.agenda.recurrence import series_keys
from wiki.records.schedules import clean_schedule
from wiki.records.values import FieldError

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


# --- RDATE (item 6) -------------------------------------------------------------------------------


def spans(data: bytes, low: dt.datetime, high: dt.datetime) -> tuple[list, list]:
    """(start, end) instants of each occurrence: ours once imported, and recurring_ical_events'."""
    (event,) = events_from_ical(data).events
    found = expand(event.values["schedule"], low, high)
    ours = [(o.start.astimezone(dt.UTC), (o.end or o.start).astimezone(dt.UTC)) for o in found]

    def instant(value: dt.date) -> dt.datetime:
        return (
            value.astimezone(dt.UTC)
            if isinstance(value, dt.datetime)
            else dt.datetime.combine(value, dt.time(), PARIS).astimezone(dt.UTC)
        )

    found_theirs = recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(low, high)
    return ours, sorted(
        (instant(e["DTSTART"].dt), instant(e["DTEND"].dt if "DTEND" in e else e["DTSTART"].dt)) for e in found_theirs
    )


RDATE_EVENTS = {
    "dates only": "DTSTART;TZID=Europe/Paris:20260702T120000\r\nDTEND;TZID=Europe/Paris:20260702T130000\r\n"
                  "RDATE;TZID=Europe/Paris:20260709T120000,20261105T180000\r\nRDATE:20260801T080000Z",
    "with a rule and an exdate": "DTSTART;TZID=Europe/Paris:20260302T100000\r\nDTEND;TZID=Europe/Paris:20260302T110000\r\n"
                                 "RRULE:FREQ=WEEKLY;COUNT=4\r\nRDATE;TZID=Europe/Paris:20260404T150000,20260411T150000\r\n"
                                 "EXDATE;TZID=Europe/Paris:20260411T150000,20260309T100000",
    "periods": "DTSTART;TZID=Europe/Paris:20260702T120000\r\nDTEND;TZID=Europe/Paris:20260702T130000\r\n"
               "RDATE;VALUE=PERIOD:20260709T100000Z/20260709T140000Z,20261029T100000Z/PT3H",
    "all day": "DTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20260103\r\nRDATE;VALUE=DATE:20260120,20260217,20260329",
}  # fmt: skip


@pytest.mark.parametrize("body", RDATE_EVENTS.values(), ids=RDATE_EVENTS.keys())
def test_rdates_expand_like_recurring_ical_events(body):
    ours, theirs = spans(ics(body), dt.datetime(2025, 12, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))
    assert ours == theirs and len(ours) > 2


def test_every_date_of_hacker_public_radio_is_there():
    data = (DATA / "icalendar/recurring-ical-events/rdate_hackerpublicradio.ics").read_bytes()
    ours, theirs = spans(data, dt.datetime(2013, 1, 1, tzinfo=PARIS), dt.datetime(2014, 12, 1, tzinfo=PARIS))
    assert ours == theirs and len(ours) == 12
    (event,) = events_from_ical(data).events
    assert len(series_keys(event.values["schedule"], limit=100) or []) == 12


def test_rdates_are_checked_and_normalised():
    schedule = clean_schedule({"start": "2026-07-02T12:00", "rdates": ["2026-07-16T12:00", "2026-07-09T12:00:00/2026-07-09T16:00",
                                                                      "2026-07-16T12:00"]}, "Europe/Paris")  # fmt: skip
    assert schedule["rdates"] == ["2026-07-09T12:00/2026-07-09T16:00", "2026-07-16T12:00"]
    day = clean_schedule({"start": "2026-07-02", "all_day": True, "rdates": "2026-07-10"}, "Europe/Paris")
    assert day["rdates"] == ["2026-07-10"]
    for bad in (["2026-07-10"], ["2026-07-10T12:00/2026-07-10T11:00"], ["demain"], ["2026-07-10T12:00\r\nX:y"], ["2026-03-29T02:30"],
                [f"2026-07-{d:02d}T12:00" for d in range(1, 29)] * 20):  # fmt: skip
        with pytest.raises(FieldError):
            clean_schedule({"start": "2026-07-02T12:00", "rdates": bad}, "Europe/Paris")
    with pytest.raises(FieldError):
        clean_schedule({"start": "2026-07-02", "all_day": True, "rdates": ["2026-07-10T12:00"]}, "Europe/Paris")
