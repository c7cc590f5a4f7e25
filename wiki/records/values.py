"""Parse and format the basic record values: yes/no, numbers, dates, times and time zones.

Pure module (standard library only): it must not import flask, sqlalchemy nor
any other Lieudit module; :mod:`wiki.records.fields` dispatches to it by field
type, and its siblings :mod:`wiki.records.schedules` and
:mod:`wiki.records.contacts` build on it. Parsers take raw input from an HTML
form (strings) or JSON (typed values), raise :class:`FieldError` with a short
French message and return JSON-serialisable values. French habits come first:
decimal comma, spaces between thousands, ``JJ/MM/AAAA`` dates
(HOSTILE_INPUTS B4-36, B4-37, B5-45). Formatters give plain French text for
lists, tables and exports, with hand-rolled month and day names (no Babel).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import zoneinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any

DATE_YEARS = (1800, 2999)  # plain dates may be historical (a founding year)
TIME_YEARS = (1900, 2999)  # datetimes and schedules: time zones make no sense earlier
NUMBER_LIMIT = 10**15  # JavaScript reads integers exactly up to 2**53 ~ 9e15
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
TRUE_WORDS = frozenset({"on", "oui", "true", "1", "yes", "vrai"})
FALSE_WORDS = frozenset({"", "off", "non", "false", "0", "no", "faux"})

MSG_NUMBER = "Nombre invalide : utilisez des chiffres, avec une virgule pour les décimales (ex. 12,5)."
MSG_DATE = "Date invalide : écrivez-la comme 02/05/2026 ou 2 mai 2026."
MSG_TIME = "Heure invalide : écrivez-la comme 14:30, 14h30, 20h, midi ou minuit."
MSG_DATETIME = "Date et heure invalides : écrivez-les comme 02/05/2026 14:30 (ou 2 mai 2026 à 14h30)."
MSG_DST_GAP = "Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."

#: Keys of forms, fields, choice lists and themes: plain identifiers (``\Z``, not ``$``: "key\n" must not match).
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}\Z")
#: Every control character, C1 controls and lone surrogates: none may reach a one-line value.
CONTROLS_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: Control characters but tab and newlines, C1 controls and lone surrogates: dropped from text.
UNSAFE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_NUMBER_RE = re.compile(
    r"[+-]?(?:(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,][0-9]*)?|[.,][0-9]+)"
)  # spaces: thousands only
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FR_DATE_RE = re.compile(r"([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})")
_WORDS_DATE_RE = re.compile(r"(?:[a-z]+\.? +)?([0-9]{1,2})(?:er)? +([a-zéû]+)\.? +([0-9]{4})")
_MONTH_WORDS = {m: i for i, m in enumerate(MONTHS, 1)} | {
    "janv": 1, "fev": 2, "fevr": 2, "févr": 2, "fevrier": 2, "avr": 4, "juil": 7, "aout": 8,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12, "déc": 12, "decembre": 12,
}  # fmt: skip
_TIME_RE = re.compile(r"([0-9]{1,2}) *(?:[:h] *([0-9]{2})?|:([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,6})?)|midi|minuit")
_TIME_WORDS = {"midi": (12, 0), "minuit": (0, 0)}
#: A date then a time: the time is the end of the text (after ``T``, a space or « à »), with an optional offset.
_SPLIT_DATETIME_RE = re.compile(
    r"(?P<date>.+?)(?:t| +(?:à +)?)(?P<time>[0-9]{1,2} *[:h] *(?:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)?|midi|minuit)"
    r" *(?P<tz>z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


class FieldError(ValueError):
    """A submitted value is invalid; ``message`` is the French text for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def quote(value: Any, limit: int = 40) -> str:
    """Quote a user value inside a message: controls removed, truncated, in « ».

    Messages are text: whoever shows them must still escape them as HTML.
    """
    if isinstance(value, int) and abs(value) > 10**limit:
        value = "nombre trop long"
    text = value if isinstance(value, str) else repr(value) if isinstance(value, (int, float)) else type(value).__name__
    text = CONTROLS_RE.sub(" ", text[: limit + 1])
    return f"« {text[: limit - 1]}… »" if len(text) > limit else f"« {text} »"


def is_blank(raw: Any) -> bool:
    """Tell whether a raw value means "nothing entered" (None, blank text, empty list).

    An object (``{}``) is never "nothing": given to a field that takes no object
    (a number, a text), it is refused by the field's check instead of stored empty.
    """
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, (list, tuple)) and not raw


