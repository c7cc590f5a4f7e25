"""Our feeds' recurrences read back by recurring_ical_events: all-day UNTIL (issue 14, item 3) and RDATE (item 6)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
import recurring_ical_events

from wiki.agenda.recurrence import expand
from wiki.exports.ical import events_to_ical

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
STAMP = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)


def make_event(schedule: dict, **more) -> dict:
    return {"uid": "record-1@lieudit.example", "title": "Marché", "description": "", "location": "", "url": None,
            "schedule": schedule, "sequence": 0, "created": STAMP, "last_modified": STAMP, "status": "CONFIRMED",
            "cancelled": [], "overrides": {}} | more  # fmt: skip


def instant(value: dt.date) -> dt.datetime:
    return value.astimezone(dt.UTC) if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time(), PARIS)


def round_trip(event: dict, low: dt.datetime, high: dt.datetime) -> tuple[list, list]:
    """Occurrences (start, end) from our expansion and from recurring_ical_events reading our feed."""
    feed = icalendar.Calendar.from_ical(events_to_ical([event], calendar_name="A"))
    theirs = sorted((instant(o.start), instant(o.end)) for o in recurring_ical_events.of(feed).between(low, high))
    found = expand(event["schedule"], low, high, overrides=event["overrides"], cancelled=set(event["cancelled"]))
    ours = [(o.start.astimezone(dt.UTC), (o.end or o.start).astimezone(dt.UTC)) for o in found if not o.cancelled]
    return ours, theirs


@pytest.mark.parametrize("until", ["20080323T235959Z", "20080323T000000Z", "20080323", "20080322T230000Z"])
def test_all_day_until_in_utc_is_written_as_the_same_last_day(until):
    schedule = {"start": "2008-03-17", "end": None, "all_day": True, "timezone": "Europe/Paris",
                "rrule": f"FREQ=DAILY;UNTIL={until}"}  # fmt: skip
    low, high = dt.datetime(2008, 3, 1, tzinfo=PARIS), dt.datetime(2008, 5, 1, tzinfo=PARIS)
    ours, theirs = round_trip(make_event(schedule), low, high)
    assert ours == theirs and len(ours) == (6 if until.startswith("20080322") else 7)


RDATE_SCHEDULES = {
    "timed": {"start": "2026-07-02T12:00", "end": "2026-07-02T13:00", "all_day": False, "timezone": "Europe/Paris",
              "rdates": ["2026-07-09T12:00/2026-07-09T16:00", "2026-11-05T18:00"], "exdates": ["2026-11-05T18:00"]},
    "with a rule": {"start": "2026-03-02T10:00", "end": "2026-03-02T11:00", "all_day": False, "timezone": "Europe/Paris",
                    "rrule": "FREQ=WEEKLY;COUNT=4", "rdates": ["2026-04-04T15:00", "2026-04-11T15:00/2026-04-11T15:30"],
                    "exdates": ["2026-03-09T10:00"]},
    "all day": {"start": "2026-01-01", "end": "2026-01-02", "all_day": True, "timezone": "Europe/Paris",
                "rdates": ["2026-01-20", "2026-03-29"]},
    "in New York": {"start": "2026-03-01T09:00", "end": None, "all_day": False, "timezone": "America/New_York",
                    "rdates": ["2026-03-15T09:00"]},
}  # fmt: skip


@pytest.mark.parametrize("schedule", RDATE_SCHEDULES.values(), ids=RDATE_SCHEDULES.keys())
def test_rdates_round_trip_through_recurring_ical_events(schedule):
    event = make_event(schedule, cancelled=[schedule["rdates"][0]] if schedule.get("rrule") else [])
    ours, theirs = round_trip(event, dt.datetime(2025, 12, 1, tzinfo=PARIS), dt.datetime(2027, 1, 1, tzinfo=PARIS))
    assert ours == theirs and len(ours) >= 2


def test_rdates_are_written_with_their_zone_or_as_dates():
    timed = events_to_ical([make_event(RDATE_SCHEDULES["timed"])], calendar_name="A").decode()
    assert "RDATE;TZID=Europe/Paris;VALUE=PERIOD:20260709T120000/20260709T160000\r\n" in timed
    assert (
        "RDATE;TZID=Europe/Paris:20261105T180000\r\n" in timed and "EXDATE;TZID=Europe/Paris:20261105T180000" in timed
    )
    days = events_to_ical([make_event(RDATE_SCHEDULES["all day"])], calendar_name="A").decode()
    assert "RDATE;VALUE=DATE:20260120,20260329\r\n" in days


@pytest.mark.parametrize("schedule", RDATE_SCHEDULES.values(), ids=RDATE_SCHEDULES.keys())
def test_our_rdates_import_back_unchanged(schedule):
    from importers.ical_events import events_from_ical

    (event,) = events_from_ical(events_to_ical([make_event(schedule)], calendar_name="A")).events
    assert event.values["schedule"]["rdates"] == schedule["rdates"]
    assert event.values["schedule"].get("exdates") == schedule.get("exdates")
