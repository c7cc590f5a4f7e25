"""Recurrence rules as text: split, check, build and describe RRULEs in French (pure).

Pure module: standard library, python-dateutil and :mod:`wiki.records.values`
only. A rule is the value of an RFC 5545 ``RRULE`` without its name
(``FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20260630``). Only daily or slower rules are
accepted (HOSTILE_INPUTS B5-45/46: no ``FREQ=SECONDLY`` bomb), ``COUNT`` is at
most 5,000, and a rule that can never produce a date is refused, because
dateutil would search for one up to the year 9999 before giving up.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import warnings
from collections.abc import Iterable
from functools import lru_cache

from dateutil import rrule as du

from wiki.records.values import MONTHS
from wiki.records.values import WEEKDAYS
from wiki.records.values import FieldError
from wiki.records.values import quote

FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
TOO_FREQUENT = ("SECONDLY", "MINUTELY", "HOURLY")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_COUNT = 5000
MAX_INTERVAL = 1000
MAX_TIMES_PER_DAY = 24

MSG_RULE = "Règle de récurrence invalide."
MSG_TOO_FREQUENT = (
    "Récurrence trop fréquente : au plus une fois par jour (quotidienne, hebdomadaire, mensuelle ou annuelle)."
)
MSG_COUNT = f"Nombre de répétitions invalide : de 1 à {MAX_COUNT:,}.".replace(",", "\u202f")
MSG_EMPTY = "Cette règle de récurrence ne produit aucune date."

PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY",
         "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")  # fmt: skip
#: Integer list parts: (lowest, highest, may be negative).
_RANGES = {"BYSECOND": (0, 60, False), "BYMINUTE": (0, 59, False), "BYHOUR": (0, 23, False),
           "BYMONTHDAY": (1, 31, True), "BYYEARDAY": (1, 366, True), "BYWEEKNO": (1, 53, True),
           "BYMONTH": (1, 12, False), "BYSETPOS": (1, 366, True)}  # fmt: skip
_DAY_RE = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL_RE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:T([0-9]{2})([0-9]{2})([0-9]{2})(Z?))?")
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_PLURAL_DAYS = tuple(f"{name}s" for name in WEEKDAYS)
_WORKING_DAYS = ["MO", "TU", "WE", "TH", "FR"]


class RecurrenceError(FieldError):
    """A recurrence rule or an expansion request is refused; ``message`` is in French."""


def rule_parts(rrule: str) -> dict[str, str]:
    """Split an RRULE (with or without ``RRULE:``) into upper-cased parts, FREQ first."""
    if not isinstance(rrule, str) or len(rrule) > 1000 or "\r" in rrule or "\n" in rrule:
        raise RecurrenceError(MSG_RULE)
    text = rrule.strip()
    if text[:6].upper() == "RRULE:":
        text = text[6:]
    parts: dict[str, str] = {}
    for item in text.split(";"):
        if not item.strip():
            continue
        name, sep, value = (s.strip().upper() for s in item.partition("="))
        if not sep or not value:
            raise RecurrenceError(f"{MSG_RULE[:-1]} : {quote(item)} n'est pas de la forme NOM=valeur.")
        if name not in PARTS:
            raise RecurrenceError(f"Règle de récurrence : élément inconnu {quote(name)}.")
        if name in parts:
            raise RecurrenceError(f"Règle de récurrence : {name} apparaît deux fois.")
        parts[name] = value
    if "FREQ" not in parts:
        raise RecurrenceError("Règle de récurrence incomplète : fréquence (FREQ) manquante.")
    return {"FREQ": parts.pop("FREQ"), **parts}


def join_parts(parts: dict[str, str], *, without: Iterable[str] = ()) -> str:
    """Write parts back as an RRULE value, leaving out the names in ``without``."""
    return ";".join(f"{name}={value}" for name, value in parts.items() if name not in without)


def parse_until(value: str) -> dt.date | dt.datetime:
    """Read an UNTIL value: a date, a floating date-time, or an aware UTC date-time (``…Z``)."""
    match = _UNTIL_RE.fullmatch(value)
    if not match:
        raise RecurrenceError("Date de fin de récurrence (UNTIL) invalide.")
    try:
        y, m, d = (int(g) for g in match.groups()[:3])
        if match[4] is None:
            return dt.date(y, m, d)
        hh, mi, ss = (int(g) for g in match.groups()[3:6])
        return dt.datetime(y, m, d, hh, mi, min(ss, 59), tzinfo=dt.UTC if match[7] else None)
    except ValueError:
        raise RecurrenceError("Date de fin de récurrence (UNTIL) impossible.") from None


def _ints(parts: dict[str, str], name: str) -> list[int]:
    if name not in parts:
        return []
    low, high, signed = _RANGES[name]
    values = []
    for item in parts[name].split(","):
        if not re.fullmatch(r"[+-]?[0-9]{1,3}", item):
            raise RecurrenceError(f"Règle de récurrence : {name} invalide.")
        number = int(item)
        if not (low <= abs(number) <= high) or (number < 0 and not signed):
            raise RecurrenceError(f"Règle de récurrence : {name}={item} hors limites.")
        values.append(number)
    return values


def _days(parts: dict[str, str]) -> list[tuple[int, str]]:
    """BYDAY as (ordinal or 0, day code) pairs."""
    out = []
    for item in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else ():
        match = _DAY_RE.fullmatch(item)
        if not match:
            raise RecurrenceError(f"Règle de récurrence : jour {quote(item)} inconnu (MO, TU, WE, TH, FR, SA, SU).")
        out.append((int(match[1] or 0), match[2]))
    return out


def _check_parts(parts: dict[str, str]) -> None:
    freq = parts["FREQ"]
    if freq in TOO_FREQUENT:
        raise RecurrenceError(MSG_TOO_FREQUENT)
    if freq not in FREQUENCIES:
        raise RecurrenceError(f"Fréquence de récurrence inconnue : {quote(freq)}.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError(
            "Règle de récurrence : indiquez soit un nombre de fois (COUNT), soit une date de fin (UNTIL)."
        )
    if "COUNT" in parts and not (re.fullmatch(r"[0-9]{1,5}", parts["COUNT"]) and 1 <= int(parts["COUNT"]) <= MAX_COUNT):
        raise RecurrenceError(MSG_COUNT)
    if "INTERVAL" in parts and not (
        re.fullmatch(r"[0-9]{1,4}", parts["INTERVAL"]) and 1 <= int(parts["INTERVAL"]) <= MAX_INTERVAL
    ):
        raise RecurrenceError(f"Intervalle de récurrence invalide : de 1 à {MAX_INTERVAL}.")
    if "UNTIL" in parts:
        parse_until(parts["UNTIL"])
    if parts.get("WKST", "MO") not in DAY_CODES:
        raise RecurrenceError("Règle de récurrence : premier jour de la semaine (WKST) inconnu.")
    numbers = {name: _ints(parts, name) for name in _RANGES}
    days = _days(parts)
    # RFC 5545 §3.3.10 restrictions, which also rule out most impossible combinations.
    if any(n for n, _ in days) and freq not in ("MONTHLY", "YEARLY"):
        raise RecurrenceError("Règle de récurrence : « 2e mardi » et semblables ne valent que par mois ou par an.")
    if any(abs(n) > (5 if freq == "MONTHLY" else 53) for n, _ in days):
        raise RecurrenceError("Règle de récurrence : rang du jour hors limites.")
    if numbers["BYWEEKNO"] and freq != "YEARLY":
        raise RecurrenceError("Règle de récurrence : les numéros de semaine ne valent que pour une règle annuelle.")
    if numbers["BYYEARDAY"] and freq != "YEARLY":
        raise RecurrenceError("Règle de récurrence : les jours de l'année ne valent que pour une règle annuelle.")
    if numbers["BYMONTHDAY"] and freq == "WEEKLY":
        raise RecurrenceError("Règle de récurrence : pas de jour du mois dans une règle hebdomadaire.")
    months = numbers["BYMONTH"] or range(1, 13)
    if numbers["BYMONTHDAY"] and not any(abs(d) <= _MONTH_DAYS[m - 1] for m in months for d in numbers["BYMONTHDAY"]):
        raise RecurrenceError(MSG_EMPTY)
    per_day = 1
    for name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        per_day *= len(numbers[name]) or 1
    if per_day > MAX_TIMES_PER_DAY:
        raise RecurrenceError(MSG_TOO_FREQUENT)


def dateutil_rule(parts: dict[str, str], dtstart: dt.datetime, until: dt.datetime | None = None) -> du.rrule:
    """Build the dateutil rule for checked parts from a naive start; ``until`` replaces UNTIL (may join COUNT)."""
    try:
        rule = du.rrulestr(join_parts(parts, without=("UNTIL",)), dtstart=dtstart, cache=False)
        if not isinstance(rule, du.rrule):  # a set comes only from several lines, which checked parts never are
            raise RecurrenceError(MSG_RULE)
        if until is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # COUNT plus a hard stop is what we want
                rule = rule.replace(until=until)
    except (ValueError, TypeError, OverflowError):
        raise RecurrenceError(MSG_RULE) from None
    return rule


@lru_cache(maxsize=1)
def _twin_years() -> dict[tuple[bool, int], int]:
    """For each kind of year (leap?, weekday of 1 January), one such year in 9943–9970."""
    return {(calendar.isleap(y), dt.date(y, 1, 1).weekday()): y for y in range(9970, 9942, -1)}


@lru_cache(maxsize=2048)
def produces_dates(rrule: str, dtstart: dt.datetime) -> bool:
    """Tell whether a checked rule yields dates forever from a naive start, at a bounded cost.

    dateutil looks for the next date up to the year 9999, which takes seconds
    for an impossible daily rule. The same rule is tried from the same day of a
    twin year (same weekdays, same leap status) after 9942, so that the search
    spans at most 57 years; a rule that yields nothing there is refused.
    """
    parts = rule_parts(rrule)
    year = _twin_years()[(calendar.isleap(dtstart.year), dt.date(dtstart.year, 1, 1).weekday())]
    rule = dateutil_rule({k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}, dtstart.replace(year=year))
    return next(iter(rule), None) is not None


def validate_rrule(rrule: str, dtstart: dt.date | dt.datetime | None = None) -> str:
    """Check an RRULE (daily or slower, COUNT ≤ 5,000, RFC combinations) and return it normalised.

    With ``dtstart`` (naive wall time or date), also refuse a rule that never produces a date.
    """
    parts = rule_parts(rrule)
    _check_parts(parts)
    probe_start = dt.datetime(2001, 1, 1)
    if isinstance(dtstart, dt.datetime):
        probe_start = dtstart.replace(tzinfo=None, microsecond=0)
    elif isinstance(dtstart, dt.date):
        probe_start = dt.datetime.combine(dtstart, dt.time())
    dateutil_rule(parts, probe_start)  # anything dateutil still refuses
    text = join_parts(parts)
    if dtstart is not None and not produces_dates(text, probe_start):
        raise RecurrenceError(MSG_EMPTY)
    return text


def build_rrule(
    freq: str,
    *,
    interval: int = 1,
    byday: Iterable[str] = (),
    bymonthday: int | Iterable[int] | None = None,
    bymonth: int | Iterable[int] | None = None,
    bysetpos: int | None = None,
    count: int | None = None,
    until: dt.date | None = None,
) -> str:
    """Write a checked RRULE from the agenda form's choices (``byday=["2TU"]`` for the 2nd Tuesday)."""

    def listed(value: int | Iterable[int]) -> str:
        return ",".join(str(int(v)) for v in ([value] if isinstance(value, int) else value))

    if not isinstance(freq, str):
        raise RecurrenceError(MSG_RULE)
    parts = {"FREQ": freq.strip().upper()}
    if interval != 1:
        parts["INTERVAL"] = str(int(interval))
    if days := [str(d).strip().upper() for d in byday]:
        parts["BYDAY"] = ",".join(days)
    if bymonth is not None:
        parts["BYMONTH"] = listed(bymonth)
    if bymonthday is not None:
        parts["BYMONTHDAY"] = listed(bymonthday)
    if bysetpos is not None:
        parts["BYSETPOS"] = str(int(bysetpos))
    if count is not None:
        parts["COUNT"] = str(int(count))
    if until is not None:
        day = until.date() if isinstance(until, dt.datetime) else until
        parts["UNTIL"] = day.strftime("%Y%m%d")
    return validate_rrule(join_parts(parts))


