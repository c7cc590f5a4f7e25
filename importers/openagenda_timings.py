"""OpenAgenda ``timings`` as the schedule of one agenda event: a recurring series where they form one.

Pure (no Flask, no database). An OpenAgenda event lists its dates one by one
(``[{"begin": "2025-01-06T11:00:00+01:00", "end": "…"}, …]``); the agenda keeps
an event as a schedule (first start and end, an optional RRULE and EXDATEs,
:mod:`wiki.records.schedules`) plus per-occurrence changes (overrides keyed by
the occurrence's original start, :mod:`wiki.agenda.overrides`). There is no
RDATE, so :func:`plan_timings` writes the dates as:

1. one date: a plain schedule;
2. at most one date a day: a daily or weekly rule over the dates' common step
   (``FREQ=WEEKLY`` for the same evening every week), the days in between
   excluded (EXDATE) and the dates at another hour or of another length
   moved (overrides);
3. otherwise (two sessions the same day…): a daily rule of as many dates,
   each occurrence moved to its real date.

Timings that touch or overlap are merged first (« 11:00–15:00 » and
« 15:00–18:00 » is one afternoon, 11:00–18:00), with a warning. Times are
read in the event's zone, as wall-clock times, so a weekly 18:00 stays 18:00
across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from importers.ical_values import MAX_EXCEPTIONS
from importers.ical_values import wall_iso
from wiki.agenda.rules import MAX_COUNT
from wiki.agenda.rules import MAX_INTERVAL
from wiki.agenda.rules import validate_rrule
from wiki.records.schedules import clean_schedule
from wiki.records.values import FieldError
from wiki.records.values import get_zone

DAY = dt.timedelta(days=1)


class TimingsRefused(FieldError):
    """The timings cannot make one agenda event; ``message`` says why, in French."""


@dataclass
class Plan:
    """An event's schedule, its moved occurrences, and the recurrence id of every real date."""

    schedule: dict[str, Any]
    overrides: dict[str, dict[str, str]] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Span = tuple[dt.datetime, dt.datetime | None]


def _instant(raw: Any, zone: dt.tzinfo) -> dt.datetime | None:
    """A timing's begin or end as a naive wall time in ``zone`` (None when unreadable)."""
    if not isinstance(raw, str) or not 10 <= len(raw) <= 40:
        return None
    try:
        value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(zone).replace(tzinfo=None)
    return value.replace(microsecond=0)


def read_spans(timings: Any, zone_name: str, warnings: list[str]) -> list[Span]:
    """Begin and end of each readable timing, sorted, touching or overlapping ones merged."""
    zone = get_zone(zone_name)
    spans: list[Span] = []
    unreadable = 0
    for timing in timings if isinstance(timings, list) else []:
        begin = _instant(timing.get("begin", timing.get("start")), zone) if isinstance(timing, dict) else None
        if begin is None:
            unreadable += 1
            continue
        end = _instant(timing.get("end"), zone)
        spans.append((begin, end if end is not None and end > begin else None))
    if unreadable:
        warnings.append(f"{unreadable} date(s) illisible(s) ignorée(s).")
    merged: list[Span] = []
    joined: list[Span] = []
    for begin, end in sorted(set(spans), key=lambda s: (s[0], s[1] or s[0])):
        last_begin, last_end = merged[-1] if merged else (None, None)
        if last_begin is not None and (begin == last_begin or last_end is not None and begin <= last_end):
            ends = [e for e in (last_end, end) if e is not None]
            merged[-1] = (last_begin, max(ends) if ends else None)
            joined.append(merged[-1])
        else:
            merged.append((begin, end))
    if joined:
        begin, end = joined[-1]
        shown = f"{wall_iso(begin)} – {wall_iso(end)}" if end else wall_iso(begin)
        warnings.append(f"Créneaux accolés ou chevauchants fusionnés ({len(joined)}), par exemple {shown}.")
    return merged


def _length(span: Span) -> dt.timedelta | None:
    return span[1] - span[0] if span[1] is not None else None


