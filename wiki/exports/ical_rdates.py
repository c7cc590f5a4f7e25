"""The extra dates (RDATE) of an event's schedule as iCalendar properties (pure).

Pure module, a helper of :mod:`wiki.exports.ical`: a schedule's ``rdates``
(see :mod:`wiki.agenda.recurrence`) become one RDATE of dates
(``VALUE=DATE``) for an all-day event, else one RDATE of wall times with the
event's TZID and one ``VALUE=PERIOD`` RDATE for the dates that have their own
end, so that every client (recurring_ical_events included) expands them as
the agenda does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from wiki.agenda.recurrence import occurrence_key
from wiki.agenda.recurrence import schedule_zone

if TYPE_CHECKING:
    import icalendar


def is_recurring(schedule: Mapping[str, Any]) -> bool:
    """Whether the schedule has more than one date: a rule or extra dates."""
    return bool(schedule.get("rrule") or schedule.get("rdates"))


def rdate_years(schedule: Mapping[str, Any]) -> list[int]:
    """The years of the extra dates (ends included), for the VTIMEZONE to cover."""
    return sorted({int(part[:4]) for item in schedule.get("rdates") or () for part in str(item).split("/")})


def add_rdates(component: icalendar.Event, schedule: Mapping[str, Any]) -> None:
    """Add the schedule's extra dates to a VEVENT: dates, wall times with TZID, then periods."""
    if not schedule.get("rdates"):
        return
    zone, all_day = schedule_zone(schedule), bool(schedule.get("all_day"))
    days: list[dt.date] = []
    times: list[dt.datetime] = []
    periods: list[tuple[dt.datetime, dt.datetime]] = []
    for item in schedule["rdates"]:
        first, _, last = str(item).partition("/")
        key = occurrence_key(first, zone, all_day)
        if all_day:
            days.append(dt.date.fromisoformat(key))
        elif last:
            periods.append(
                (dt.datetime.fromisoformat(key), dt.datetime.fromisoformat(occurrence_key(last, zone, False)))
            )
        else:
            times.append(dt.datetime.fromisoformat(key).replace(tzinfo=zone))
    if days:
        component.add("rdate", days)
    if times:
        component.add("rdate", times)
    if periods:
        component.add("rdate", periods, parameters={"TZID": zone.key, "VALUE": "PERIOD"})