# --- French description -----------------------------------------------------------


def _rank(n: int) -> str:
    return {1: "1er", -1: "dernier", -2: "avant-dernier"}.get(n, f"{n}e" if n > 0 else f"{-n}e avant la fin")


def _monthday(n: int) -> str:
    if n < 0:
        return {-1: "dernier jour", -2: "avant-dernier jour"}.get(n, f"{-n}e jour avant la fin")
    return "1er" if n == 1 else str(n)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} et {words[-1]}"


def _long_day(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def _ordinal_days(days: list[tuple[int, str]], setpos: list[int]) -> list[str] | None:
    """« 2e mardi », « dernier vendredi » for BYDAY=2TU or BYDAY=TU;BYSETPOS=2; None if not that shape."""
    if setpos and len(setpos) == 1 and all(n == 0 for n, _ in days) and len(days) == 1:
        days = [(setpos[0], days[0][1])]
    elif setpos:
        return None
    if not days or any(n == 0 for n, _ in days):
        return None
    return [f"{_rank(n)} {WEEKDAYS[DAY_CODES.index(code)]}" for n, code in days]


def describe_rrule(rrule: str) -> str:
    """Say a rule in French: « Tous les mardis et jeudis, jusqu’au 30 juin 2026 »."""
    try:
        parts = rule_parts(rrule)
        _check_parts(parts)
    except RecurrenceError:
        return "Règle de récurrence invalide"
    freq, n = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    days, setpos = _days(parts), _ints(parts, "BYSETPOS")
    monthdays, months = _ints(parts, "BYMONTHDAY"), _ints(parts, "BYMONTH")
    plain = [code for rank, code in days if rank == 0]
    known = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"}
    text = None
    if freq == "DAILY":
        known |= {"BYDAY"} if n == 1 and plain else set()
        text = "Tous les jours" if n == 1 else f"Tous les {n} jours"
        if plain and n == 1:
            text = None
            freq = "WEEKLY"
    if freq == "WEEKLY":
        known |= {"BYDAY"}
        if plain and n == 1:
            ordered = sorted(plain, key=DAY_CODES.index)
            text = (
                "Du lundi au vendredi"
                if ordered == _WORKING_DAYS
                else "Tous les " + _and([_PLURAL_DAYS[DAY_CODES.index(c)] for c in ordered])
            )
        elif plain:
            text = f"Toutes les {n} semaines, " + _and(
                [f"le {WEEKDAYS[DAY_CODES.index(c)]}" for c in sorted(plain, key=DAY_CODES.index)]
            )
        else:
            text = "Toutes les semaines" if n == 1 else f"Toutes les {n} semaines"
    elif freq == "MONTHLY":
        each = "de chaque mois" if n == 1 else f"tous les {n} mois"
        ordinal = _ordinal_days(days, setpos)
        if ordinal and not monthdays:
            known |= {"BYDAY", "BYSETPOS"}
            text = f"Le {_and(ordinal)} {each}"
        elif monthdays and not days and not setpos:
            known |= {"BYMONTHDAY"}
            words = [_monthday(d) for d in monthdays]
            text = f"{'Le' if len(words) == 1 else 'Les'} {_and(words)} {each}"
        elif not days and not setpos and not monthdays:
            text = "Tous les mois" if n == 1 else f"Tous les {n} mois"
    elif freq == "YEARLY":
        text = "Tous les ans" if n == 1 else f"Tous les {n} ans"
        ordinal = _ordinal_days(days, setpos)
        if len(months) == 1 and len(monthdays) == 1 and not days and monthdays[0] > 0:
            known |= {"BYMONTH", "BYMONTHDAY"}
            text += f", le {_monthday(monthdays[0])} {MONTHS[months[0] - 1]}"
        elif len(months) == 1 and ordinal and not monthdays:
            known |= {"BYMONTH", "BYDAY", "BYSETPOS"}
            text += (
                f", le {_and(ordinal)} {'d’' if MONTHS[months[0] - 1][0] in 'aeiou' else 'de '}{MONTHS[months[0] - 1]}"
            )
        elif months and not days and not monthdays:
            known |= {"BYMONTH"}
            text += ", en " + _and([MONTHS[m - 1] for m in months])
    if text is None:
        text = "Récurrence personnalisée"
    elif set(parts) - known:
        text += " (règle personnalisée)"
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        text += ", une fois" if count == 1 else f", {count} fois"
    elif "UNTIL" in parts:
        until = parse_until(parts["UNTIL"])
        text += f", jusqu’au {_long_day(until.date() if isinstance(until, dt.datetime) else until)}"
    return text
