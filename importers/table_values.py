"""French spreadsheet cells converted to the values of our field types, for ``lieudit import table``.

:func:`convert` reads one cell for one field and returns the raw value the
record services take (they still check it: lengths, ranges, choice lists),
with warnings for what was read with a guess. What is read:

- numbers: decimal comma, spaces, no-break or narrow no-break spaces between
  thousands (``1 234,5``), ``1.234,5`` and ``1,234.5``, the field's unit;
- yes/no: ``oui``/``non``, ``vrai``/``faux``, ``o``/``n``, ``x`` or ``✓`` for
  ticked, an empty cell for unticked;
- dates, times and schedules: :mod:`importers.table_dates`;
- a point: ``48.65, -2.01`` (latitude first, as people write it), ``48,65 ;
  -2,01``, a JSON array ``[-2.01, 48.65]`` or ``POINT(-2.01 48.65)``
  (longitude first, as GeoJSON and WKT write it), or a GeoJSON geometry;
  a point that lies out of France but in France once swapped is warned about;
- choices by value or label, case, accents and punctuation aside; several
  values in one cell split on a new line, ``;``, ``|`` or ``,`` (a label
  holding a comma is matched whole);
- zones (communes…) by INSEE code, by name (``Redon``, ``Redon (35)``, ``35600
  Redon``), a département by ``VOSGES (88)``; a four-digit code gets its
  leading zero back (``1001`` → ``01001``) with a warning.

Control characters (NUL and the like) are reported by :func:`control_message`,
never silently removed. Pure module: no Flask, no database.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from geodata.levels import CODE_PATTERNS
from importers.table_dates import parse_date
from importers.table_dates import parse_datetime
from importers.table_dates import parse_schedule
from wiki.records.fields import fold
from wiki.records.schema import FieldDef
from wiki.records.values import FieldError
from wiki.records.values import parse_number

TRUE_WORDS = frozenset({"oui", "o", "vrai", "v", "x", "yes", "y", "true", "1", "on", "✓", "✔", "☑", "coche"})
FALSE_WORDS = frozenset({"", "non", "n", "faux", "no", "false", "0", "off", "-", "☐"})
#: Control characters a cell may not hold (tab, line feed and carriage return are allowed).
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
SEPARATORS = ("\n", ";", "|", ",")
_C0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS "
       "RS US").split()  # fmt: skip
#: Bounding boxes (south, north, west, east) of metropolitan France and the overseas départements.
FRANCE = ((41.3, 51.1, -5.2, 9.6), (15.8, 16.5, -61.9, -60.9), (14.3, 14.9, -61.3, -60.8), (2.1, 5.8, -54.6, -51.6),
          (-21.4, -20.8, 55.2, 55.9), (-13.1, -12.6, 45.0, 45.3))  # fmt: skip
_DOT_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+")
_NUMBER = r"[+-]?\d+(?:[.,]\d+)?"
_WKT = re.compile(rf"point\s*z?\s*\(\s*({_NUMBER})\s+({_NUMBER})(?:\s+{_NUMBER})?\s*\)")
_PUNCTUATION = re.compile(r"[\s\-'’_/().,;:«»\"]+")
_HINT = re.compile(r"(.+?)\s*\((\d[\dab]|\d{3}|\d{5})\)")
_POSTCODE = re.compile(r"(\d{5})\s+(.+)")


@dataclass
class Lookups:
    """What converting needs from the database, gathered by the caller.

    ``choices``: per field key, each value and label (by :func:`key`) to its
    value. ``zones``: per level, each zone name (by :func:`key`) to its codes;
    called once per level, only if a cell names a zone (None: no zones loaded).
    """

    choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    zones: Callable[[str], Mapping[str, list[str]]] | None = None
    _cache: dict[str, Mapping[str, list[str]]] = field(default_factory=dict, init=False, repr=False)

    def names(self, level: str) -> Mapping[str, list[str]]:
        """The zones of ``level`` by name (read once)."""
        if level not in self._cache:
            self._cache[level] = self.zones(level) if self.zones else {}
        return self._cache[level]


def key(text: str) -> str:
    """How names are compared: accents, case and punctuation aside (« Tiers-lieu » → "tiers lieu")."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text)).split())


def control_message(text: str) -> str | None:
    """Say which control character a cell holds, and where (None when it holds none)."""
    match = CONTROLS.search(text)
    if match is None:
        return None
    char = match.group()
    name = _C0[ord(char)] if ord(char) < 32 else "DEL" if char == "\x7f" else unicodedata.name(char, "contrôle C1")
    return (f"caractère de contrôle U+{ord(char):04X} ({name}) en position {match.start() + 1} : "
            "corrigez la cellule, il n'est pas supprimé en silence.")  # fmt: skip


