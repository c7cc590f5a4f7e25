"""The columns of a dataset, derived from its form's public fields (pure).

Pure module: no flask, no database. A form field becomes one column named by
its public key, except a schedule, which becomes one column per part
(``<key>_debut``, ``<key>_fin``…) so that flat formats stay flat. Only fields
some record may show to anyone are ever given to this module, and rows hold
only the values their record shows: the services filter both first (privacy
by construction, HOSTILE_INPUTS B8-73). A personal field published under a
consent box says so in its description: its cells are empty where the box is
unticked.

Each column knows its Table Schema type, format and constraints, and how to
read its value out of a record's data (keyed by field id). ``cell_text``
writes a value the way the canonical CSV holds it: ISO dates, ``true`` /
``false``, dot decimals, lists joined with ``;``, geometries as GeoJSON.
A zone field keeps its codes and is followed by a ``<key>_nom`` column of
their names (the rows carry them, :func:`wiki.exports.rows.iter_rows`).
"""

from __future__ import annotations

import dataclasses
import json
from collections import abc
from typing import Any

from geodata.levels import DEFAULT_LEVEL
from geodata.levels import level_of
from geodata.levels import zone_key
from wiki.records.schema import FieldDef

#: Separator of multiple values (multi-choice, themes, zones) in flat formats.
LIST_SEPARATOR = ";"
#: Columns every dataset starts or ends with (their names are reserved field keys).
FIXED_FIRST = ("id",)
FIXED_LAST = ("updated_at", "verified_at")
_TABLE_TYPES = {
    "text": ("string", "default"), "longtext": ("string", "default"), "number": ("number", "default"),
    "boolean": ("boolean", "default"), "choice": ("string", "default"), "multichoice": ("string", "default"),
    "date": ("date", "default"), "datetime": ("datetime", "any"), "geometry": ("geojson", "default"),
    "zone": ("string", "default"), "theme": ("string", "default"), "url": ("string", "uri"),
    "email": ("string", "email"), "phone": ("string", "default"), "file": ("string", "default"),
    "image": ("string", "default"), "link": ("string", "default"),
}  # fmt: skip
_SCHEDULE_PARTS = (
    ("debut", "start", "début (date, ou date et heure locales)"),
    ("fin", "end", "fin (date incluse, ou date et heure locales)"),
    ("toute_la_journee", "all_day", "toute la journée"),
    ("fuseau_horaire", "timezone", "fuseau horaire IANA des heures locales"),
    ("recurrence", "rrule", "règle de récurrence iCalendar (RRULE, RFC 5545)"),
    ("exceptions", "exdates", "dates exclues de la récurrence"),
)


@dataclasses.dataclass(frozen=True)
class Column:
    """One column of a dataset: its name, documentation and how to read its value."""

    name: str
    title: str
    description: str
    table_type: str
    format: str = "default"
    required: bool = False
    enum: tuple[str, ...] = ()
    field_type: str = ""
    field_id: str = ""
    part: str = ""
    levels: tuple[str, ...] = ()

    def value(self, row: abc.Mapping[str, Any]) -> Any:
        """Return this column's JSON-ready value from an export row (``id``, ``data``, dates, ``zone_names``)."""
        if not self.field_id:
            return row.get(self.name)
        value = row["data"].get(self.field_id)
        if self.field_type == "zone_name":
            return zone_names_of(value, self.levels, row.get("zone_names") or {})
        if self.part:
            return value.get(self.part) if isinstance(value, abc.Mapping) else None
        if self.field_type == "link" and isinstance(value, abc.Mapping):
            return str(value.get("record_id", ""))
        if self.field_type in ("file", "image") and isinstance(value, abc.Mapping):
            return value.get("name")
        return value


def zone_names_of(value: Any, levels: abc.Sequence[str], names: abc.Mapping[str, str]) -> Any:
    """The names of the zones a zone value names (a list for a list), by zone key in ``names``; None when none is
    known (a code whose zone is not loaded has no name)."""
    codes = value if isinstance(value, list) else [value] if value else []
    found = [names.get(zone_key(level_of(str(c), levels) or DEFAULT_LEVEL, str(c))) or "" for c in codes]
    if not any(found):
        return None
    return found if isinstance(value, list) else found[0]


def zone_levels_of(field: FieldDef) -> tuple[str, ...]:
    """The levels of a zone field (communes unless told)."""
    return tuple(field.options.get("levels") or (DEFAULT_LEVEL,))


