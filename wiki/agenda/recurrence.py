"""Expand an event's schedule into dated occurrences within a window (pure).

Pure module: standard library, python-dateutil, :mod:`wiki.records.values` and
:mod:`wiki.agenda.rules` only. A schedule is the value of a schedule field
(:func:`wiki.records.values.clean_schedule`): local wall times (or dates when
``all_day``) plus an IANA zone name, an optional ``rrule``, ``exdates`` and
``rdates`` (extra starts; a period ``start/end`` has its own end).

Recurrence follows the wall clock, as RFC 5545 and every calendar client do: a
weekly 10:00 Europe/Paris event stays at 10:00 across daylight-saving changes,
and its duration is kept in wall-clock time. A time that falls in a DST gap is
read with the offset before the gap (02:30 becomes 03:30). As in
``recurring_ical_events``, DTSTART is always the first occurrence.

Occurrences are keyed by their *recurrence id*: the original start written as
in a schedule (``2026-03-22T10:00`` or ``2026-03-22``). Per-occurrence
overrides and cancellations use that key. The work is bounded: a window of
two years at most, ``max_occurrences`` results, a budget of rule steps, and
rules that never produce a date are refused (see :mod:`wiki.agenda.rules`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dateutil import rrule as du

from wiki.agenda.rules import MSG_EMPTY
from wiki.agenda.rules import RecurrenceError
from wiki.agenda.rules import build_rrule
from wiki.agenda.rules import dateutil_rule
from wiki.agenda.rules import describe_rrule
from wiki.agenda.rules import parse_until
from wiki.agenda.rules import produces_dates
from wiki.agenda.rules import rule_parts
from wiki.agenda.rules import validate_rrule
from wiki.records.values import FieldError
from wiki.records.values import get_zone

__all__ = ["Occurrence", "RecurrenceError", "build_rrule", "describe_rrule", "expand", "occurrence_key",
           "schedule_zone", "validate_rrule", "wall_start"]  # fmt: skip

DEFAULT_ZONE = "Europe/Paris"
MAX_WINDOW = dt.timedelta(days=732)
MAX_STEPS = 100_000  # rule dates looked at in one expansion (a daily event since 1900 is 46,000)
_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Occurrence:
    """One dated occurrence of an event; all-day ones run from local midnight to the midnight after their last day."""

    start: dt.datetime
    end: dt.datetime | None
    all_day: bool
    recurrence_id: str
    cancelled: bool = False
    override: Mapping[str, Any] | None = None


def schedule_zone(schedule: Mapping[str, Any]) -> zoneinfo.ZoneInfo:
    """The schedule's IANA time zone (Europe/Paris when unset)."""
    try:
        return get_zone(schedule.get("timezone") or DEFAULT_ZONE)
    except FieldError as error:
        raise RecurrenceError(error.message) from None


def _wall(value: Any, zone: zoneinfo.ZoneInfo, all_day: bool) -> dt.datetime | dt.date:
    """Read a start/end/key: text, date or datetime; aware values are converted to ``zone``'s wall time."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            raise RecurrenceError(f"Date invalide dans l'horaire : « {text[:40]} ».") from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(zone)
        value = value.replace(tzinfo=None, microsecond=0)
        return value.date() if all_day else value
    if isinstance(value, dt.date):
        return value
    raise RecurrenceError("Date invalide dans l'horaire.")


def _as_naive(value: dt.datetime | dt.date) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())


def _key(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return value.isoformat()


def occurrence_key(value: Any, zone: zoneinfo.ZoneInfo | str, all_day: bool) -> str:
    """Normalise a recurrence id (text, date or datetime) to ``2026-03-22T10:00`` or ``2026-03-22``."""
    zone = get_zone(zone) if isinstance(zone, str) else zone
    return _key(_wall(value, zone, all_day))


def wall_start(schedule: Mapping[str, Any]) -> dt.datetime:
    """The schedule's first start as a naive wall time (local midnight for all-day events)."""
    return _as_naive(_wall(schedule["start"], schedule_zone(schedule), bool(schedule.get("all_day"))))


