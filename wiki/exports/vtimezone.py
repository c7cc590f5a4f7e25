"""IANA time zones to iCalendar VTIMEZONE components (RFC 5545 §3.6.5) (pure).

Pure module: no flask, no database. A zone is described from the changes
zoneinfo knows over the years a feed's events need (at most
``MAX_ZONE_YEARS``), each change as a STANDARD or DAYLIGHT observance; when
the last year's changes recur the same way for ten more years, they are
written once with a yearly RRULE, as calendar clients expect.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import zoneinfo
from typing import TYPE_CHECKING

from wiki.agenda.rules import DAY_CODES

if TYPE_CHECKING:
    import icalendar

#: The longest span of years a VTIMEZONE covers (the most recent ones).
MAX_ZONE_YEARS = 80
_DAY = dt.timedelta(days=1)


def _offset(zone: zoneinfo.ZoneInfo, instant: dt.datetime) -> tuple[dt.timedelta, dt.timedelta, str]:
    local = instant.astimezone(zone)
    return local.utcoffset() or dt.timedelta(), local.dst() or dt.timedelta(), local.tzname() or ""


def _transitions(zone: zoneinfo.ZoneInfo, first_year: int, last_year: int) -> list[tuple[dt.datetime, dt.timedelta]]:
    """UTC instants where the offset changes during the years, with the offset just before."""
    found = []
    instant, stop = dt.datetime(first_year, 1, 1, tzinfo=dt.UTC), dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    before = _offset(zone, instant)[0]
    while instant < stop:
        later = instant + _DAY
        if (after := _offset(zone, later)[0]) != before:
            low, high = instant, later  # the change lies in (low, high]
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _offset(zone, middle)[0] == before else (low, middle)
            found.append((high.replace(microsecond=0), before))
            before = after
        instant = later
    return found


def _observance(
    zone: zoneinfo.ZoneInfo, onset: dt.datetime, before: dt.timedelta, rule: str | None = None
) -> icalendar.cal.Component:
    import icalendar  # loaded by the first feed, not by every worker (wiki.exports.ical)

    offset, dst, name = _offset(zone, onset)
    part = icalendar.TimezoneDaylight() if dst else icalendar.TimezoneStandard()
    part.add("dtstart", (onset + before).replace(tzinfo=None))  # local time before the change (RFC 5545 §3.6.5)
    if rule:
        part.add("rrule", icalendar.vRecur.from_ical(rule))
    if name:
        part.add("tzname", name)
    part.add("tzoffsetfrom", before)
    part.add("tzoffsetto", offset)
    return part


def _yearly_rule(zone: zoneinfo.ZoneInfo, onset: dt.datetime, before: dt.timedelta) -> str | None:
    """``FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`` when the change recurs so for ten more years, else None."""
    local = onset + before
    weekday, length = local.weekday(), calendar.monthrange(local.year, local.month)[1]
    rank = -1 if local.day + 7 > length else (local.day - 1) // 7 + 1
    after = _offset(zone, onset)[0]
    for year in range(local.year + 1, local.year + 11):
        days = [
            d
            for d in range(1, calendar.monthrange(year, local.month)[1] + 1)
            if dt.date(year, local.month, d).weekday() == weekday
        ]
        predicted = local.replace(year=year, day=days[rank if rank < 0 else rank - 1], tzinfo=dt.UTC) - before
        if _offset(zone, predicted - dt.timedelta(seconds=1))[0] != before or _offset(zone, predicted)[0] != after:
            return None
    return f"FREQ=YEARLY;BYMONTH={local.month};BYDAY={rank}{DAY_CODES[weekday]}"


# A memo of a pure function of its arguments and of the zoneinfo data shipped with Python, not of anything in
# the database: it is the same for every application of the process, so it needs no per-app cache (wiki.caching).
@functools.lru_cache(maxsize=64)
def vtimezone_bytes(name: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE of :func:`zone_to_vtimezone` as bytes, computed once per zone and span."""
    return zone_to_vtimezone(name, first_year, last_year).to_ical()


def zone_to_vtimezone(name: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """Describe an IANA zone from its zoneinfo changes over the years; a regular yearly change ends as an RRULE."""
    import icalendar

    zone = zoneinfo.ZoneInfo(name)
    last_year = min(max(last_year, first_year), first_year + MAX_ZONE_YEARS)
    changes = _transitions(zone, first_year, last_year)
    component = icalendar.Timezone()
    component.add("tzid", name)
    start = dt.datetime(first_year, 1, 1, tzinfo=zone).astimezone(dt.UTC)
    component.add_component(_observance(zone, start, _offset(zone, start)[0]))
    last = [(t, b) for t, b in changes if t.year == last_year]
    rules = [_yearly_rule(zone, t, b) for t, b in last]
    tail = bool(last) and all(rules)
    for onset, before in changes[: len(changes) - len(last)] if tail else changes:
        component.add_component(_observance(zone, onset, before))
    for (onset, before), rule in zip(last, rules, strict=True) if tail else ():
        component.add_component(_observance(zone, onset, before, rule))
    return component