def consent_note(box_label: str) -> str:
    """Describe a personal column published under a consent box (data dictionary, Table Schema)."""
    return f"Donnée personnelle : publiée seulement si la personne l’a accepté (case « {box_label} ») ; vide sinon."


def columns_for(
    fields: abc.Sequence[FieldDef],
    choices: abc.Mapping[str, abc.Sequence[str]],
    consents: abc.Mapping[str, str] | None = None,
) -> list[Column]:
    """Return the columns of a form's public fields, fixed columns included.

    :param choices: allowed values per field key, for choice fields (enums).
    :param consents: label of the consent box per key of a personal field.
    """
    consents = consents or {}
    columns = [
        Column(
            "id", "Identifiant", "Numéro de la fiche, stable (son adresse est /fiches/<id>).", "integer", required=True
        )
    ]
    for field in fields:
        note = consent_note(consents[field.key]) if field.key in consents else ""
        if field.type == "schedule":
            for suffix, part, what in _SCHEDULE_PARTS:
                kind = "boolean" if part == "all_day" else "string"
                columns.append(Column(f"{field.key}_{suffix}", f"{field.label} : {what}", " ".join(filter(None, (field.help, note))), kind,
                                      field_type="schedule", field_id=field.id, part=part,
                                      required=field.required and part in ("start", "all_day", "timezone") and not note))  # fmt: skip
            continue
        table_type, fmt = _TABLE_TYPES.get(field.type, ("string", "default"))
        if field.type == "number" and (field.options.get("integer") or field.options.get("year")):
            table_type = "integer"
        description = field.help
        if field.type in ("multichoice", "theme") or (field.type == "zone" and field.options.get("multiple")):
            description = f"{description} (valeurs séparées par « {LIST_SEPARATOR} »)".strip()
        description = " ".join(filter(None, (description, note)))
        enum = tuple(choices.get(field.key, ())) if field.type == "choice" else ()
        # A consented column is empty wherever consent is missing: never "required" in the Table Schema.
        columns.append(
            Column(
                field.key,
                field.label,
                description,
                table_type,
                fmt,
                field.required and not note,
                enum,
                field.type,
                field.id,
            )
        )
        if field.type == "zone":
            columns.append(
                Column(f"{field.key}_nom", f"{field.label} : nom", "Nom de chaque zone du code de la colonne "
                       f"« {field.key} », dans le même ordre (vide si la zone n’est pas chargée sur le wiki).",
                       "string", field_type="zone_name", field_id=field.id, levels=zone_levels_of(field))
            )  # fmt: skip
    columns.append(
        Column(
            "updated_at",
            "Dernière modification",
            "Date et heure de la dernière modification (UTC).",
            "datetime",
            "any",
            True,
        )
    )
    columns.append(
        Column("verified_at", "Vérifiée le", "Date à laquelle quelqu’un a confirmé que la fiche est à jour.", "date")
    )
    return _unique(columns)


def _unique(columns: list[Column]) -> list[Column]:
    """Rename a generated column whose name another one already took (``x_debut`` vs a field ``x_debut``)."""
    seen: set[str] = set()
    out = []
    for column in columns:
        name, n = column.name, 2
        while name in seen:
            name, n = f"{column.name}_{n}", n + 1
        seen.add(name)
        out.append(dataclasses.replace(column, name=name) if name != column.name else column)
    return out


def cell_text(column: Column, value: Any) -> str:
    """Write a value as the canonical CSV holds it (byte-faithful data, never reformatted for display)."""
    if type(value) is str:  # most cells: the fast path
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(cell_text(column, item) for item in value)
    if isinstance(value, abc.Mapping):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def row_values(columns: abc.Sequence[Column], row: abc.Mapping[str, Any]) -> list[Any]:
    """Return the JSON-ready values of one export row, in column order."""
    return [column.value(row) for column in columns]


def record_object(fields: abc.Sequence[FieldDef], row: abc.Mapping[str, Any], url: str) -> dict[str, Any]:
    """Return one record as a JSON object: ``id``, ``url``, each public field by key, then the dates."""
    out: dict[str, Any] = {"id": row["id"], "url": url}
    for field in fields:
        out[field.key] = row["data"].get(field.id)
        if field.type == "zone":
            out[f"{field.key}_nom"] = zone_names_of(out[field.key], zone_levels_of(field), row.get("zone_names") or {})
    out["updated_at"] = row["updated_at"]
    out["verified_at"] = row["verified_at"]
    return out