def _moved(span: Span, base: dt.datetime, length: dt.timedelta | None) -> dict[str, str]:
    """What an occurrence due at ``base`` for ``length`` changes to be ``span``."""
    change: dict[str, str] = {}
    if span[0] != base:
        change["start"] = wall_iso(span[0])
    if span[1] is not None and _length(span) != length:
        change["end"] = wall_iso(span[1])
    return change


def _by_day(spans: list[Span]) -> tuple[dict[str, Any], dict[str, dict[str, str]], list[str]] | None:
    """A daily or weekly rule over dates of one timing each; None when there is none within the limits."""
    days = [begin.date() for begin, _ in spans]
    if len(set(days)) != len(days):
        return None
    step = math.gcd(*((day - days[0]).days for day in days[1:]))
    freq, interval = ("WEEKLY", step // 7) if step % 7 == 0 else ("DAILY", step)
    count = (days[-1] - days[0]).days // step + 1
    if interval > MAX_INTERVAL or count > MAX_COUNT:
        return None
    usual = Counter((begin.time(), _length((begin, end))) for begin, end in spans).most_common(1)[0][0]
    at, length = usual
    start = dt.datetime.combine(days[0], at)
    keys, overrides = [], {}
    for begin, end in spans:
        base = dt.datetime.combine(begin.date(), at)
        keys.append(wall_iso(base))
        if change := _moved((begin, end), base, length):
            overrides[wall_iso(base)] = change
    real = set(keys)
    every = (wall_iso(start + dt.timedelta(days=step * n)) for n in range(count))
    exdates = [key for key in every if key not in real]
    if len(exdates) + len(overrides) > MAX_EXCEPTIONS:
        return None
    rule = f"FREQ={freq};COUNT={count}" + (f";INTERVAL={interval}" if interval > 1 else "")
    schedule = {"start": wall_iso(start), "end": wall_iso(start + length) if length else None, "rrule": rule}
    return schedule | ({"exdates": exdates} if exdates else {}), overrides, keys


def _moved_daily(spans: list[Span]) -> tuple[dict[str, Any], dict[str, dict[str, str]], list[str]]:
    """A daily rule of as many dates as timings, occurrence n moved to timing n."""
    first, length = spans[0][0], _length(spans[0])
    keys = [wall_iso(first + DAY * n) for n in range(len(spans))]
    overrides = {}
    for key, span in zip(keys, spans, strict=True):
        if change := _moved(span, dt.datetime.fromisoformat(key), length):
            overrides[key] = change
    schedule = {"start": wall_iso(first), "end": wall_iso(first + length) if length else None,
                "rrule": f"FREQ=DAILY;COUNT={len(spans)}"}  # fmt: skip
    return schedule, overrides, keys


def plan_timings(timings: Any, zone_name: str) -> Plan:
    """The schedule (checked by ``clean_schedule``) and moved occurrences that give an event all its timings.

    :raises TimingsRefused: no readable timing, too many irregular ones, or a schedule the agenda refuses.
    """
    warnings: list[str] = []
    spans = read_spans(timings, zone_name, warnings)
    if not spans:
        raise TimingsRefused("Aucune date lisible (timings) : événement non importé.")
    raw: dict[str, Any]
    overrides: dict[str, dict[str, str]] = {}
    if len(spans) == 1:
        begin, end = spans[0]
        raw, keys = {"start": wall_iso(begin), "end": wall_iso(end) if end else None}, [wall_iso(begin)]
    elif (regular := _by_day(spans)) is not None:
        raw, overrides, keys = regular
    elif len(spans) <= MAX_EXCEPTIONS + 1:
        raw, overrides, keys = _moved_daily(spans)
    else:
        raise TimingsRefused(f"Trop de dates irrégulières ({len(spans)}) : {MAX_EXCEPTIONS + 1} au plus par événement.")
    raw.update(all_day=False, timezone=zone_name)
    schedule = clean_schedule(raw, zone_name)
    if schedule is None:
        raise TimingsRefused("Aucune date lisible (timings) : événement non importé.")
    if schedule.get("rrule"):
        schedule["rrule"] = validate_rrule(schedule["rrule"], dt.datetime.fromisoformat(schedule["start"]))
    return Plan(schedule, overrides, keys, warnings)
