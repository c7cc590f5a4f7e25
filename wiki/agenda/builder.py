"""The recurrence builder of the event form: plain HTML fields to an RRULE and back (pure).

Pure module: standard library, :mod:`wiki.agenda.rules` and
:mod:`wiki.records.values` only. The event form asks, without JavaScript,
for a frequency (``{key}_freq``: ``""``, DAILY, WEEKLY, MONTHLY, YEARLY), an
interval, week days (``{key}_byday``, several), for monthly events « le même
jour du mois » or « le 2e mardi » (``{key}_monthly``: ``date`` or
``weekday``), an end (``{key}_until`` date or ``{key}_count``) and
exceptions (``{key}_exdates``, dates separated by commas, spaces or lines).
A rule typed by hand (``{key}_rrule``) wins over the builder.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from wiki.agenda.rules import DAY_CODES
from wiki.agenda.rules import FREQUENCIES
from wiki.agenda.rules import RecurrenceError
from wiki.agenda.rules import build_rrule
from wiki.agenda.rules import parse_until
from wiki.agenda.rules import rule_parts
from wiki.records.values import TIME_YEARS
from wiki.records.values import FieldError
from wiki.records.values import is_date_only
from wiki.records.values import parse_date
from wiki.records.values import split_datetime

#: The builder's inputs, named ``{key}_{part}``.
BUILDER_PARTS = ("freq", "interval", "byday", "monthly", "until", "count", "exdates")
_SPLIT_RE = re.compile(r"[\s,;]+")


def _start(raw: Mapping[str, Any]) -> dt.date | None:
    text = str(raw.get("start") or "").strip()
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        pass
    try:
        return parse_date(text) if is_date_only(text) else split_datetime(text, TIME_YEARS)[0].date()
    except FieldError:
        return None


def _ints(text: str, label: str, low: int, high: int) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise RecurrenceError(f"{label} invalide : un nombre entier de {low} à {high}.")
    return int(text)


def exdates_from_text(text: str) -> list[str]:
    """Read exception dates (JJ/MM/AAAA or AAAA-MM-JJ): the series skips these days."""
    found = []
    for item in _SPLIT_RE.split(text.strip()):
        if not item:
            continue
        try:
            day = parse_date(item)
        except FieldError:
            raise RecurrenceError(f"Date d'exception invalide : « {item[:30]} » (JJ/MM/AAAA).") from None
        found.append(day.isoformat())
    if len(found) > 500:
        raise RecurrenceError("Trop de dates d'exception : 500 au plus.")
    return sorted(set(found))


def rrule_from_form(prefix: str, form: Any, raw: dict[str, Any]) -> dict[str, Any]:
    """Add ``rrule`` and ``exdates`` from the builder's inputs to a schedule read by ``parse_schedule_form``.

    :raises RecurrenceError: a builder input is invalid (French message).
    """

    def get(name: str) -> str:
        value = form.get(f"{prefix}_{name}")
        return value.strip() if isinstance(value, str) else ""

    getlist = getattr(form, "getlist", None)
    days = getlist(f"{prefix}_byday") if callable(getlist) else form.get(f"{prefix}_byday") or []
    days = [days] if isinstance(days, str) else list(days)
    freq = get("freq").upper()
    if get("exdates"):
        raw["exdates"] = exdates_from_text(get("exdates"))
    if get("rrule") or not freq:
        return raw
    if freq not in FREQUENCIES:
        raise RecurrenceError("Fréquence inconnue : quotidienne, hebdomadaire, mensuelle ou annuelle.")
    start = _start(raw)
    if start is None:
        raise RecurrenceError("Indiquez le début de la première fois avant de la répéter.")
    interval = _ints(get("interval"), "Intervalle", 1, 1000) or 1
    count = _ints(get("count"), "Nombre de fois", 1, 5000)
    until = None
    if get("until"):
        try:
            until = parse_date(get("until"))
        except FieldError:
            raise RecurrenceError("Date de fin de la répétition invalide : écrivez-la comme 30/06/2027.") from None
        if until < start:
            raise RecurrenceError("La répétition doit finir après la première fois.")
    if count and until:
        raise RecurrenceError("Choisissez soit une date de fin, soit un nombre de fois, pas les deux.")
    codes = [d.upper() for d in days if d.upper() in DAY_CODES]
    kw: dict[str, Any] = {"interval": interval, "count": count, "until": until}
    if freq == "WEEKLY":
        kw["byday"] = sorted(codes or [DAY_CODES[start.weekday()]], key=DAY_CODES.index)
    elif freq == "MONTHLY" and get("monthly") == "weekday":
        rank = (start.day - 1) // 7 + 1
        kw["byday"] = [f"{-1 if rank == 5 else rank}{DAY_CODES[start.weekday()]}"]
    elif freq == "MONTHLY":
        kw["bymonthday"] = start.day
    raw["rrule"] = build_rrule(freq, **kw)
    return raw


def form_from_rrule(schedule: Mapping[str, Any] | None) -> dict[str, Any]:
    """The builder's input values for a stored schedule (``rrule`` kept when the builder cannot say it)."""
    out: dict[str, Any] = {"freq": "", "interval": "", "byday": [], "monthly": "date", "until": "", "count": "",
                           "exdates": "", "rrule": ""}  # fmt: skip
    if not isinstance(schedule, Mapping):
        return out
    out["exdates"] = ", ".join(
        dt.date.fromisoformat(str(x)[:10]).strftime("%d/%m/%Y") for x in schedule.get("exdates") or ()
    )
    if not schedule.get("rrule"):
        return out
    try:
        parts = rule_parts(schedule["rrule"])
    except RecurrenceError:
        out["rrule"] = schedule["rrule"]
        return out
    simple = set(parts) <= {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "WKST"}
    days = parts.get("BYDAY", "").split(",") if parts.get("BYDAY") else []
    ranked = [d for d in days if d[:1] in "+-0123456789"]
    if (
        not simple
        or (ranked and (parts["FREQ"] != "MONTHLY" or len(ranked) != 1))
        or ("BYMONTHDAY" in parts and parts["FREQ"] != "MONTHLY")
    ):
        out["rrule"] = schedule["rrule"]
        return out
    out.update(freq=parts["FREQ"], interval=parts.get("INTERVAL", ""), count=parts.get("COUNT", ""))
    out["byday"] = [d for d in days if d in DAY_CODES]
    out["monthly"] = "weekday" if ranked else "date"
    if "UNTIL" in parts:
        until = parse_until(parts["UNTIL"])
        out["until"] = (until.date() if isinstance(until, dt.datetime) else until).isoformat()  # a date input's value
    return out