def parse_bool(raw: Any) -> bool:
    """Read a checkbox or yes/no value: True/False, 1/0, "on"/absent, "oui"/"non", "true"/"false"."""
    if raw is None or isinstance(raw, bool):
        return bool(raw)
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().casefold() in TRUE_WORDS | FALSE_WORDS:
        return raw.strip().casefold() in TRUE_WORDS
    raise FieldError("Valeur invalide : « oui » ou « non » attendu.")


# --- numbers ----------------------------------------------------------------


def parse_number(raw: Any, unit: str = "") -> int | float:
    """Read a number written the French or international way; integral values come back as int.

    Accepted: 12,5 / 12.5 / 1 234,5 (space, NBSP or narrow NBSP between groups of
    three digits) / -3 (also with the typographic minus −), and a trailing unit equal to
    the field's (``2 000 €``). Refused: exponents
    (``1e5``, ambiguous in a French form), ``NaN``, ``Infinity``, hexadecimal, booleans,
    lists, and magnitudes above 10**15. ``-0`` becomes 0.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise FieldError(MSG_NUMBER)
    if isinstance(raw, str):
        text = raw.strip().translate({0xA0: " ", 0x202F: " ", 0x2212: "-"})  # NBSPs; typographic minus
        if unit and len(text) > len(unit) and text[-len(unit) :].casefold() == unit.casefold():
            text = text[: -len(unit)].rstrip()
        if len(text) > 40 or not _NUMBER_RE.fullmatch(text):
            raise FieldError(MSG_NUMBER)
        value = Decimal(text.replace(" ", "").replace(",", "."))
    elif isinstance(raw, float) and not math.isfinite(raw):
        raise FieldError(MSG_NUMBER)
    else:
        value = (
            Decimal(repr(raw))
            if isinstance(raw, float)
            else Decimal(raw)
            if abs(raw) <= NUMBER_LIMIT
            else Decimal(NUMBER_LIMIT + 1)
        )
    if abs(value) > NUMBER_LIMIT:
        raise FieldError("Nombre trop grand : 1 000 000 000 000 000 au plus.")
    return int(value) if value == value.to_integral_value() else float(value)


def format_number(value: float, unit: str = "") -> str:
    """Write a number the French way: ``1 234,5 €`` (narrow NBSP between thousands, NBSP before the unit)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), ",f")
    text = text.replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0{unit}" if unit else text


# --- dates and times ----------------------------------------------------------


def _make_date(year: int, month: int, day: int, years: tuple[int, int]) -> dt.date:
    if not years[0] <= year <= years[1]:
        raise FieldError(f"Année impossible : {year:04d} (de {years[0]} à {years[1]}).")
    if not 1 <= month <= 12:
        raise FieldError(f"Date impossible : il n'y a pas de mois {month}.")
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        when = f"{day} {MONTHS[month - 1]}" + (f" {year}" if (month, day) == (2, 29) else "")
        raise FieldError(f"Date impossible : le {when} n'existe pas.")
    return dt.date(year, month, day)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date as people write it, or None: ISO, 2/5/2026, 02.05.2026, (samedi) 2 mai 2026."""
    if match := _ISO_DATE_RE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        return year, month, day
    if match := _FR_DATE_RE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        return year, month, day
    if (match := _WORDS_DATE_RE.fullmatch(" ".join(text.casefold().split()))) and match[2] in _MONTH_WORDS:
        return int(match[3]), _MONTH_WORDS[match[2]], int(match[1])
    return None


def parse_date(raw: Any, years: tuple[int, int] = DATE_YEARS) -> dt.date:
    """Read a calendar date: ``AAAA-MM-JJ``, ``JJ/MM/AAAA`` (``2/5/2026``), ``2 mai 2026``; impossible ones refused.

    Impossible dates are refused, never shifted.
    """
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return _make_date(raw.year, raw.month, raw.day, years)
    parts = _date_parts(raw.strip()) if isinstance(raw, str) and len(raw) <= 60 else None
    if parts is None:
        raise FieldError(MSG_DATE)
    return _make_date(*parts, years)


def parse_time(raw: Any) -> dt.time:
    """Read a time of day as people write it: ``14:30``, ``14h30``, ``14 h``, ``20h``, ``midi``, ``minuit``.

    :raises FieldError: anything else, or an hour beyond 23, minutes beyond 59.
    """
    text = " ".join(raw.casefold().split()) if isinstance(raw, str) and len(raw) <= 30 else ""
    match = _TIME_RE.fullmatch(text)
    if match is None:
        raise FieldError(MSG_TIME)
    if text in _TIME_WORDS:
        return dt.time(*_TIME_WORDS[text])
    hour, minute, second = int(match[1]), int(match[2] or match[3] or 0), int(match[4] or 0)
    if hour > 23:
        raise FieldError(f"Heure impossible : {hour} h (de 0 à 23).")
    if minute > 59 or second > 59:
        raise FieldError(f"Heure impossible : {hour:02d}:{minute:02d}:{second:02d} (minutes et secondes de 0 à 59).")
    return dt.time(hour, minute, second)


def time_text(raw: str) -> str:
    """A typed time as ``HH:MM`` (``20h`` → ``20:00``), or the text unchanged when it is no time."""
    try:
        moment = parse_time(raw)
    except FieldError:
        return raw
    return moment.strftime("%H:%M:%S" if moment.second else "%H:%M")


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def get_zone(name: Any) -> zoneinfo.ZoneInfo:
    """Return the IANA time zone called ``name``, or raise FieldError."""
    if not isinstance(name, str) or name not in _zone_names():
        raise FieldError(f"Fuseau horaire inconnu : {quote(name)} (ex. Europe/Paris).")
    return zoneinfo.ZoneInfo(name)


def localize(naive: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Attach ``zone`` to a wall time: refused in a DST gap; when ambiguous (DST fold), the first occurrence."""
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise FieldError(MSG_DST_GAP)
    return aware