def split_values(text: str) -> tuple[list[str], str]:
    """Split a multi-value cell on its strongest separator (new line, ``;``, ``|``, ``,``): the parts and that separator."""
    for separator in SEPARATORS:
        if separator in text:
            return [part.strip() for part in text.split(separator) if part.strip()], separator
    return ([text.strip()] if text.strip() else []), ""


def parse_french_number(text: str, unit: str = "") -> int | float:
    """A number written the French (or English) way; int when whole.

    :raises FieldError: not a number.
    """
    clean = text.strip().translate({0xA0: " ", 0x202F: " ", 0x2009: " ", 0x2212: "-"})
    if unit and clean.casefold().endswith(unit.casefold()):
        clean = clean[: -len(unit)].rstrip()
    if _DOT_THOUSANDS.fullmatch(clean.replace(" ", "")) and clean.count(".") + clean.count(",") > 1:
        clean = clean.replace(".", "")
    elif _COMMA_THOUSANDS.fullmatch(clean):
        clean = clean.replace(",", "")
    return parse_number(clean, unit)


def parse_yes_no(text: str) -> bool:
    """A tick-box cell: ``oui``, ``x``, ``vrai``… or ``non``, ``faux``, empty.

    :raises FieldError: neither.
    """
    word = key(text) if text.strip() not in TRUE_WORDS | FALSE_WORDS else text.strip()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError("Valeur illisible : « oui » ou « non » attendu (ou « x » pour coché, vide pour non coché).")


def _in_france(lat: float, lon: float) -> bool:
    return any(south <= lat <= north and west <= lon <= east for south, north, west, east in FRANCE)


def point(lat: float, lon: float) -> tuple[dict[str, Any], list[str]]:
    """A GeoJSON point from a latitude and a longitude, checked; a warning when they look swapped.

    :raises FieldError: out of range.
    """
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise FieldError(f"Coordonnées impossibles : latitude {lat} (de -90 à 90), longitude {lon} (de -180 à 180).")
    warnings = []
    if not _in_france(lat, lon) and _in_france(lon, lat):
        warnings.append(f"latitude {lat} et longitude {lon} peut-être inversées : le point tombe hors de France, "
                        "il y tomberait une fois inversées ; vérifiez les colonnes.")  # fmt: skip
    return {"type": "Point", "coordinates": [lon, lat]}, warnings


def _float(text: str) -> float:
    return float(text.replace(",", "."))


