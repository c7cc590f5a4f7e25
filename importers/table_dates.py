"""French dates, times and schedules written in spreadsheet cells, read for :mod:`importers.table_values`.

Dates: ``15/06/2021``, ``15-06-2021``, ``15.06.2021``, ``15/06/21`` (two-digit
years pivot at 70, with a warning), ``2021-06-15``, ``15 juin 2021``,
``lundi 1er mars 2021``, ``15 juil. 2021``; a date with a midnight time is a
date. Date and time: any of those followed by ``14:30``, ``14h30``, ``14 h``
(``à`` allowed between), ISO 8601 with an offset (``…T14:30:00+02:00``,
``…Z``, fractions of seconds) and the e-mail form (``Mon, 15 Jun 2021 14:30:00
+0200``). Schedules: a date (all day), a date and time, or a span (``du 15/06
au 17/06/2021``, ``2021-06-15T10:00/2021-06-15T12:00``, ``15/06/2021 14h-16h``).
The register's « no date » ``0001-01-01`` reads as empty. Values come out as
the ISO text the record services read (they check ranges and time zones).

Pure module: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from typing import Any

from wiki.records.fields import fold
from wiki.records.values import FieldError

MSG_DATE = "Date illisible : écrivez-la JJ/MM/AAAA (ex. 15/06/2021) ou AAAA-MM-JJ."
MSG_DATETIME = "Date et heure illisibles : écrivez-les JJ/MM/AAAA HH:MM (ex. 15/06/2021 14:30)."
MSG_SCHEDULE = "Horaire illisible : une date, une date et une heure, ou « du 15/06/2021 au 17/06/2021 »."
#: Dates that mean « none » in registers and databases.
EMPTY_DATES = frozenset({"0001-01-01", "0000-00-00", "01/01/0001", "00/00/0000"})
_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9, "octobre": 10,
    "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip
_WEEKDAY = r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\.?,?\s+)?"
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_WORDS = re.compile(_WEEKDAY + r"(1er|\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")
_TIME = re.compile(r"(\d{1,2})\s*[h:]\s*(\d{2})?(?::(\d{2})(?:[.,]\d{1,6})?)?")
_OFFSET = re.compile(r"(?:z|[+-]\d{2}(?::?\d{2})?)")
_SPLIT_AT = re.compile(r"(?:\s+(?:a|-|–|—)\s+|\s*t\s*|\s+)")
_SPAN_AT = re.compile(r"\s+(?:au|a|-|–|—|jusqu'au)\s+|\s*/\s*|\s*→\s*|(?<=[\dz])-(?=\d{4}-)")
_DAY_MONTH = re.compile(r"\d{1,2}[/.-]\d{1,2}")
_PART_DAY = re.compile(_WEEKDAY + r"(1er|\d{1,2})(?:\s+([a-z]+)\.?)?")
_HOURS = re.compile(r"(.+?)[\s,-]+(?:de\s+)?(\d{1,2}\s*[h:]\s*(?:\d{2})?)\s*(?:-|–|a)\s*(\d{1,2}\s*[h:]\s*(?:\d{2})?)")


def _day(text: str) -> tuple[dt.date, list[str]] | None:
    """A date alone, with the warnings its reading calls for; None when ``text`` is no date."""
    warnings: list[str] = []
    if match := _YMD.fullmatch(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _DMY.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
        if len(match[4]) == 2:
            year += 2000 if year < 70 else 1900
            warnings.append(f"année à deux chiffres « {match[4]} » lue comme {year}.")
    elif match := _WORDS.fullmatch(text):
        month_number = _MONTHS.get(match[2])
        if month_number is None:
            return None
        day, month, year = 1 if match[1] == "1er" else int(match[1]), month_number, int(match[3])
    else:
        return None
    try:
        return dt.date(year, month, day), warnings
    except ValueError:
        raise FieldError(f"Date impossible : {text}.") from None


def _time(text: str) -> str | None:
    match = _TIME.fullmatch(text.strip())
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise FieldError(f"Heure impossible : {text.strip()}.")
    return f"{hour:02d}:{minute:02d}" + (f":{second:02d}" if second else "")


def _moment(text: str) -> tuple[str, bool, list[str]] | None:
    """A date, or a date and time: (ISO text, has a time, warnings); None when ``text`` is neither."""
    if "," in text and re.search(r"[+-]\d{4}$|gmt$|[a-z]{3}$", text):
        try:
            return email.utils.parsedate_to_datetime(text).isoformat(), True, []
        except (TypeError, ValueError, IndexError):
            pass
    found = _day(text)
    if found is not None:
        return found[0].isoformat(), False, found[1]
    for match in _SPLIT_AT.finditer(text):
        head, tail = text[: match.start()], text[match.end() :]
        found, offset = _day(head), _OFFSET.search(tail)
        if found is None:
            continue
        clock = _time(tail[: offset.start()] if offset and offset.end() == len(tail) else tail)
        if clock is None:
            continue
        zone = tail[offset.start() :].upper() if offset and offset.end() == len(tail) else ""
        if clock in ("00:00", "0:00") and not zone:
            return found[0].isoformat(), False, found[1]
        return f"{found[0].isoformat()}T{clock}{zone}", True, found[1]
    return None


def _clean(text: str) -> str:
    """Fold a cell for reading (accents and case dropped: « Août » → "aout", ``T`` → ``t``)."""
    return " ".join(fold(text).split()).replace(" ,", ",")


def parse_date(text: str) -> tuple[str | None, list[str]]:
    """A date cell as ISO ``AAAA-MM-JJ`` (None for a « no date » value), and warnings.

    :raises FieldError: not a date, or an impossible one.
    """
    if text.strip() in EMPTY_DATES:
        return None, [f"date « {text.strip()} » lue comme vide (valeur « sans date » des registres)."]
    found = _moment(_clean(text))
    if found is None:
        raise FieldError(MSG_DATE)
    iso, timed, warnings = found
    if timed:
        warnings.append(f"heure de « {text.strip()} » ignorée : le champ ne garde que la date.")
    return iso[:10], warnings


def parse_datetime(text: str) -> tuple[str | None, list[str]]:
    """A date-and-time cell as ISO text (local time unless an offset is given), and warnings.

    :raises FieldError: not a date and time.
    """
    if text.strip() in EMPTY_DATES:
        return None, [f"date « {text.strip()} » lue comme vide (valeur « sans date » des registres)."]
    found = _moment(_clean(text))
    if found is None or not found[1]:
        raise FieldError(MSG_DATETIME)
    return found[0], found[2]


def _span(text: str) -> dict[str, Any] | None:
    """A date, a date and time, a day with hours, or a span between two of them; None when none of these."""
    found = _moment(text)
    if found is not None:
        return {"start": found[0], "all_day": not found[1]}
    text = text.removeprefix("du ").removeprefix("le ")
    if match := _HOURS.fullmatch(text):
        day, start, end = _day(match[1]), _time(match[2]), _time(match[3])
        if day is not None and start and end:
            return {"start": f"{day[0].isoformat()}T{start}", "end": f"{day[0].isoformat()}T{end}", "all_day": False}
    for match in _SPAN_AT.finditer(text):
        head, tail = text[: match.start()], text[match.end() :]
        last = _moment(tail)
        if last is None:
            continue
        if _DAY_MONTH.fullmatch(head) and _DMY.fullmatch(tail):
            head = f"{head}/{tail.rsplit('/', 1)[-1]}"  # « du 15/06 au 17/06/2021 »
        elif (words := _WORDS.fullmatch(tail)) and (part := _PART_DAY.fullmatch(head)):
            head = f"{part[1]} {part[2] or words[2]} {words[3]}"  # « du 1er au 3 mai 2026 », « du 30 avril au 3 mai »
        first = _moment(head)
        if first is None:
            continue
        if first[1] != last[1]:
            raise FieldError("Horaire illisible : indiquez l'heure du début et de la fin, ou d'aucun des deux.")
        return {"start": first[0], "end": last[0], "all_day": not first[1]}
    return None


def parse_schedule(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A schedule cell as the record services read it (start, end, all day); several lines keep the first.

    :raises FieldError: no date can be read.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None, []
    schedule = _span(_clean(lines[0]))
    if schedule is None:
        raise FieldError(MSG_SCHEDULE)
    warnings = []
    if len(lines) > 1:
        warnings.append(f"{len(lines) - 1} autre(s) horaire(s) non importé(s), seul le premier est gardé : "
                        + " ; ".join(lines[1:4]) + (" …" if len(lines) > 4 else "") + ".")  # fmt: skip
    return schedule, warnings


def schedule_from_parts(start: str, end: str) -> dict[str, Any] | None:
    """A schedule from a start column and an end column (either may be blank).

    :raises FieldError: a part is not a date, or one has a time and the other not.
    """
    first = _moment(_clean(start)) if start.strip() else None
    last = _moment(_clean(end)) if end.strip() else None
    if (start.strip() and first is None) or (end.strip() and last is None):
        raise FieldError(MSG_SCHEDULE)
    if first is None:
        if last is not None:
            raise FieldError("Horaire incomplet : la fin est donnée, pas le début.")
        return None
    if last is not None and first[1] != last[1]:
        raise FieldError("Horaire illisible : indiquez l'heure du début et de la fin, ou d'aucun des deux.")
    return {"start": first[0], "end": last[0] if last else None, "all_day": not first[1]}
