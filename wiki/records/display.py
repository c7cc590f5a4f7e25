"""Record values as people read them: plain French text for lists, tables and exports, and search text.

Pure module: it must not import flask, sqlalchemy nor any Lieudit module but
its pure siblings (:mod:`wiki.records.schema`, :mod:`wiki.records.values`,
:mod:`wiki.records.schedules`, :mod:`wiki.records.contacts`,
:mod:`wiki.records.disclosure`), :mod:`geodata.fields` and :mod:`geodata.levels`. Values are read as
stored (keyed by field id, cleaned by :mod:`wiki.records.fields`); a value
that no longer fits its field, because the field's type changed since, is
still shown, as plain text (HOSTILE_INPUTS B4-40). Whoever shows the text
escapes it.
"""

from __future__ import annotations

import dataclasses
from collections import abc
from typing import Any

import geodata.fields as geo
from geodata import levels as zone_levels
from wiki.records import values
from wiki.records.contacts import format_phone
from wiki.records.disclosure import READERS
from wiki.records.disclosure import Disclosure
from wiki.records.schedules import format_schedule
from wiki.records.schema import FieldDef

_UNSEARCHED = frozenset({"boolean", "geometry", "link"})


def _plain(value: Any) -> str:
    """Show any stored value as text: the fallback when its field's type changed since (B4-40)."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float)):
        return values.format_number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, abc.Mapping):
        return " ".join(_plain(item) for item in value.values() if item is not None and item != "")
    return str(value)


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value)


@dataclasses.dataclass(frozen=True)
class Names:
    """What stored references are called: zones by key (``35236``, ``epci:…``), linked records by id.

    :mod:`wiki.records.references` reads them from the database; a reference
    not found here is shown as stored (a code, « fiche n° 12 »).
    """

    zones: abc.Mapping[str, str] = dataclasses.field(default_factory=dict)
    records: abc.Mapping[int, str] = dataclasses.field(default_factory=dict)

    def zone(self, field: FieldDef, code: Any) -> str:
        """The name of the zone a zone field's code names, or the code when it is not loaded."""
        text = str(code)
        levels = field.options.get("levels") or (zone_levels.DEFAULT_LEVEL,)
        level = zone_levels.level_of(text, levels) or zone_levels.DEFAULT_LEVEL
        return self.zones.get(zone_levels.zone_key(level, text)) or text

    def record(self, value: Any) -> str:
        """The title of a linked record (``{"record_id": 12}``), or « fiche n° 12 » when it is not readable."""
        ident = value.get("record_id") if isinstance(value, abc.Mapping) else None
        return self.records.get(ident) or f"fiche n° {ident}" if isinstance(ident, int) else str(value)

    def display(self, field: FieldDef, value: Any) -> str:
        """:func:`display_value` with these names."""
        return display_value(field, value, self)


NO_NAMES = Names()


_DISPLAY: dict[str, abc.Callable[[FieldDef, Any], str]] = {
    # A year is written without a thousands space (2017, not 2 017).
    "number": lambda field, value: (
        str(value) if field.options.get("year") else values.format_number(value, field.options.get("unit") or "")
    ),
    "boolean": lambda field, value: {True: "oui", False: "non"}[value],
    "choice": lambda field, value: _labels(field).get(value) or value,
    "multichoice": lambda field, value: ", ".join(_labels(field).get(v) or v for v in _listed(value)),
    "date": lambda field, value: values.format_date(value),
    "datetime": lambda field, value: values.format_datetime(value),
    "schedule": lambda field, value: format_schedule(value),
    "geometry": lambda field, value: geo.format_geometry(value),
    "zone": lambda field, value: ", ".join(_listed(value)),  # replaced by names when known (display_value)
    "theme": lambda field, value: ", ".join(_listed(value)),
    "phone": lambda field, value: format_phone(value),
    "file": lambda field, value: value["name"],
    "image": lambda field, value: value["name"],
    "link": lambda field, value: f"fiche n° {value['record_id']}" if isinstance(value, abc.Mapping) else value,
}


def _labels(field: FieldDef) -> dict[str, str]:
    return {item["value"]: item["label"] for item in field.options.get("choices", ())}


def display_value(field: FieldDef, value: Any, names: Names | None = None) -> str:
    """Write a stored value as plain French text for lists, tables and exports (``12,5 €``, ``oui``, ``02/05/2026``).

    With ``names``, zones are shown by name (« Redon ») and linked records by
    title. Never raises: a value that no longer fits its field (the type
    changed since it was saved) is shown as plain text.
    """
    if value is None or value == [] or value == "":
        return ""
    try:
        if names is not None and field.type == "zone":
            text = ", ".join(names.zone(field, item) for item in _listed(value))
        elif names is not None and field.type == "link" and isinstance(value, abc.Mapping):
            text = names.record(value)
        else:
            text = _DISPLAY[field.type](field, value) if field.type in _DISPLAY else _plain(value)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ArithmeticError):
        return _plain(value)
    return text if isinstance(text, str) else _plain(text)


def search_text(
    fields: abc.Sequence[FieldDef],
    data: abc.Mapping[str, Any],
    *,
    visibility: str = "public",
    names: Names | None = None,
) -> str:
    """Return the text of the fields of a record that a ``visibility`` reader may read, for text search.

    A personal value is searched only where its record's consent box is
    ticked (then it is public anyway), whatever the reader: search never holds
    personal data the person did not agree to publish. ``fields`` are all the
    form's fields (see :mod:`wiki.records.disclosure`); ``data`` is keyed by
    field id, as stored. A field with an unknown visibility counts as private.

    :raises ValueError: unknown ``visibility``.
    """
    if visibility not in READERS:
        raise ValueError(f"unknown visibility: {visibility!r}")
    rule = Disclosure(fields)
    shown = [
        f
        for f in fields
        if f.type not in _UNSEARCHED and rule.shows(f, data, visibility) and (not f.personal or rule.consented(f, data))
    ]
    return "\n".join(text for f in shown if (text := display_value(f, data.get(f.id), names)))
