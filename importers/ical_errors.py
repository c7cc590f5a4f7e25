"""Say in plain French where and why an .ics file cannot be read: the line, the property, the value.

The iCalendar library's exceptions speak English and name no line (« Expected
datetime, date, or time. Got: '2020' », « not enough values to unpack »). A
volunteer who exported a calendar from another tool needs to know which line
to look at and what is wrong with it. This module finds the content line a
failure comes from in the source text and says the reason in French. Pure.
"""

from __future__ import annotations

import re

from icalendar.parser import Contentline

#: What a property's broken value should have looked like, by the library's complaint.
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"Expected datetime, date, or time", re.I),
     "date ou heure illisible{value} : attendu AAAAMMJJ (ex. 20260502) ou AAAAMMJJTHHMMSS (ex. 20260502T140000)"),
    (re.compile(r"duration", re.I), "durée illisible{value} : attendu par exemple PT1H30M ou P1D"),
    (re.compile(r"period", re.I), "période illisible{value} : attendu début/fin ou début/durée"),
    (re.compile(r"float;float", re.I), "position (GEO) illisible{value} : attendu latitude;longitude"),
    (re.compile(r"utc offset|offset", re.I), "décalage horaire illisible{value} : attendu par exemple +0100"),
    (re.compile(r"recur|rrule|freq", re.I), "règle de répétition illisible{value}"),
)  # fmt: skip
_VALUE = re.compile(r"(?:Got|got|duration|format, got):?\s*'?([^']{1,60})'?\.?$")


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Each content line of ``text`` unfolded (RFC 5545 §3.1), with the number of the physical line it starts on."""
    lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        if line[:1] in (" ", "\t") and lines:
            start, content = lines[-1]
            lines[-1] = (start, content + line[1:])
        elif line.strip():
            lines.append((number, line))
    return lines


def broken_lines(text: str, limit: int = 20) -> list[str]:
    """« ligne 7 : … » for each content line (``limit`` at most) that cannot be cut into name, parameters and value."""
    found: list[str] = []
    for number, line in logical_lines(text):
        try:
            Contentline(line).parts()
        except ValueError as error:
            found.append(f"ligne {number} : {_line_reason(line, error)}")
            if len(found) >= limit:
                break
    return found


def broken_line(text: str) -> str | None:
    """The first of :func:`broken_lines`, or None when every line can be cut."""
    return next(iter(broken_lines(text, 1)), None)


def property_error(text: str, name: str | None, reason: object) -> str:
    """« ligne 7, propriété EXDATE : date ou heure illisible (« 2020 ») : attendu … » for a broken property.

    :param name: the property, when the library said it; else the line holding the value it quotes is looked for.
    """
    value = _value(str(reason))
    if name is None and value is not None:
        found = next(((n, line) for n, line in logical_lines(text) if _value_of(line) == value), None)
        if found is not None:
            return f"ligne {found[0]}, propriété {_name_of(found[1])} : {french_reason(reason, value)}"
    if name is None:
        return french_reason(reason, value)
    where = f"propriété {name}"
    number = _line_of(text, name, value)
    if number is not None:
        where = f"ligne {number}, {where}"
    return f"{where} : {french_reason(reason, value)}"


def french_reason(reason: object, value: str | None = None) -> str:
    """The library's complaint about a value, in French (never its English words)."""
    message = str(reason)
    shown = f" (« {value} »)" if value else ""
    for pattern, french in _REASONS:
        if pattern.search(message):
            return french.format(value=shown)
    return f"valeur illisible{shown}"


def _line_reason(line: str, error: ValueError) -> str:
    name = _name_of(line)
    if ":" not in line:
        return f"« {line[:40]} » n'a pas de « : » entre le nom de la propriété et sa valeur"
    if not name:
        return "la ligne commence par « : », sans nom de propriété"
    if "not a valid parameter" in str(error):
        return (f"paramètre mal formé dans la propriété {name} : attendu NOM=valeur, "
                "les valeurs contenant « : », « ; » ou « , » entre guillemets")  # fmt: skip
    return f"la propriété {name} est mal formée"


def _name_of(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0][:40]


def _value_of(line: str) -> str:
    return line.rpartition(":")[2].strip()


def _value(message: str) -> str | None:
    match = _VALUE.search(message.strip())
    return match[1].strip() if match else None


def _line_of(text: str, name: str, value: str | None) -> int | None:
    candidates = [
        (number, line) for number, line in logical_lines(text) if re.match(rf"{re.escape(name)}[;:]", line, re.I)
    ]
    for number, line in candidates:
        if value is None or _value_of(line) == value or value in line:
            return number
    return candidates[0][0] if candidates else None
