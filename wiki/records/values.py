"""Parse and format record values: numbers, dates, times, schedules, contacts.

Pure module (standard library only): it must not import flask, sqlalchemy nor
any other Lieudit module; :mod:`wiki.records.fields` dispatches to it by field
type. Parsers take raw input from an HTML form (strings) or JSON (typed
values), raise :class:`FieldError` with a short French message and return
JSON-serialisable values. French habits come first: decimal comma, spaces
between thousands, ``JJ/MM/AAAA`` dates, ``02 99 71 06 04`` phones
(HOSTILE_INPUTS B4-36..38, B5-45). Formatters give plain French text for
lists, tables and exports, with hand-rolled month and day names (no Babel).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import re
import urllib.parse
import zoneinfo
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

DATE_YEARS = (1800, 2999)  # plain dates may be historical (a founding year)
TIME_YEARS = (1900, 2999)  # datetimes and schedules: time zones make no sense earlier
NUMBER_LIMIT = 10**15  # JavaScript reads integers exactly up to 2**53 ~ 9e15
MAX_EVENT = dt.timedelta(days=366)
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
MSG_DATE = "Date invalide : utilisez le format JJ/MM/AAAA (ex. 02/05/2026)."
MSG_DATETIME = "Date et heure invalides : utilisez le format JJ/MM/AAAA HH:MM (ex. 02/05/2026 14:00)."
MSG_DST_GAP = "Cette heure n'existe pas ce jour-là (passage à l'heure d'été)."
MSG_END = "La fin doit être après le début."
MSG_PHONE = (
    "Numéro de téléphone invalide : 10 chiffres (ex. 02 99 71 06 04) ou format international (+33 2 99 71 06 04)."
)

_CONTROLS_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
#: Control characters but tab and newlines, C1 controls and lone surrogates: dropped from text.
UNSAFE_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
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
)
_NUMBER_RE = re.compile(
    r"[+-]?(?:(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,][0-9]*)?|[.,][0-9]+)"
)  # spaces: thousands only
_ISO_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_FR_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_DATETIME_RE = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{1,2}/[0-9]{1,2}/[0-9]{4})[Tt ] *"
    r"(?P<h>[0-9]{1,2})[:h](?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]{1,6})?)?"
    r" *(?P<tz>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_URL_FORBIDDEN_RE = re.compile(r"[\s\x00-\x1f\x7f<>\"\\]")
_SCHEME_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):(?![0-9]{1,5}(?:[/?#]|$))")  # "exemple.fr:8080" has no scheme
_BARE_HOST_RE = re.compile(r"[^\W_][\w-]*(?:\.[\w-]+)*\.[^\W\d_]{2,}(?:[:/?#]|$)")
_HOST_RE = re.compile(
    r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]+)|localhost|[0-9.]+|\[[0-9a-f:.]+\]"
)
_EMAIL_FORBIDDEN_RE = re.compile(r"[\s\x00-\x1f\x7f<>\"(),;:\[\]\\]")
_DOMAIN_RE = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})")
_PHONE_RE = re.compile(r"\+?[0-9 .()/\u00a0\u202f-]+")
# Overseas departments dial as France (0262 …) but have their own country code.
_OVERSEAS = {"262": "262", "263": "262", "269": "262", "639": "262", "692": "262", "693": "262", "590": "590",
             "690": "590", "691": "590", "594": "594", "694": "594", "596": "596", "696": "596", "697": "596"}  # fmt: skip
_SCHEDULE_KEYS = frozenset({"start", "end", "all_day", "timezone", "rrule", "exdates"})


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
    text = _CONTROLS_RE.sub(" ", text[: limit + 1])
    return f"« {text[: limit - 1]}… »" if len(text) > limit else f"« {text} »"


def is_blank(raw: Any) -> bool:
    """Tell whether a raw value means "nothing entered" (None, blank text, empty list or dict)."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    return isinstance(raw, (list, tuple, dict)) and not raw


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


def parse_date(raw: Any, years: tuple[int, int] = DATE_YEARS) -> dt.date:
    """Read a calendar date, ``AAAA-MM-JJ`` or ``JJ/MM/AAAA``; impossible dates are refused, never shifted."""
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return _make_date(raw.year, raw.month, raw.day, years)
    text = raw.strip() if isinstance(raw, str) else ""
    if match := _ISO_DATE_RE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _FR_DATE_RE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise FieldError(MSG_DATE)
    return _make_date(year, month, day, years)


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
    match = _DATETIME_RE.fullmatch(text.strip())
    if not match:
        raise FieldError(MSG_DATETIME)
    day = parse_date(match["date"], years)
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    if hour > 23:
        raise FieldError(f"Heure impossible : {hour} h (de 0 à 23).")
    if minute > 59 or second > 59:
        raise FieldError(f"Heure impossible : {hour:02d}:{minute:02d}:{second:02d} (minutes et secondes de 0 à 59).")
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
    naive, offset = _split_datetime(raw, years)
    return naive.replace(tzinfo=offset) if offset is not None else localize(naive, get_zone(zone_name))


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


# --- schedules -------------------------------------------------------------


def _labelled(label: str, error: FieldError) -> FieldError:
    return FieldError(f"{label} : {error.message[0].lower()}{error.message[1:]}")


def _split_datetime(raw: Any, years: tuple[int, int]) -> tuple[dt.datetime, Any]:
    """Split a datetime (text or object) into its wall time and its offset (None if naive)."""
    if isinstance(raw, dt.datetime):
        _make_date(raw.year, raw.month, raw.day, years)
        return raw.replace(tzinfo=None, microsecond=0), raw.tzinfo
    if isinstance(raw, str):
        return _parse_wall(raw, years)
    raise FieldError(MSG_DATETIME)


