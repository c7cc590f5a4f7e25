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