def parse_point(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    """A place cell: « lat, lon » text, ``[lon, lat]``, ``POINT(lon lat)`` or a GeoJSON geometry.

    :raises FieldError: none of these.
    """
    clean = text.strip()
    if clean.startswith(("{", "[")):
        try:
            value = json.loads(clean) if len(clean) < 5_000_000 else None
        except (ValueError, RecursionError):
            value = None
        if isinstance(value, list) and len(value) in (2, 3) and all(isinstance(v, (int, float)) for v in value):
            return point(float(value[1]), float(value[0]))
        if isinstance(value, dict):
            return (value.get("geometry") if value.get("type") == "Feature" else value), []
        raise FieldError("Géométrie illisible : GeoJSON ou [longitude, latitude] attendu.")
    if match := _WKT.fullmatch(clean.lower()):
        return point(_float(match[2]), _float(match[1]))
    if ";" in clean:
        parts = clean.split(";")
    elif ", " in clean or clean.count(",") == 1:
        parts = clean.split(", " if ", " in clean else ",")
    else:
        parts = clean.split()
    if len(parts) == 2 and all(re.fullmatch(_NUMBER, part.strip()) for part in parts):
        return point(_float(parts[0].strip()), _float(parts[1].strip()))
    raise FieldError("Position illisible : « latitude, longitude » attendu (ex. 47.65, -2.08).")


def match_choices(text: str, lookup: Mapping[str, str], *, many: bool) -> list[str]:
    """The choice values a cell names (by value or label); several when ``many``.

    :raises FieldError: a name matches no choice, or several where one was expected.
    """
    whole = lookup.get(key(text))
    if whole is not None:
        return [whole]
    parts, separator = split_values(text) if many else ([text.strip()], "")
    found, unknown, start = [], [], 0
    while start < len(parts):
        for end in range(len(parts), start, -1):  # longest first: a label may hold the separator
            value = lookup.get(key(separator.join(parts[start:end])))
            if value is not None:
                found.append(value)
                start = end
                break
        else:
            unknown.append(parts[start])
            start += 1
    if unknown:
        names = ", ".join(f"« {name[:40]} »" for name in unknown[:5])
        raise FieldError(f"Choix inconnu{'s' if len(unknown) > 1 else ''} : {names}.")
    return list(dict.fromkeys(found))


def _zone(text: str, levels: Iterable[str], lookups: Lookups, warnings: list[str]) -> str:
    clean = fold(text.strip())
    hint = ""
    if match := _HINT.fullmatch(clean):
        clean, hint = match[1], match[2] if len(match[2]) < 5 else match[2][:2]
    elif match := _POSTCODE.fullmatch(clean):
        hint, clean = match[1][:2], match[2]
    for level in levels:
        pattern = CODE_PATTERNS.get(level)
        if level == "commune" and re.fullmatch(r"\d{4}", clean):
            warnings.append(f"code INSEE « {clean} » à 4 chiffres lu comme « 0{clean} » (zéro initial perdu).")
            return f"0{clean}"
        if pattern is not None and pattern.fullmatch(clean.upper()):
            return clean.upper()
        if level == "departement" and hint and CODE_PATTERNS["departement"].fullmatch(hint.upper()):
            return hint.upper()
    for level in levels:
        codes = lookups.names(level).get(key(clean), [])
        if hint:
            codes = [code for code in codes if code.lower().startswith(hint)] or codes
        if len(codes) == 1:
            return codes[0]
        if len(codes) > 1:
            raise FieldError(f"Plusieurs zones s'appellent « {text.strip()[:60]} » ({', '.join(codes[:5])}) : "
                             "indiquez le code INSEE.")  # fmt: skip
    if not any(lookups.names(level) for level in levels):
        raise FieldError(f"« {text.strip()[:60]} » n'est pas un code INSEE, et aucune zone n'est chargée pour "
                         "la trouver par son nom (lieudit zones import).")  # fmt: skip
    raise FieldError(f"Zone inconnue : « {text.strip()[:60]} » (indiquez le code INSEE).")


def parse_zones(text: str, definition: FieldDef, lookups: Lookups) -> tuple[list[str] | str | None, list[str]]:
    """Zone codes from codes or names; a list when the field takes several.

    :raises FieldError: an unknown or ambiguous name, or several where one was expected.
    """
    levels = definition.options.get("levels") or ("commune",)
    multiple = bool(definition.options.get("multiple"))
    parts = split_values(text)[0] if multiple else [text.strip()]
    warnings: list[str] = []
    codes = list(dict.fromkeys(_zone(part, levels, lookups, warnings) for part in parts))
    return (codes if multiple else codes[0] if codes else None), warnings


def _many(text: str) -> list[str]:
    return split_values(text)[0]


_SIMPLE: dict[str, Callable[[FieldDef, str], Any]] = {
    "text": lambda d, text: text.strip(),
    "longtext": lambda d, text: text,
    "url": lambda d, text: text.strip(),
    "email": lambda d, text: text.strip(),
    "phone": lambda d, text: text.strip(),
    "link": lambda d, text: text.strip(),
    "theme": lambda d, text: _many(text),
    "number": lambda d, text: parse_french_number(text, d.options.get("unit") or ""),
    "boolean": lambda d, text: parse_yes_no(text),
}
_WARNED: dict[str, Callable[[str], tuple[Any, list[str]]]] = {
    "date": parse_date,
    "datetime": parse_datetime,
    "schedule": parse_schedule,
    "geometry": parse_point,
}


def convert(definition: FieldDef, text: str, lookups: Lookups) -> tuple[Any, list[str]]:
    """Read one cell for one field: the raw value for the record services (None when blank) and warnings.

    :raises FieldError: the cell cannot be read as that field's value (the French reason).
    """
    if definition.type != "boolean" and not text.strip():
        return None, []
    if definition.type in _SIMPLE:
        return _SIMPLE[definition.type](definition, text), []
    if definition.type in _WARNED:
        return _WARNED[definition.type](text)
    if definition.type in ("choice", "multichoice"):
        values = match_choices(text, lookups.choices.get(definition.key, {}), many=True)
        if definition.type == "choice" and len(values) > 1:
            raise FieldError(f"Un seul choix attendu, {len(values)} donnés.")
        return (values if definition.type == "multichoice" else values[0]), []
    if definition.type == "zone":
        return parse_zones(text, definition, lookups)
    raise FieldError(f"Un champ de type « {definition.type} » ne se remplit pas depuis un tableur.")
