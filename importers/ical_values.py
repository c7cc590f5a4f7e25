"""Read the properties of one iCalendar VEVENT: texts, dates, time zones and the record schedule.

Pure (no Flask, no database): helpers of :mod:`importers.ical_events`, which
reads whole files. ``schedule_from_ical`` turns DTSTART, DTEND/DURATION,
RRULE, RDATE and EXDATE into a schedule as :func:`wiki.records.schedules.clean_schedule`
returns it, or raises :class:`EventRefused` naming the problem in French.

Time zones: an IANA TZID is kept; floating times and times in UTC take the
calendar's default zone (the instant is kept); Windows names and custom
VTIMEZONEs get the IANA zone they match (:mod:`importers.ical_zones`). An
end before the start is set to the start, with a warning. RDATEs (dates,
date-times, periods) become the schedule's ``rdates``. Rules are checked
with :func:`wiki.agenda.rules.validate_rrule`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import icalendar

from importers.ical_zones import UTC_NAMES
from importers.ical_zones import ZoneBudget
from importers.ical_zones import zone_of
from wiki.agenda.recurrence import occurrence_key
from wiki.agenda.rules import validate_rrule
from wiki.records.schedules import clean_schedule
from wiki.records.values import UNSAFE_RE
from wiki.records.values import FieldError
from wiki.records.values import get_zone

MAX_EXCEPTIONS = 500  # per event: EXDATE, overrides, cancellations
#: Record value, iCalendar property and length cap of the texts of an event.
TEXTS = (("title", "SUMMARY", 500), ("description", "DESCRIPTION", 100_000), ("location", "LOCATION", 1000))
DAY = dt.timedelta(days=1)
#: Other clients keep an event that ends before it starts: so does the import, ending it at its start.
END_BEFORE_START = "Fin (DTEND ou DURATION) avant le début : l'événement est importé avec sa fin à {end}."
Component = icalendar.cal.Component


class EventRefused(FieldError):
    """This event cannot be imported; ``message`` says why."""


def text_of(component: Component, name: str, limit: int, warnings: list[str], *, one_line: bool = True) -> str:
    """A text property, without control characters, on one line unless ``one_line`` is False, cut at ``limit``."""
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    text = UNSAFE_RE.sub("", str(value or "")).replace("\r\n", "\n").replace("\r", "\n")
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) > limit:
        warnings.append(f"{name} tronqué à {limit} caractères.")
        text = text[:limit]
    return text


def date_of(component: Component, name: str) -> Any:
    """The date, datetime or duration of a property (the first one when repeated), or None."""
    prop = component.get(name)
    if isinstance(prop, list):
        prop = prop[0] if prop else None
    return getattr(prop, "dt", None) if prop is not None else None


def dates_of(component: Component, name: str) -> list[Any]:
    """Every date or datetime listed by a (repeatable, multi-valued) property such as EXDATE."""
    props = component.get(name)
    props = props if isinstance(props, list) else [props] if props is not None else []
    return [d.dt for prop in props for d in getattr(prop, "dts", []) if isinstance(getattr(d, "dt", None), dt.date)]


def wall_iso(value: dt.datetime) -> str:
    """A wall-clock time as the schedule writes it (seconds only when there are some)."""
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def _years(component: Component, start: dt.datetime) -> tuple[int, int]:
    """The years an event spans: from its start to its rule's UNTIL, or the next year."""
    rules = component.get("RRULE")
    rules = rules[0] if isinstance(rules, list) and rules else rules
    until = (rules.get("UNTIL") or [None])[0] if isinstance(rules, dict) else None
    last = until.year if isinstance(until, dt.date) else start.year + 1
    return start.year, max(start.year, last)


def rdates_of(component: Component, raw: dict[str, Any], zone: zoneinfo.ZoneInfo, all_day: bool) -> list[str]:
    """The RDATEs of a VEVENT as schedule extra dates (a PERIOD of another length keeps its end), sorted.

    A date on a timed event takes the start's time; the date of DTSTART itself is left out.
    """
    start_time = None if all_day else dt.datetime.fromisoformat(raw["start"]).time()
    usual = (
        None
        if all_day or not raw.get("end")
        else dt.datetime.fromisoformat(raw["end"]) - dt.datetime.fromisoformat(raw["start"])
    )

    def key(value: dt.date) -> str:
        """The occurrence key of one RDATE value."""
        if start_time is not None and not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, start_time)
        return occurrence_key(value, zone, all_day)

    props = component.get("RDATE")
    found = set()
    for prop in props if isinstance(props, list) else [props] if props is not None else []:
        for item in getattr(prop, "dts", []):
            value = getattr(item, "dt", None)
            period = value if isinstance(value, tuple) and len(value) == 2 else None
            begin = period[0] if period else value
            if not isinstance(begin, dt.date):
                continue
            text = key(begin)
            if period and start_time is not None and isinstance(begin, dt.datetime):
                end = begin + period[1] if isinstance(period[1], dt.timedelta) else period[1]
                length = (
                    dt.datetime.fromisoformat(key(end)) - dt.datetime.fromisoformat(text)
                    if isinstance(end, dt.date)
                    else None
                )
                text += f"/{key(end)}" if length is not None and length > dt.timedelta() and length != usual else ""
            found.add(text)
    found.discard(raw["start"])
    return sorted(found)