def _parse_wall(text: str, years: tuple[int, int]) -> tuple[dt.datetime, dt.timezone | None]:
    text = text.strip().lower()
    match = _SPLIT_DATETIME_RE.fullmatch(text) if len(text) <= 80 else None
    if not match:
        cuts = (i for i, char in enumerate(text[:80]) if char in "t " and text[i + 1 :].strip())
        if any(_date_parts(text[:i].strip().removesuffix(" à").strip()) is not None for i in cuts):
            raise FieldError(MSG_TIME)  # a date, then something that is no time
        raise FieldError(MSG_DATETIME)
    if _date_parts(match["date"].strip()) is None:
        raise FieldError(MSG_DATE)
    day = parse_date(match["date"].strip(), years)
    moment = parse_time(match["time"])
    hour, minute, second = moment.hour, moment.minute, moment.second
    offset, tz = None, match["tz"]
    if tz and tz.upper() == "Z":
        offset = dt.UTC
    elif tz:
        hours, minutes = int(tz[1:3]), int(tz[-2:]) if len(tz) > 3 else 0
        if minutes > 59 or hours * 60 + minutes > 14 * 60:
            raise FieldError(f"Décalage horaire impossible : {tz} (au plus ±14:00).")
        offset = dt.timezone((-1 if tz[0] == "-" else 1) * dt.timedelta(hours=hours, minutes=minutes))
    return dt.datetime(day.year, day.month, day.day, hour, minute, second), offset


def parse_datetime(raw: Any, zone_name: str, years: tuple[int, int] = TIME_YEARS) -> dt.datetime:
    """Read a date and time, with or without offset; naive ones are local time in ``zone_name``.

    ISO 8601 (``2026-05-02T14:00``, ``…:00+02:00``, ``…Z``), ``2026-05-02 14:00`` or
    ``02/05/2026 14:00``. Offsets beyond ±14:00 are refused, as are wall times in a
    DST gap; an ambiguous wall time (DST fold) is its first occurrence.
    """
    naive, offset = split_datetime(raw, years)
    return naive.replace(tzinfo=offset) if offset is not None else localize(naive, get_zone(zone_name))


def split_datetime(raw: Any, years: tuple[int, int]) -> tuple[dt.datetime, Any]:
    """Split a datetime (text or object) into its wall time and its offset (None if naive)."""
    if isinstance(raw, dt.datetime):
        _make_date(raw.year, raw.month, raw.day, years)
        return raw.replace(tzinfo=None, microsecond=0), raw.tzinfo
    if isinstance(raw, str):
        return _parse_wall(raw, years)
    raise FieldError(MSG_DATETIME)


def is_date_only(raw: Any) -> bool:
    """Tell whether ``raw`` is a date written alone (``AAAA-MM-JJ``, ``JJ/MM/AAAA``, ``2 mai 2026``), without a time."""
    return isinstance(raw, str) and len(raw) <= 60 and _date_parts(raw.strip()) is not None


def format_date(value: str) -> str:
    """Write an ISO date as ``02/05/2026``."""
    return dt.date.fromisoformat(value).strftime("%d/%m/%Y")


def format_datetime(value: str) -> str:
    """Write an ISO datetime as ``02/05/2026 14:00``, in its own offset (the wall time entered)."""
    return dt.datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")


def long_date(day: dt.date) -> str:
    """Write a date in words: ``vendredi 1er mai 2026``."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{WEEKDAYS[day.weekday()]} {number} {MONTHS[day.month - 1]} {day.year}"