def _wall_time(raw: Any, zone: zoneinfo.ZoneInfo, label: str) -> dt.datetime:
    """Read a local wall time in ``zone``; an explicit offset is converted into it."""
    try:
        if isinstance(raw, str) and (_ISO_DATE_RE.fullmatch(raw.strip()) or _FR_DATE_RE.fullmatch(raw.strip())):
            raise FieldError("Indiquez aussi l'heure, ou cochez « journée entière ».")
        naive, offset = _split_datetime(raw, TIME_YEARS)
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
    if not isinstance(raw, str) or len(raw) > 1000 or _CONTROLS_RE.search(raw):
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
    return out


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
        value = get(part) or (f"{day}T{time}" if time and not all_day else day)
        if value:
            out[part] = re.split(r"[T ]", value)[0] if all_day else value
    if out or get("rrule"):
        out["all_day"] = all_day
        out.update({name: get(name) for name in ("timezone", "rrule") if get(name)})
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
    return text + (" (récurrent)" if value.get("rrule") else "")


# --- contacts: web address, e-mail, phone (HOSTILE_INPUTS B4-38) ----------------------


def clean_url(raw: Any) -> str:
    """Check a web address: absolute http(s) with a host, no credentials, spaces nor CR/LF, ≤ 2,000 characters.

    ``www.exemple.fr`` (no scheme, as volunteers type it) becomes
    ``https://www.exemple.fr``; ``javascript:``, ``data:``, ``file:`` are refused.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > 2000:
        raise FieldError("Adresse trop longue : 2 000 caractères au plus.")
    if _URL_FORBIDDEN_RE.search(text):
        raise FieldError('Adresse invalide : ni espace, ni retour à la ligne, ni caractères < > " \\.')
    scheme = _SCHEME_RE.match(text)
    if text.startswith("//") or (not scheme and _BARE_HOST_RE.match(text)):
        text = ("https:" if text.startswith("//") else "https://") + text
    elif not scheme or scheme[1].lower() not in ("http", "https"):
        raise FieldError("Seules les adresses web en http:// ou https:// sont acceptées (ex. https://exemple.fr).")
    parts = urllib.parse.urlsplit(text)
    if "@" in parts.netloc:
        raise FieldError("Adresse refusée : elle ne doit contenir ni identifiant ni mot de passe (…@).")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise FieldError("Adresse invalide : numéro de port incorrect.") from None
    if not parts.hostname or not _HOST_RE.fullmatch(parts.hostname):
        raise FieldError("Adresse invalide : nom de domaine manquant ou incorrect (ex. https://exemple.fr).")
    return urllib.parse.urlunsplit(parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower()))


def clean_email(raw: Any) -> str:
    """Check an e-mail address: one @, a dotted domain, no spaces, CR/LF nor ``<>"``; the domain is lowercased."""
    text = raw.strip() if isinstance(raw, str) else ""
    if text[:7].casefold() == "mailto:":
        text = text[7:]
    if len(text) > 254 or _EMAIL_FORBIDDEN_RE.search(text):
        raise FieldError(
            'Adresse e-mail invalide : 254 caractères au plus, sans espace ni caractère < > " ( ) , ; : [ ] \\.'
        )
    local, _, domain = text.rpartition("@")
    if not local or "@" in local:
        raise FieldError("Adresse e-mail invalide : un seul @ attendu (ex. contact@exemple.fr).")
    if len(local) > 64 or local[0] == "." or local[-1] == "." or ".." in local:
        raise FieldError("Adresse e-mail invalide : partie avant le @ incorrecte.")
    if not _DOMAIN_RE.fullmatch(domain.lower()):
        raise FieldError("Adresse e-mail invalide : domaine incorrect après le @ (ex. exemple.fr).")
    return f"{local}@{domain.lower()}"


def clean_phone(raw: Any) -> str:
    """Normalise a phone number to E.164: ``02 99 71 06 04`` → ``+33299710604``.

    French numbers: 10 digits with any of space, dot, dash, slash, or
    ``+33 (0)2 …``; overseas departments get their own country code (0262 →
    +262262). International numbers: ``+`` or ``00`` then 8 to 15 digits.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > 40 or not _PHONE_RE.fullmatch(text) or "+" in text[1:]:
        raise FieldError(MSG_PHONE)
    digits = re.sub(r"[^0-9]", "", text.replace("(0)", ""))
    if text.startswith("+") or digits.startswith("00"):
        digits = digits[2:] if not text.startswith("+") else digits
        if digits.startswith("330") and len(digits) == 12:
            digits = "33" + digits[3:]  # "+33 0 2 99 …": the trunk 0 typed anyway
        if digits.startswith("33") and (len(digits) != 11 or digits[2] == "0"):
            raise FieldError("Numéro français invalide : 9 chiffres après +33 (ex. +33 2 99 71 06 04).")
        if not 8 <= len(digits) <= 15 or digits[0] == "0":
            raise FieldError(MSG_PHONE)
        return f"+{digits}"
    if len(digits) != 10 or digits[0] != "0" or digits[1] == "0":
        raise FieldError(MSG_PHONE)
    return f"+{_OVERSEAS.get(digits[1:4], '33')}{digits[1:]}"


def format_phone(value: str) -> str:
    """Write an E.164 number the French way when it is French: ``+33299710604`` → ``02 99 71 06 04``."""
    for code in ("33", *sorted(set(_OVERSEAS.values()))):
        national = value[1 + len(code) :]
        if (
            value.startswith(f"+{code}")
            and len(national) == 9
            and (code == "33" or _OVERSEAS.get(national[:3]) == code)
        ):
            digits = f"0{national}"
            return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return value
