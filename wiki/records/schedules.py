"""Schedules of record values: when something happens, once or again and again.

Pure module (standard library and :mod:`wiki.records.values` only): no flask,
no sqlalchemy, no other Lieudit module. A schedule is a start, an end, an
all-day flag and an IANA time zone, plus an optional RRULE, EXDATEs and extra dates (RDATE, a period giving its own end) that
the agenda gives meaning to (:mod:`wiki.agenda.rules`). Timed schedules keep
local wall times with their zone, the right model for recurring events
(HOSTILE_INPUTS B5-45). :mod:`wiki.records.fields` cleans schedule fields
with it, :mod:`wiki.records.display` writes them in words.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Mapping
from typing import Any

from wiki.records.values import CONTROLS_RE
from wiki.records.values import TIME_YEARS
from wiki.records.values import FieldError
from wiki.records.values import get_zone
from wiki.records.values import is_blank
from wiki.records.values import is_date_only
from wiki.records.values import localize
from wiki.records.values import long_date
from wiki.records.values import parse_bool
from wiki.records.values import parse_date
from wiki.records.values import quote
from wiki.records.values import split_datetime

MAX_EVENT = dt.timedelta(days=366)
MSG_END = "La fin doit être après le début."
#: The flat HTML inputs of a schedule field, named ``{key}_{part}``.
SCHEDULE_FORM_PARTS = (
    "start",
    "end",
    "all_day",
    "timezone",
    "rrule",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "rdates",
)
_SCHEDULE_KEYS = frozenset({"start", "end", "all_day", "timezone", "rrule", "exdates", "rdates"})
MAX_RDATES = 500


def _labelled(label: str, error: FieldError) -> FieldError:
    return FieldError(f"{label} : {error.message[0].lower()}{error.message[1:]}")


def _wall_time(raw: Any, zone: zoneinfo.ZoneInfo, label: str) -> dt.datetime:
    """Read a local wall time in ``zone``; an explicit offset is converted into it."""
    try:
        if is_date_only(raw):
            raise FieldError("Indiquez aussi l'heure, ou cochez « journée entière ».")
        naive, offset = split_datetime(raw, TIME_YEARS)
        if offset is not None:
            naive = naive.replace(tzinfo=offset).astimezone(zone).replace(tzinfo=None)
        localize(naive, zone)
        return naive
    except FieldError as error:
        raise _labelled(label, error) from None


def _day(raw: Any, label: str) -> dt.date:
    try:
        return parse_date(raw, TIME_YEARS)
    except FieldError as error:
        raise _labelled(label, error) from None


def _one_line(raw: Any, label: str) -> str:
    # Verbatim into ICS later: no CR/LF may get through (HOSTILE_INPUTS B5-42).
    if not isinstance(raw, str) or len(raw) > 1000 or CONTROLS_RE.search(raw):
        raise FieldError(f"{label} invalide : texte d'une ligne, 1 000 caractères au plus.")
    return raw.strip()


def clean_schedule(raw: Any, default_zone: str) -> dict[str, Any] | None:
    """Validate a schedule: start, end, all-day flag, IANA time zone, and optional RRULE/EXDATE.

    Timed schedules keep local wall times without offset plus the zone name (the
    right model for recurring events); the end must follow the start and the
    duration stay within 366 days. All-day schedules hold dates, end inclusive.
    ``rrule`` and ``exdates`` are only type-checked (one-line strings of at most
    1,000 characters, no CR/LF) and stored verbatim: the agenda gives them meaning.
    """
    if isinstance(raw, str):
        if not raw.strip():
            return None
        try:
            raw = json.loads(raw) if len(raw) <= 20_000 else None
        except (ValueError, RecursionError):
            raw = None
    if not isinstance(raw, Mapping):
        raise FieldError("Horaire invalide : début, fin, journée entière et fuseau horaire attendus.")
    unknown = sorted(str(k) for k in raw if k not in _SCHEDULE_KEYS)
    if unknown:
        raise FieldError(f"Horaire invalide : élément inconnu {quote(unknown[0])}.")
    start_raw, end_raw = raw.get("start"), raw.get("end")
    if is_blank(start_raw) and is_blank(end_raw) and is_blank(raw.get("rrule")):
        return None
    if is_blank(start_raw):
        raise FieldError("Indiquez le début.")
    all_day = parse_bool(raw.get("all_day"))
    zone_name = default_zone if is_blank(raw.get("timezone")) else raw["timezone"]
    zone = get_zone(zone_name)
    if all_day:
        start, end = _day(start_raw, "Début"), None if is_blank(end_raw) else _day(end_raw, "Fin")
        backwards = end is not None and end < start
        out: dict[str, Any] = {"start": start.isoformat(), "end": end and end.isoformat()}
    else:
        start, end = (
            _wall_time(start_raw, zone, "Début"),
            None if is_blank(end_raw) else _wall_time(end_raw, zone, "Fin"),
        )
        backwards = end is not None and localize(end, zone) <= localize(start, zone)
        out = {"start": _wall_iso(start), "end": end and _wall_iso(end)}
    if backwards:
        raise FieldError(MSG_END)
    if end is not None and end - start > MAX_EVENT:
        raise FieldError("Durée trop longue : un an au plus ; pour un événement qui se répète, utilisez la récurrence.")
    out.update(all_day=all_day, timezone=zone_name)
    if not is_blank(raw.get("rrule")):
        out["rrule"] = _one_line(raw["rrule"], "Règle de récurrence")
    if not is_blank(raw.get("exdates")):
        exdates = [raw["exdates"]] if isinstance(raw["exdates"], str) else raw["exdates"]
        if not isinstance(exdates, (list, tuple)) or len(exdates) > 500:
            raise FieldError("Dates exclues invalides : une liste de 500 dates au plus.")
        out["exdates"] = [_one_line(item, "Date exclue") for item in exdates]
    if not is_blank(raw.get("rdates")):
        out["rdates"] = _rdates(raw["rdates"], zone, all_day)
    return out


def _rdates(raw: Any, zone: zoneinfo.ZoneInfo, all_day: bool) -> list[str]:
    """Extra dates (RDATE), sorted and without repeats: days for all-day events, else wall times.

    A timed one may be a period ``2026-07-09T12:00/2026-07-09T16:00``: that occurrence has its own end.
    """
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)) or len(items) > MAX_RDATES:
        raise FieldError(f"Dates supplémentaires invalides : une liste de {MAX_RDATES} dates au plus.")
    found = set()
    for item in items:
        text = _one_line(item, "Date supplémentaire")
        first, sep, last = text.partition("/")
        if all_day:
            if sep or not is_date_only(first):
                raise FieldError("Date supplémentaire invalide : une date seule pour un événement d'une journée.")
            found.add(_day(first, "Date supplémentaire").isoformat())
            continue
        start = _wall_time(first, zone, "Date supplémentaire")
        if not sep:
            found.add(_wall_iso(start))
            continue
        end = _wall_time(last, zone, "Fin de la date supplémentaire")
        if localize(end, zone) <= localize(start, zone) or end - start > MAX_EVENT:
            raise FieldError(f"Date supplémentaire du {_wall_iso(start)} : {MSG_END[0].lower()}{MSG_END[1:]}")
        found.add(f"{_wall_iso(start)}/{_wall_iso(end)}")
    return sorted(found)


def _wall_iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds" if value.second else "minutes")


def parse_schedule_form(prefix: str, form: Mapping[str, Any]) -> dict[str, Any]:
    """Gather a schedule from flat HTML fields ``{prefix}_start``, ``_end``, ``_all_day``, ``_timezone``.

    Start and end may also come as separate ``_start_date`` + ``_start_time``
    inputs; an end time without an end date falls on the start date. Times are
    dropped when "all day" is ticked. Returns ``{}`` when nothing was entered.
    """

    def get(name: str) -> str:
        value = form.get(f"{prefix}_{name}")
        return value.strip() if isinstance(value, str) else ""

    try:
        all_day = parse_bool(get("all_day"))
    except FieldError:
        all_day = False
    out: dict[str, Any] = {}
    for part in ("start", "end"):
        time = get(f"{part}_time")
        day = get(f"{part}_date") or (get("start_date") if part == "end" and time else "")
        whole = get(part)
        value = whole or (f"{day}T{time}" if time and not all_day else day)
        if value:
            out[part] = re.split(r"[T ]", value)[0] if all_day and whole and not is_date_only(whole) else value
    if out or get("rrule"):
        out["all_day"] = all_day
        out.update({name: get(name) for name in ("timezone", "rrule", "rdates") if get(name)})
    return out


def format_schedule(value: Mapping[str, Any], default_zone: str = "Europe/Paris") -> str:
    """Write a schedule in words: ``samedi 2 mai 2026, 14:00–17:00``."""
    if value["all_day"]:
        start, end = dt.date.fromisoformat(value["start"]), dt.date.fromisoformat(value["end"] or value["start"])
        text = long_date(start) if end == start else f"du {long_date(start)} au {long_date(end)}"
    else:
        start, end = dt.datetime.fromisoformat(value["start"]), value["end"] and dt.datetime.fromisoformat(value["end"])
        text = f"{long_date(start.date())}, {start:%H:%M}"
        if end and end.date() == start.date():
            text += f"–{end:%H:%M}"
        elif end:
            text += f" – {long_date(end.date())}, {end:%H:%M}"
    if value.get("timezone", default_zone) != default_zone:
        text += f" ({value['timezone']})"
    text += " (récurrent)" if value.get("rrule") else ""
    return text + format_rdates(value)


def format_rdates(value: Mapping[str, Any]) -> str:
    """The schedule's extra dates in words, ``" ; dates supplémentaires : …"``, or ``""`` without any."""
    extra = value.get("rdates") or []
    words = ", ".join(_rdate_words(item) for item in extra[:20])
    return f" ; dates supplémentaires : {words}{' …' if len(extra) > 20 else ''}" if extra else ""


def _rdate_words(item: str) -> str:
    """An extra date in words: ``jeudi 9 juillet 2026, 12:00–16:00``."""
    first, _, last = item.partition("/")
    if len(first) == 10:
        return long_date(dt.date.fromisoformat(first))
    start = dt.datetime.fromisoformat(first)
    text = f"{long_date(start.date())}, {start:%H:%M}"
    if last:
        end = dt.datetime.fromisoformat(last)
        text += f"–{end:%H:%M}" if end.date() == start.date() else f" – {long_date(end.date())}, {end:%H:%M}"
    return text