def _span(
    component: Component, start: dt.date, default: str, warnings: list[str], zones: ZoneBudget | None
) -> tuple[dict[str, Any], Any]:
    """Start and end of the schedule (end inclusive for all-day events), and the zone they are in."""
    end, duration = date_of(component, "DTEND"), date_of(component, "DURATION")
    if not isinstance(start, dt.datetime):
        if isinstance(end, dt.date):
            last = (end.date() if isinstance(end, dt.datetime) else end) - DAY
        elif isinstance(duration, dt.timedelta):
            last = start + duration - DAY
        else:
            last = start
        if last < start:
            warnings.append(END_BEFORE_START.format(end="la fin de la journée"))
        return {"start": start.isoformat(), "end": last.isoformat() if last > start else None}, get_zone(default)
    tzid = getattr(component.get("DTSTART"), "params", {}).get("TZID")
    zone = zone_of(start, tzid, default, warnings, _years(component, start), zones)
    wall = start.astimezone(zone).replace(tzinfo=None) if start.tzinfo else start
    if isinstance(end, dt.datetime):
        end = end.astimezone(zone).replace(tzinfo=None) if end.tzinfo else end
    elif isinstance(end, dt.date):
        end = dt.datetime.combine(end, dt.time())
    elif isinstance(duration, dt.timedelta):
        end = wall + duration
    if isinstance(end, dt.datetime) and end < wall:
        warnings.append(END_BEFORE_START.format(end="l'heure du début"))
        end = None
    if getattr(start.tzinfo, "key", None) in UTC_NAMES and zone.key not in UTC_NAMES and "RRULE" in component:
        warnings.append(f"Heures converties en {zone.key} : les répétitions suivent l'heure locale de ce fuseau.")
    return {
        "start": wall_iso(wall),
        "end": wall_iso(end) if isinstance(end, dt.datetime) and end != wall else None,
    }, zone


def schedule_from_ical(
    component: Component, default: str, warnings: list[str], zones: ZoneBudget | None = None
) -> dict[str, Any]:
    """The record schedule of a VEVENT (rrule and exdates included), checked by clean_schedule.

    :raises FieldError: the dates or the rule cannot be imported (``message`` says why).
    """
    start = date_of(component, "DTSTART")
    if not isinstance(start, dt.date):
        raise EventRefused("Début (DTSTART) manquant ou illisible.")
    all_day = not isinstance(start, dt.datetime)
    raw, zone = _span(component, start, default, warnings, zones)
    raw.update(all_day=all_day, timezone=zone.key)
    rules = component.get("RRULE")
    if isinstance(rules, list):
        warnings.append("Plusieurs règles de récurrence : seule la première est gardée.")
        rules = rules[0]
    rule = rules.to_ical().decode("utf-8", "replace").strip() if rules is not None else ""
    if rules is not None and not rule:
        warnings.append("Règle de récurrence vide : ignorée.")
    if rule:
        first = dt.date.fromisoformat(raw["start"]) if all_day else dt.datetime.fromisoformat(raw["start"])
        raw["rrule"] = validate_rrule(rule, first)
    if extra := rdates_of(component, raw, zone, all_day):
        if len(extra) > MAX_EXCEPTIONS:
            warnings.append(f"Plus de {MAX_EXCEPTIONS} dates supplémentaires (RDATE) : les suivantes sont ignorées.")
        raw["rdates"] = extra[:MAX_EXCEPTIONS]
    if rule or extra:
        excluded = sorted({occurrence_key(d, zone, all_day) for d in dates_of(component, "EXDATE")})
        raw["exdates"] = excluded[:MAX_EXCEPTIONS]
    schedule = clean_schedule(raw, default)  # its FieldError names the problem for this event
    if schedule is None:
        raise EventRefused("Début (DTSTART) manquant.")
    return schedule
