"""The IANA time zone of an imported iCalendar time: TZIDs, Windows names and custom VTIMEZONEs (pure).

Pure (no Flask, no database): a helper of :mod:`importers.ical_values`.
Schedules keep an IANA zone name, so that a weekly 10:00 event stays at
10:00 across daylight-saving changes. ``icalendar`` already maps IANA names
and, without a VTIMEZONE, Windows names (its maintained CLDR table,
:data:`icalendar.timezone.windows_to_olson.WINDOWS_TO_OLSON`); a VTIMEZONE
whose TZID is no IANA name (``MyTimezone``, ``W. Europe Standard Time``,
``(UTC+01:00) Amsterdam, Berlin…``) becomes a rule-based tzinfo, which this
module turns into the IANA zone whose offsets agree with it, instant by
instant, over the event's years: the zone its name suggests (IANA, Windows
or a city of an Outlook display name) first, then the default zone,
Europe/Paris, the CLDR zones, every other zone. When none agrees, the event
keeps the offset of its start (``Etc/GMT-1``) and a warning says so.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field

from icalendar.timezone import tzid_from_tzinfo
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from wiki.records.values import FieldError
from wiki.records.values import get_zone

UTC_NAMES = ("UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z")
#: Custom VTIMEZONEs of one file matched against IANA zones (each may cost a second: dateutil walks its rules
#: from 1601); past that, a hostile file's other ones keep a fixed offset (HOSTILE_INPUTS B5-46).
MAX_MATCHED = 20
MAX_YEARS = 10  # years of offsets compared, at most
_DISPLAY_RE = re.compile(r"\(\s*(?:UTC|GMT)\s*(?:([+-])(\d{1,2}):?(\d{2}))?\s*\)\s*(.*)", re.IGNORECASE)
#: How far from a change of the VTIMEZONE a zone's own change may be: exact first, then three hours off, as
#: hand-written VTIMEZONEs often put the autumn change an hour early (02:00 read in summer time).
_SLACKS = (dt.timedelta(minutes=1), dt.timedelta(hours=3))
_WEEK = dt.timedelta(days=7)


def clean_tzid(tzid: object) -> str:
    """A TZID as written, without quotes, backslash escapes, a leading ``/`` nor surrounding spaces."""
    return str(tzid or "").replace("\\", "").strip().strip('"').lstrip("/").strip()


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    """Every IANA zone name (read from disk once)."""
    return frozenset(zoneinfo.available_timezones())


@functools.lru_cache(maxsize=1)
def _regions() -> tuple[str, ...]:
    """The zones of a region (``Europe/…``, not ``Etc/…``), sorted: the last candidates tried."""
    return tuple(sorted(z for z in _zones() if "/" in z and not z.startswith("Etc/")))


@functools.lru_cache(maxsize=1)
def _city_zones() -> dict[str, str]:
    """Last part of each IANA name (``amsterdam``) → the zone, CLDR zones first."""
    names = [*dict.fromkeys(WINDOWS_TO_OLSON.values()), *sorted(_zones())]
    found: dict[str, str] = {}
    for name in names:
        if "/" in name and not name.startswith("Etc/"):
            found.setdefault(name.rsplit("/", 1)[1].replace("_", " ").lower(), name)
    return found


def _display_offset(tzid: str) -> dt.timedelta | None:
    """The standard offset an Outlook display name starts with (``(UTC+01:00) …``), None otherwise."""
    match = _DISPLAY_RE.match(tzid)
    if not match:
        return None
    sign, hh, mm = match[1], int(match[2] or 0), int(match[3] or 0)
    return (-1 if sign == "-" else 1) * dt.timedelta(hours=hh, minutes=mm)


def named_zones(tzid: str) -> list[str]:
    """The IANA zones a TZID names: itself, its Windows mapping, or the cities of an Outlook display name."""
    found = []
    if tzid in _zones():
        found.append(tzid)
    if tzid in WINDOWS_TO_OLSON:
        found.append(WINDOWS_TO_OLSON[tzid])
    match = _DISPLAY_RE.match(tzid)
    if match:
        offset = _display_offset(tzid)
        for word in re.split(r"[,;/]| et | and ", match[4]):
            zone = _city_zones().get(word.strip().lower())
            if zone and _standard_offset(zone) == offset:
                found.append(zone)
    return list(dict.fromkeys(found))


def _standard_offset(name: str) -> dt.timedelta | None:
    """The zone's offset in January and July, the smaller one (its standard time north of the equator)."""
    zone = zoneinfo.ZoneInfo(name)
    offsets = [dt.datetime(2026, m, 1, tzinfo=dt.UTC).astimezone(zone).utcoffset() for m in (1, 7)]
    return min(o for o in offsets if o is not None)


Samples = list[tuple[dt.datetime, dt.timedelta | None]]