def _duration(
    schedule: Mapping[str, Any], zone: zoneinfo.ZoneInfo, all_day: bool, first: dt.datetime
) -> dt.timedelta | None:
    """Wall-clock length; all-day events always last whole days (end inclusive in the schedule)."""
    end = schedule.get("end")
    if all_day:
        last = _wall(end, zone, True) if end else first.date()
        return max(_as_naive(last) - first, dt.timedelta()) + _DAY
    return None if not end else max(_as_naive(_wall(end, zone, False)) - first, dt.timedelta())


def _aware(naive: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Attach the zone; a wall time in a DST gap moves forward by the gap (RFC 5545 §3.3.5)."""
    return naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC).astimezone(zone)


def _local_until(value: str, zone: zoneinfo.ZoneInfo, all_day: bool) -> dt.datetime:
    """The last allowed start as a naive wall time (midnight of a day for all-day events).

    A UTC UNTIL on an all-day series bounds the day's start as written, not converted to the zone
    (``UNTIL=20080323T235959Z`` ends on the 23rd), as recurring_ical_events and calendar clients do.
    """
    until = parse_until(value)
    if isinstance(until, dt.datetime):
        if until.tzinfo is not None and not all_day:
            until = until.astimezone(zone)
        until = until.replace(tzinfo=None)
        return dt.datetime.combine(until.date(), dt.time()) if all_day else until
    return dt.datetime.combine(until, dt.time() if all_day else dt.time(23, 59, 59))


def _extra(
    schedule: Mapping[str, Any], zone: zoneinfo.ZoneInfo, all_day: bool
) -> dict[dt.datetime, dt.datetime | None]:
    """The extra starts (RDATE) as naive wall times, each with its own end when it is a period."""
    found: dict[dt.datetime, dt.datetime | None] = {}
    for item in schedule.get("rdates") or ():
        first, _, last = str(item).partition("/")
        found[_as_naive(_wall(first, zone, all_day))] = (
            _as_naive(_wall(last, zone, False)) if last and not all_day else None
        )
    return found


def _dates(
    schedule: Mapping[str, Any], zone: zoneinfo.ZoneInfo, all_day: bool, first: dt.datetime, stop: dt.datetime
) -> Iterator[dt.datetime]:
    """The original starts (naive wall times: the first, the rule's, the extra ones) up to ``stop``, within budget."""
    extra = _extra(schedule, zone, all_day)
    if not schedule.get("rrule"):
        yield from (date for date in sorted({first, *extra}) if date <= stop)
        return
    text = validate_rrule(schedule["rrule"])
    if not produces_dates(text, first):
        raise RecurrenceError(MSG_EMPTY)
    parts = rule_parts(text)
    until = _local_until(parts["UNTIL"], zone, all_day) if "UNTIL" in parts else stop
    rules = du.rruleset()
    rules.rrule(dateutil_rule(parts, first, min(until, stop)))
    rules.rdate(first)  # DTSTART always counts, as in recurring_ical_events
    for date in extra:
        rules.rdate(date)
    for steps, date in enumerate(rules):
        if steps >= MAX_STEPS:
            raise RecurrenceError("Récurrence trop longue à calculer : raccourcissez-la ou commencez-la plus tard.")
        if date > stop:
            return
        yield date


def _apply(
    original: dt.datetime,
    schedule_duration: dt.timedelta | None,
    override: Mapping[str, Any] | None,
    zone: zoneinfo.ZoneInfo,
    all_day: bool,
) -> tuple[dt.datetime, dt.datetime | None]:
    """Effective aware start and end of one occurrence, moved by its override if any."""
    start, duration = original, schedule_duration
    if override and override.get("start"):
        start = _as_naive(_wall(override["start"], zone, all_day))
    if override and override.get("end"):
        moved_end = _as_naive(_wall(override["end"], zone, all_day)) + (_DAY if all_day else dt.timedelta())
        duration = max(moved_end - start, dt.timedelta())
    end = None if duration is None else start + duration
    return _aware(start, zone), None if end is None else _aware(end, zone)


def _overlaps(start: dt.datetime, end: dt.datetime | None, window_start: dt.datetime, window_end: dt.datetime) -> bool:
    if end is None or end <= start:
        return window_start <= start < window_end
    return start < window_end and end > window_start


def expand(
    schedule: Mapping[str, Any],
    window_start: dt.datetime,
    window_end: dt.datetime,
    *,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    cancelled: set[str] | frozenset[str] = frozenset(),
    max_occurrences: int = 1000,
) -> list[Occurrence]:
    """List the occurrences overlapping ``[window_start, window_end)`` (aware bounds, two years at most), by start."""
    if window_start.tzinfo is None or window_end.tzinfo is None:
        raise RecurrenceError("Période invalide : indiquez le fuseau horaire des bornes.")
    if window_end <= window_start or window_end - window_start > MAX_WINDOW:
        raise RecurrenceError("Période invalide : elle doit durer de quelques instants à deux ans au plus.")
    zone = schedule_zone(schedule)
    all_day = bool(schedule.get("all_day"))
    first = wall_start(schedule)
    duration = _duration(schedule, zone, all_day, first)
    periods = {start: end - start for start, end in _extra(schedule, zone, all_day).items() if end is not None}
    longest = max([duration or dt.timedelta(), *periods.values()])
    excluded = {occurrence_key(x, zone, all_day) for x in schedule.get("exdates") or ()}
    moved = {occurrence_key(k, zone, all_day): v for k, v in (overrides or {}).items()}
    stopped = {occurrence_key(k, zone, all_day) for k in cancelled}
    low = window_start.astimezone(zone).replace(tzinfo=None) - longest - _DAY
    high = window_end.astimezone(zone).replace(tzinfo=None) + _DAY
    # Overrides may move an occurrence from anywhere into the window: their originals are looked for too.
    wanted = {
        k
        for k, v in moved.items()
        if _overlaps(*_apply(_as_naive(_wall(k, zone, all_day)), duration, v, zone, all_day), window_start, window_end)
    }
    stop = max([high, *(_as_naive(_wall(k, zone, all_day)) for k in wanted)])
    found: list[Occurrence] = []
    for original in _dates(schedule, zone, all_day, first, stop):
        key = _key(original.date() if all_day else original)
        if key in excluded or (not all_day and key[:10] in excluded):
            continue
        if not (low <= original <= high or key in wanted):
            continue
        override = moved.get(key)
        start, end = _apply(original, periods.get(original, duration), override, zone, all_day)
        if _overlaps(start, end, window_start, window_end):
            is_cancelled = key in stopped or bool(override and str(override.get("status", "")).upper() == "CANCELLED")
            found.append(Occurrence(start, end, all_day, key, is_cancelled, override))
        if len(found) >= max_occurrences + len(moved):
            break
    found.sort(key=lambda o: (o.start, o.recurrence_id))
    return found[:max_occurrences]


def series_keys(schedule: Mapping[str, Any], *, limit: int) -> list[str] | None:
    """Every recurrence id of a schedule that ends (a single date, or a rule with COUNT or UNTIL), exclusions left out.

    None for an endless rule, or one with more than ``limit`` dates.
    """
    zone, all_day = schedule_zone(schedule), bool(schedule.get("all_day"))
    if schedule.get("rrule") and not {"COUNT", "UNTIL"} & set(rule_parts(validate_rrule(schedule["rrule"]))):
        return None
    excluded = {occurrence_key(x, zone, all_day) for x in schedule.get("exdates") or ()}
    keys: list[str] = []
    for original in _dates(schedule, zone, all_day, wall_start(schedule), dt.datetime(9999, 1, 1)):
        key = _key(original.date() if all_day else original)
        if key in excluded or (not all_day and key[:10] in excluded):
            continue
        keys.append(key)
        if len(keys) > limit:
            return None
    return keys
