"""Zone fields: codes of communes and other zones, or their names when a lookup is given.

Pure module (standard library, :mod:`wiki.records.values`, :mod:`wiki.records.schema`
and :mod:`geodata.levels` only): :mod:`wiki.records.fields` cleans zone fields
with it. The database's answers come as two callables,
``exists(level, code)`` and ``find(level, name)`` (see
:func:`wiki.records.references.zone_book`): a code of a level whose zones are
loaded must exist, a name typed instead of a code is looked up (« Redon »,
« Redon (35) » between homonyms).
"""

from __future__ import annotations

from collections import abc
from typing import Any

from geodata import levels as zone_levels
from wiki.records import values as val
from wiki.records.schema import FieldDef

Exists = abc.Callable[[str, str], bool]
Find = abc.Callable[[str, str], list[str]]
_MAX_ITEMS = 1000


def _texts(raw: Any) -> list[str]:
    """One string or a list of strings, each split at commas, stripped, blanks dropped."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)) or len(items) > _MAX_ITEMS or not all(isinstance(i, str) for i in items):
        raise val.FieldError("Code de zone attendu (ex. 35236).")
    return list(dict.fromkeys(p.strip() for item in items for p in item.split(",") if p.strip()))


def zone_levels_of(field: FieldDef) -> list[str]:
    """The levels of the zones a zone field accepts (communes unless told)."""
    return [lv for lv in field.options.get("levels") or (zone_levels.DEFAULT_LEVEL,) if lv in zone_levels.LEVELS]


def zone_level(field: FieldDef, code: str) -> str | None:
    """The level of the zone a zone field's code names (the first of the field's levels it fits), or None."""
    return zone_levels.level_of(code, zone_levels_of(field))


def clean_zones(field: FieldDef, raw: Any, exists: Exists | None, find: Find | None) -> str | list[str] | None:
    """Check a zone field's value: codes (or names, when ``find`` is given) of the zones the field accepts.

    ``exists(level, code)`` tells whether a zone is known (None: codes are only syntax-checked).
    """
    levels, multiple = zone_levels_of(field), bool(field.options.get("multiple"))
    if isinstance(raw, (list, tuple)) and not multiple and len(raw) != 1:
        raise val.FieldError("Une seule zone attendue.")
    items = _texts(raw)
    if len(items) > 1 and not multiple:
        raise val.FieldError("Une seule zone attendue.")
    codes = list(dict.fromkeys(_zone_code(item, levels, exists, find) for item in items))
    return (codes or None) if multiple else (codes[0] if codes else None)


def _zone_code(item: str, levels: list[str], exists: Exists | None, find: Find | None) -> str:
    """The code of one zone given by its code or, when the context can look names up, its name (« Redon (35) »)."""
    code = item.upper()
    level = zone_levels.level_of(code, levels)
    if level is not None and (exists is None or exists(level, code)):
        return code
    if find is not None and len(item) <= 200:
        for each in levels:
            found = find(each, item)
            if len(found) == 1:
                return found[0]
            if found:
                where = " ou ".join(f"« {item} ({c[:3] if c.startswith('97') else c[:2]}) »" for c in found[:5])
                raise val.FieldError(f"Plusieurs communes s'appellent {val.quote(item)} : précisez, {where}.")
    if level is None and (find is None or not any(lv == "commune" for lv in levels)):
        hints = " ou ".join(zone_levels.CODE_HINTS[lv] for lv in levels)
        raise val.FieldError(f"Code invalide : {val.quote(code)} ; attendu : {hints}.")
    if level is None:
        raise val.FieldError(f"Commune inconnue : {val.quote(item)} ; choisissez-la dans la liste.")
    raise val.FieldError(f"{'Commune inconnue' if level == 'commune' else 'Zone inconnue'} : {code}.")
