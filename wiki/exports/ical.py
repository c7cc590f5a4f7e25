"""Agenda events to iCalendar (RFC 5545) feeds (pure).

Pure module: it turns event mappings into ``icalendar`` components and bytes,
with no flask, no database and no clock (the VTIMEZONEs come from
:mod:`wiki.exports.vtimezone`) — DTSTAMP is the event's
``last_modified``, as RFC 5545 §3.8.7.2 allows for a feed without METHOD, so
the same events always give the same bytes.

An event mapping holds ``uid`` (stable, ``record-42@exemple.fr``), ``title``,
``description``, ``location``, ``url``, ``schedule`` (the schedule field value,
see :mod:`wiki.agenda.recurrence`), ``sequence``, ``created``,
``last_modified`` (aware datetimes), ``status`` (``CONFIRMED``, ``TENTATIVE``
or ``CANCELLED``), ``cancelled`` (recurrence ids of cancelled occurrences) and
``overrides`` (recurrence id → changed fields ``start``, ``end``, ``title``,
``description``, ``location``, ``url``, ``status``; each becomes a VEVENT with
RECURRENCE-ID). Rules are kept as RRULE/EXDATE and extra dates as RDATE, never
exploded.

A cancelled occurrence of a series is written the RFC 5545 way, as a VEVENT
with its RECURRENCE-ID and STATUS:CANCELLED, so that reading the feed back
keeps it cancelled (« annulé ») rather than merely excluded; its date is also
an EXDATE of the series, because clients that do not read the STATUS of an
override (``recurring-ical-events`` among them) would otherwise show it as
taking place. A one-off event whose date is cancelled is STATUS:CANCELLED.

Hostile text (HOSTILE_INPUTS B5-42..44): control characters are dropped and
``icalendar`` escapes CR/LF, ``;``, ``,`` and ``\\``, so a title can never open
a new property or component; lines are folded at 75 octets between UTF-8
characters; only http(s) addresses become a URL property.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from wiki.agenda.recurrence import expand
from wiki.agenda.recurrence import occurrence_key
from wiki.agenda.recurrence import schedule_zone
from wiki.agenda.recurrence import wall_start
from wiki.agenda.rules import RecurrenceError
from wiki.agenda.rules import parse_until
from wiki.agenda.rules import rule_parts
from wiki.agenda.rules import validate_rrule
from wiki.exports.ical_rdates import add_rdates
from wiki.exports.ical_rdates import is_recurring
from wiki.exports.ical_rdates import rdate_years
from wiki.exports.vtimezone import MAX_ZONE_YEARS
from wiki.exports.vtimezone import vtimezone_bytes
from wiki.exports.vtimezone import zone_to_vtimezone
from wiki.records.contacts import clean_url
from wiki.records.values import UNSAFE_RE
from wiki.records.values import FieldError

if TYPE_CHECKING:
    import icalendar

PRODID = "-//Lieudit//Agenda//FR"
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
#: Schedule changes that make calendar clients replace their copy (RFC 5545 §3.8.7.4).
SIGNIFICANT = ("start", "end", "all_day", "timezone", "rrule", "exdates", "rdates")
_DAY = dt.timedelta(days=1)


@functools.cache
def serialiser() -> str:
    """Name what turns an event into bytes, so that VEVENTs stored by another version are written again.

    Raise the number whenever this module writes an event differently; an
    upgrade of ``icalendar`` does the same. ``icalendar`` is imported here and
    by the functions that write, on first use: 3.5 MB and a tenth of a second
    that a worker serving pages never needs (issue 19).
    """
    import icalendar

    return f"3/icalendar-{icalendar.__version__}"


# --- text and values -------------------------------------------------------------


def _text(value: Any, *, one_line: bool = False) -> str:
    text = UNSAFE_RE.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    return " ".join(text.split()) if one_line else text


def _url(value: Any) -> str | None:
    """Only absolute http(s) addresses are emitted (B5-44)."""
    try:
        return clean_url(value) if isinstance(value, str) and value.strip() else None
    except FieldError:
        return None


def _utc(value: dt.datetime) -> dt.datetime:
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _when(value: dt.datetime | dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime | dt.date:
    """A naive wall time gets the event's zone (written with TZID); dates stay dates."""
    return value.replace(tzinfo=zone) if isinstance(value, dt.datetime) else value