def _offsets(tz: dt.tzinfo, first_year: int, last_year: int) -> tuple[Samples, list[dt.datetime]]:
    """Offsets of ``tz`` each week at noon UTC, and the instants (to the minute) where they change."""
    samples: Samples = []
    changes = []
    instant = dt.datetime(first_year, 1, 1, 12, tzinfo=dt.UTC)
    stop = dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)
    before = instant.astimezone(tz).utcoffset()
    while instant < stop:
        offset = instant.astimezone(tz).utcoffset()
        if offset != before:
            low, high = instant - _WEEK, instant
            while high - low > dt.timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if middle.astimezone(tz).utcoffset() == before else (low, middle)
            changes.append(high)
        samples.append((instant, offset))
        before = offset
        instant += _WEEK
    return samples, changes


def _agrees(name: str, profile: Samples) -> bool:
    zone = zoneinfo.ZoneInfo(name)
    return all(instant.astimezone(zone).utcoffset() == offset for instant, offset in profile)


def _candidates(tzid: str, default: str) -> Iterator[str]:
    yield from named_zones(tzid)
    yield default
    yield "Europe/Paris"
    yield from WINDOWS_TO_OLSON.values()
    yield from _regions()


@functools.lru_cache(maxsize=64)  # one VTIMEZONE's tzinfo serves every event of its file
def matching_zone(tz: dt.tzinfo, tzid: str, default: str, years: tuple[int, int]) -> str | None:
    """The IANA zone whose offsets agree with ``tz`` at every sampled instant of the years, or None."""
    first, last = years[0], min(max(years), years[0] + MAX_YEARS - 1)
    try:
        samples, changes = _offsets(tz, first, last)
        around = {slack: [(m, m.astimezone(tz).utcoffset()) for c in changes for m in (c - slack, c + slack)]
                  for slack in _SLACKS}  # fmt: skip
    except (ValueError, OverflowError, TypeError):
        return None
    for slack in _SLACKS:
        profile = around[slack] + samples  # changes first: most candidates fail there
        tried: set[str] = set()
        for name in _candidates(tzid, default):
            if name not in tried:
                tried.add(name)
                if _agrees(name, profile):
                    return name
    return None


def _fixed(offset: dt.timedelta | None) -> str:
    """``Etc/GMT-1`` for +01:00 (the IANA sign is reversed), UTC when not whole hours."""
    if offset is None or offset % dt.timedelta(hours=1) or abs(offset) > dt.timedelta(hours=14):
        return "UTC"
    hours = int(offset / dt.timedelta(hours=1))
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _offset_text(offset: dt.timedelta | None) -> str:
    minutes = int((offset or dt.timedelta()) / dt.timedelta(minutes=1))
    return f"UTC{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@dataclass
class ZoneBudget:
    """What one file may still spend on matching custom VTIMEZONEs, and what they matched."""

    left: int = field(default_factory=lambda: MAX_MATCHED)
    seen: dict[int, str | None] = field(default_factory=dict)

    def match(self, tz: dt.tzinfo, tzid: str, default: str, years: tuple[int, int]) -> str | None:
        """:func:`matching_zone`, once per tzinfo, while the budget lasts (None after)."""
        if id(tz) not in self.seen:
            if self.left <= 0:
                return None
            self.left -= 1
            self.seen[id(tz)] = matching_zone(tz, tzid, default, years)
        return self.seen[id(tz)]


def zone_of(
    value: dt.datetime,
    tzid: object,
    default: str,
    warnings: list[str],
    years: tuple[int, int],
    budget: ZoneBudget | None = None,
) -> zoneinfo.ZoneInfo:
    """The IANA zone of an aware or floating iCalendar time (``tzid``: its TZID parameter, if any).

    UTC and floating times take ``default``, as does a TZID that names nothing and has no VTIMEZONE
    (with a warning); a custom VTIMEZONE gets the IANA zone it agrees with over ``years``.
    """
    name = clean_tzid(tzid) or (clean_tzid(tzid_from_tzinfo(value.tzinfo)) if value.tzinfo else "")
    if value.tzinfo is None:
        named = named_zones(name) if name else []
        if name and not named:
            warnings.append(f"Fuseau horaire « {name[:60]} » inconnu et non décrit (VTIMEZONE) : heures lues en "
                            f"{default}.")  # fmt: skip
        return get_zone(named[0] if named else default)
    key = getattr(value.tzinfo, "key", None)
    if value.utcoffset() == dt.timedelta() and (key or name) in UTC_NAMES:
        return get_zone(default)
    if key:
        try:
            return get_zone(key)
        except FieldError:
            pass
    found = (budget or ZoneBudget()).match(value.tzinfo, name or str(key), default, years)
    if found:
        return get_zone(found)
    fixed = _fixed(value.utcoffset())
    warnings.append(f"Fuseau horaire « {(name or str(value.tzname()))[:60]} » sans équivalent IANA : heures gardées "
                    f"au décalage fixe {_offset_text(value.utcoffset())} ({fixed}), sans changement d'heure.")  # fmt: skip
    return get_zone(fixed)