def _wall(value: Any, zone: zoneinfo.ZoneInfo, all_day: bool) -> dt.datetime | dt.date:
    key = occurrence_key(value, zone, all_day)
    return dt.date.fromisoformat(key) if all_day else dt.datetime.fromisoformat(key)


def _rrule(schedule: Mapping[str, Any], zone: zoneinfo.ZoneInfo, all_day: bool) -> icalendar.vRecur:
    """The rule with UNTIL in the form RFC 5545 requires: a date for all-day events, else UTC."""
    import icalendar

    parts = rule_parts(validate_rrule(schedule["rrule"]))
    if "UNTIL" in parts:
        until = parse_until(parts["UNTIL"])
        if isinstance(until, dt.datetime) and until.tzinfo is not None:
            # An all-day series bounds the day as written (as the agenda expands it), a timed one in its zone.
            until = (until if all_day else until.astimezone(zone)).replace(tzinfo=None)
        if all_day:
            parts["UNTIL"] = (until.date() if isinstance(until, dt.datetime) else until).strftime("%Y%m%d")
        else:
            local = until if isinstance(until, dt.datetime) else dt.datetime.combine(until, dt.time(23, 59, 59))
            parts["UNTIL"] = _utc(local.replace(tzinfo=zone, fold=0)).strftime("%Y%m%dT%H%M%SZ")
    return icalendar.vRecur.from_ical(";".join(f"{k}={v}" for k, v in parts.items()))


def _describe(component: icalendar.Event, event: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
    """SUMMARY, DESCRIPTION, LOCATION, URL and STATUS, each from ``changes`` first."""

    def pick(name: str) -> Any:
        """The changed value if any, else the event's."""
        return changes[name] if name in changes else event.get(name)

    component.add("summary", _text(pick("title")) or "(sans titre)")
    for name in ("description", "location"):
        if text := _text(pick(name)):
            component.add(name, text)
    if url := _url(pick("url")):
        component.add("url", url)
    status = str(pick("status") or "CONFIRMED").upper()
    component.add("status", status if status in STATUSES else "CONFIRMED")


def _stamp(component: icalendar.Event, event: Mapping[str, Any]) -> None:
    modified = event.get("last_modified") or event.get("created")
    if not isinstance(modified, dt.datetime):
        raise ValueError(f"Événement {event.get('uid')!r} : date de dernière modification manquante.")
    component.add("uid", _text(event["uid"], one_line=True))
    component.add("dtstamp", _utc(modified))
    if isinstance(event.get("created"), dt.datetime):
        component.add("created", _utc(event["created"]))
    component.add("last-modified", _utc(modified))
    component.add("sequence", max(int(event.get("sequence") or 0), 0))


# --- events ----------------------------------------------------------------------


def event_to_ical(event: Mapping[str, Any]) -> icalendar.Event:
    """Write the main VEVENT of an event: times with TZID, RRULE, EXDATE for exclusions and cancellations."""
    import icalendar

    schedule = event["schedule"]
    zone, all_day = schedule_zone(schedule), bool(schedule.get("all_day"))
    start = wall_start(schedule)
    component = icalendar.Event()
    _stamp(component, event)
    once_cancelled = not is_recurring(schedule) and occurrence_key(start, zone, all_day) in _cancelled(
        event, zone, all_day
    )
    _describe(component, event, {"status": "CANCELLED"} if once_cancelled else {})
    if all_day:
        last = _wall(schedule["end"], zone, True) if schedule.get("end") else start.date()
        component.add("dtstart", start.date())
        component.add("dtend", max(last, start.date()) + _DAY)
    else:
        component.add("dtstart", _when(start, zone))
        if schedule.get("end"):
            component.add("dtend", _when(_wall(schedule["end"], zone, False), zone))
    if schedule.get("rrule"):
        component.add("rrule", _rrule(schedule, zone, all_day))
    add_rdates(component, schedule)
    if is_recurring(schedule):
        excluded = sorted(_excluded(schedule, zone, all_day) | _cancelled(event, zone, all_day))
        if excluded:
            days = [
                _wall(k, zone, all_day)
                if len(k) > 10 or all_day
                else dt.datetime.combine(dt.date.fromisoformat(k), start.time())
                for k in excluded
            ]
            component.add("exdate", [_when(d, zone) for d in days])
    return component


def _excluded(schedule: Mapping[str, Any], zone: zoneinfo.ZoneInfo, all_day: bool) -> set[str]:
    """The recurrence ids the schedule itself leaves out (its EXDATEs)."""
    return {occurrence_key(x, zone, all_day) for x in schedule.get("exdates") or ()}


def _cancelled(event: Mapping[str, Any], zone: zoneinfo.ZoneInfo, all_day: bool) -> set[str]:
    """The recurrence ids of cancelled occurrences: listed in ``cancelled``, or overridden with status CANCELLED."""
    overrides = event.get("overrides") or {}
    cancelled = [*(event.get("cancelled") or ()), *(k for k, v in overrides.items() if _is_cancelled(v))]
    return {occurrence_key(k, zone, all_day) for k in cancelled}


def _is_cancelled(changes: Mapping[str, Any]) -> bool:
    return str(changes.get("status") or "").upper() == "CANCELLED"


def _produced(schedule: Mapping[str, Any], key: str, zone: zoneinfo.ZoneInfo, all_day: bool) -> bool:
    """Whether the rule has an occurrence ``key`` (a cancelled date may predate a change of the series' time)."""
    wall = _wall(key, zone, all_day)  # a date for an all-day event: its midnight
    moment = wall if isinstance(wall, dt.datetime) else dt.datetime.combine(wall, dt.time())
    aware = moment.replace(tzinfo=zone)
    try:
        found = expand(schedule, aware - _DAY, aware + 2 * _DAY, max_occurrences=100)
    except (RecurrenceError, FieldError):
        return False
    return any(o.recurrence_id == key for o in found)


def _override_to_ical(event: Mapping[str, Any], key: str, changes: Mapping[str, Any]) -> icalendar.Event:
    import icalendar

    schedule = event["schedule"]
    zone, all_day = schedule_zone(schedule), bool(schedule.get("all_day"))
    first = wall_start(schedule)
    original = _wall(key, zone, all_day)
    end: dt.date | None  # a date for an all-day event, else a date-time (or none)
    if all_day:
        last = _wall(schedule["end"], zone, True) if schedule.get("end") else first.date()
        days = max((last - first.date()).days, 0)
        start = _wall(changes["start"], zone, True) if changes.get("start") else original
        end = _wall(changes["end"], zone, True) if changes.get("end") else start + dt.timedelta(days=days)
        end = max(end, start) + _DAY  # inclusive → exclusive
    else:
        length = _wall(schedule["end"], zone, False) - first if schedule.get("end") else None
        start = _wall(changes["start"], zone, False) if changes.get("start") else original
        end = (
            _wall(changes["end"], zone, False)
            if changes.get("end")
            else (start + length if length is not None else None)
        )
    component = icalendar.Event()
    _stamp(component, event)
    component.add("recurrence-id", _when(original, zone))
    _describe(component, event, changes)
    component.add("dtstart", _when(start, zone))
    if end is not None:
        component.add("dtend", _when(max(end, start), zone))
    return component


def event_to_ical_components(event: Mapping[str, Any]) -> list[icalendar.Event]:
    """The main VEVENT, then one VEVENT with RECURRENCE-ID per changed or cancelled occurrence, by recurrence id."""
    components = [event_to_ical(event)]
    schedule = event["schedule"]
    if is_recurring(schedule):
        zone, all_day = schedule_zone(schedule), bool(schedule.get("all_day"))
        excluded, cancelled = _excluded(schedule, zone, all_day), _cancelled(event, zone, all_day)
        changed = {occurrence_key(k, zone, all_day): v for k, v in (event.get("overrides") or {}).items()}
        exceptions = {k: v for k, v in changed.items() if k not in excluded | cancelled}
        exceptions |= {
            k: {"status": "CANCELLED"} for k in cancelled - excluded if _produced(schedule, k, zone, all_day)
        }
        components += [_override_to_ical(event, k, v) for k, v in sorted(exceptions.items())]
    return components


def sequence_after_change(old: Mapping[str, Any], new: Mapping[str, Any], sequence: int) -> int:
    """The SEQUENCE for a new revision: one more when the schedule changed significantly."""
    before, after = old.get("schedule") or {}, new.get("schedule") or {}
    changed = any(before.get(k) != after.get(k) for k in SIGNIFICANT) or old.get("status") != new.get("status")
    changed = (
        changed
        or (old.get("cancelled") or []) != (new.get("cancelled") or [])
        or (old.get("overrides") or {}) != (new.get("overrides") or {})
    )
    return sequence + 1 if changed else sequence


def _years(event: Mapping[str, Any]) -> tuple[str, int, int] | None:
    schedule = event["schedule"]
    if schedule.get("all_day"):
        return None
    zone = schedule_zone(schedule)
    first = wall_start(schedule).year
    last = _wall(schedule["end"], zone, False).year if schedule.get("end") else first
    if schedule.get("rrule"):
        parts = rule_parts(schedule["rrule"])
        last = max(last, parse_until(parts["UNTIL"]).year) if "UNTIL" in parts else max(last, first + 1)
        if "COUNT" in parts:
            span = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}.get(parts["FREQ"], 366)
            last = max(last, first + int(parts["COUNT"]) * int(parts.get("INTERVAL", "1")) * span // 365 + 1)
    extra = rdate_years(schedule)
    return zone.key, min([first, *extra]), max([last, *extra])


def events_to_ical(events: Iterable[Mapping[str, Any]], *, calendar_name: str, prodid: str = PRODID) -> bytes:
    """Write a VCALENDAR feed: one VTIMEZONE per zone used, then every event and its changed occurrences."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", _text(prodid, one_line=True))
    cal.add("calscale", "GREGORIAN")
    name = _text(calendar_name, one_line=True)
    cal.add("name", icalendar.vText(name))
    cal.add("x-wr-calname", icalendar.vText(name))
    components: list[icalendar.Event] = []
    zones: dict[str, tuple[int, int]] = {}
    for event in events:
        components += event_to_ical_components(event)
        if used := _years(event):
            key, first, last = used
            low, high = zones.get(key, (first, last))
            zones[key] = (min(low, first), max(high, last))
    for key, (first, last) in sorted(zones.items()):
        cal.add_component(zone_to_vtimezone(key, max(first, last - MAX_ZONE_YEARS), last))
    for component in components:
        cal.add_component(component)
    return cal.to_ical()


# --- feeds assembled from stored parts ----------------------------------------------


def zone_years(event: Mapping[str, Any]) -> tuple[str, int, int] | None:
    """The zone and the years an event's VTIMEZONE must cover (None for all-day events)."""
    return _years(event)


def event_bytes(event: Mapping[str, Any]) -> bytes:
    """An event's VEVENTs (series and changed occurrences) as folded bytes, to cache and assemble later."""
    return b"".join(component.to_ical() for component in event_to_ical_components(event))


def assemble_calendar(
    parts: Iterable[bytes],
    zones: Mapping[str, tuple[int, int]],
    *,
    calendar_name: str,
    prodid: str = PRODID,
    description: str = "",
) -> bytes:
    """A VCALENDAR from VEVENT bytes (``event_bytes``) and the zones they use: the same bytes as ``events_to_ical``.

    ``description``: what the feed holds (RFC 7986 ``DESCRIPTION`` and ``X-WR-CALDESC``), none when empty.
    """
    import icalendar

    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", _text(prodid, one_line=True))
    cal.add("calscale", "GREGORIAN")
    name = _text(calendar_name, one_line=True)
    cal.add("name", icalendar.vText(name))
    cal.add("x-wr-calname", icalendar.vText(name))
    if description:
        cal.add("description", _text(description))
        cal.add("x-wr-caldesc", icalendar.vText(_text(description)))
    end = b"END:VCALENDAR\r\n"
    head = cal.to_ical()
    timezones = [
        vtimezone_bytes(key, max(first, last - MAX_ZONE_YEARS), last) for key, (first, last) in sorted(zones.items())
    ]
    return head[: -len(end)] + b"".join(timezones) + b"".join(parts) + end
