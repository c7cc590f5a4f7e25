"""Which column of a spreadsheet fills which field of a form, and each row read through it.

A mapping is a plain dict, column name → target, where a target is:

- a field key (``title``, ``communes``…);
- a part of a field, for values split over two columns: ``<geometry>.lat``
  and ``<geometry>.lon`` (latitude and longitude), ``<schedule>.debut`` and
  ``<schedule>.fin`` (start and end);
- ``@id``: the row's identifier, so a re-import updates instead of duplicating;
- ``""``: the column is not imported.

Saved for reuse (``--mapping FILE.json``, the download of the upload screen),
it is that dict as a JSON object, under ``"champs"`` beside the form it was
made for: ``{"formulaire": "lieu", "champs": {"Nom": "title", "Identifiant":
"@id", "Remarques": ""}}`` (the bare inner object is read too). A given mapping overrides the proposed one column by
column: :func:`default_mapping` proposes a field for each column whose name
is a field's key or label (case, accents and punctuation aside, an OpenAgenda
`` - FR`` suffix dropped), then common French and English names (``nom``,
``ville``, ``latitude``, ``site web``…); a column named ``id`` or
``identifiant`` becomes the identifier.

:class:`RowReader` turns each row into the values the record services take,
with per-column problems (French reasons) and warnings. Pure module.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from importers.features import FormatError
from importers.table_dates import schedule_from_parts
from importers.table_rows import Row
from importers.table_values import Lookups
from importers.table_values import control_message
from importers.table_values import convert
from importers.table_values import key
from importers.table_values import parse_french_number
from importers.table_values import point
from wiki.records import fields as F
from wiki.records.schema import FieldDef

ID = "@id"
#: Fields filled from two columns: the parts' names, and how each is said.
PARTS = {"geometry": {"lat": "latitude", "lon": "longitude"}, "schedule": {"debut": "début", "fin": "fin"}}
UNMAPPABLE = frozenset({"file", "image"})
ID_NAMES = ("id", "identifiant", "identifier", "uid", "uuid", "id local", "code", "reference")
#: Column names proposed for a role when no field bears that name, best first.
SYNONYMS = {
    "title": ("titre", "title", "nom", "name", "intitule", "libelle", "denomination"),
    "description": ("description", "desc", "presentation", "objet"),
    "url": ("site web", "site", "siteweb", "site internet", "url", "website", "lien", "web"),
    "email": ("email", "e mail", "courriel", "mail", "adresse email", "adresse mail"),
    "phone": ("telephone", "tel", "phone", "numero de telephone"),
    "commune": ("code insee", "insee", "code commune", "code insee commune", "cdinseecommune", "adrs codeinsee",
                "depcom", "commune", "ville", "libcom", "nom commune", "com lieu"),
    "geometry": ("coordonnees", "coordonnees gps", "geo point", "geopoint", "geo point 2d", "geometry",
                 "geometrie", "geom", "loc", "lat lon", "latlon", "coordonneesxy"),
    "lat": ("latitude", "lat", "ylat", "y lat", "lat wgs84", "y wgs84"),
    "lon": ("longitude", "lon", "lng", "long", "xlong", "x long", "lon wgs84", "x wgs84"),
    "schedule": ("horaires iso", "horaire", "horaires", "date", "dates", "quand"),
    "debut": ("date debut", "date de debut", "debut", "start", "premiere date"),
    "fin": ("date fin", "date de fin", "fin", "end", "derniere date"),
}  # fmt: skip


class MappingError(FormatError):
    """A mapping file that cannot be read; ``message`` says why, in French."""


def mapping_from_json(text: str | bytes) -> dict[str, str]:
    """Read a saved mapping: ``{"colonne": "champ", …}``, or that object under ``"champs"`` (as saved here).

    ``""`` (or ``null``) as a target: the column is not imported.

    :raises MappingError: not such an object.
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise MappingError(f"correspondance illisible : JSON invalide ({error}).") from None
    value = value.get("champs", value) if isinstance(value, dict) else value
    if not isinstance(value, dict) or not all(isinstance(t, str) or t is None for t in value.values()):
        raise MappingError('correspondance illisible : un objet JSON {"colonne": "champ", …} est attendu.')
    return {str(column): target or "" for column, target in value.items()}


def mapping_to_json(mapping: Mapping[str, str], form: str = "") -> str:
    """Write a mapping for reuse: ``{"formulaire": form, "champs": {"colonne": "champ", …}}``.

    Read back by :func:`mapping_from_json` and by ``lieudit import --mapping``.
    """
    return json.dumps({"formulaire": form, "champs": dict(mapping)}, ensure_ascii=False, indent=2) + "\n"


def targets(defs: Iterable[FieldDef]) -> dict[str, str]:
    """Every target a column may fill, with its French label (for the mapping form)."""
    out = {ID: "Identifiant de la ligne (pour réimporter sans doublon)"}
    for d in defs:
        if d.type not in UNMAPPABLE:
            out[d.key] = d.label
            out |= {f"{d.key}.{part}": f"{d.label} ({name})" for part, name in PARTS.get(d.type, {}).items()}
    return out


def _roles(defs: list[FieldDef], title_field: str) -> Iterable[tuple[str, str]]:
    """(role in :data:`SYNONYMS`, target) for the first field of the form playing each role."""
    first = {
        "title": next((d for d in defs if d.key == title_field), None),
        "description": next((d for d in defs if d.key == "description"), None),
        "url": next((d for d in defs if d.type == "url"), None),
        "email": next((d for d in defs if d.type == "email"), None),
        "phone": next((d for d in defs if d.type == "phone"), None),
        "commune": next((d for d in defs if d.type == "zone" and "commune" in (d.options.get("levels") or [])), None),
        "geometry": next((d for d in defs if d.type == "geometry"), None),
        "schedule": next((d for d in defs if d.type == "schedule"), None),
    }
    for role, definition in first.items():
        if definition is not None:
            yield role, definition.key
    if first["geometry"] is not None:
        yield from (("lat", f"{first['geometry'].key}.lat"), ("lon", f"{first['geometry'].key}.lon"))
    if first["schedule"] is not None:
        yield from (("debut", f"{first['schedule'].key}.debut"), ("fin", f"{first['schedule'].key}.fin"))


def _name(column: str) -> str:
    return key(column).removesuffix(" fr")


def default_mapping(header: list[str], defs: list[FieldDef], title_field: str) -> dict[str, str]:
    """Propose a target for the columns whose name says one (see the module docstring)."""
    columns = {_name(column): column for column in reversed(header)}  # the first column of a name wins
    mapping: dict[str, str] = {}

    def assign(names: Iterable[str], target: str) -> None:
        """Give ``target`` to the first free column called one of ``names``, unless a column has it already."""
        if target in mapping.values():
            return
        column = next((columns[n] for n in names if n in columns and columns[n] not in mapping), None)
        if column is not None:
            mapping[column] = target

    for d in defs:
        if d.type not in UNMAPPABLE:
            assign((key(d.key), key(d.label)), d.key)
    assign(ID_NAMES, ID)
    for role, target in _roles(defs, title_field):
        assign(SYNONYMS[role], target)
    for d in defs:  # a whole value wins over its parts
        if d.key in mapping.values():
            mapping = {c: t for c, t in mapping.items() if not t.startswith(f"{d.key}.")}
    return {column: mapping[column] for column in header if column in mapping}


def resolve_mapping(
    header: list[str], defs: list[FieldDef], title_field: str, given: Mapping[str, str] | None
) -> tuple[dict[str, str], list[str], list[str]]:
    """The mapping used: the proposed one, overridden column by column by ``given``; then errors and warnings.

    Errors (French) make the import impossible: an unknown target, two columns for one target.
    """
    mapping = default_mapping(header, defs, title_field)
    allowed = targets(defs)
    errors: list[str] = []
    warnings: list[str] = []
    by_name = {_name(column): column for column in reversed(header)}
    chosen: dict[str, str] = {}
    for raw_column, raw_target in (given or {}).items():
        column = raw_column if raw_column in header else by_name.get(_name(raw_column))
        target = (raw_target or "").strip()
        if column is None:
            warnings.append(f"colonne « {raw_column} » de la correspondance absente du fichier.")
        elif target and target not in allowed:
            errors.append(f"colonne « {column} » : « {target} » n'est pas un champ du formulaire.")
        else:
            chosen[column] = target
    for column, target in chosen.items():
        mapping = {c: t for c, t in mapping.items() if c != column and (t != target or c in chosen)}
        if target:
            mapping[column] = target
    seen: dict[str, str] = {}
    for column, target in mapping.items():
        if target in seen:
            errors.append(f"colonnes « {seen[target]} » et « {column} » : toutes deux vers « {target} ».")
        seen[target] = column
    for d in defs:
        if d.key in seen and any(t.startswith(f"{d.key}.") for t in seen):
            errors.append(f"« {d.key} » : une colonne le remplit entier, une autre en partie ; choisissez.")
    return {column: mapping[column] for column in header if column in mapping}, errors, warnings


def prune_mapping(
    mapping: Mapping[str, str],
    kept: Iterable[str],
    header: list[str],
    sample: Iterable[Row],
    defs: list[FieldDef],
    lookups: Lookups,
    ctx: F.Context,
) -> tuple[dict[str, str], list[str]]:
    """Drop a proposed column (one not in ``kept``) none of whose sampled cells its field can read; say so.

    A column named « position » holding « A » or « D » is no place: better
    not imported, and said, than every row refused.
    """
    by_key = {d.key: d for d in defs}
    rows = list(sample)
    out, warnings = dict(mapping), []
    for column, target in mapping.items():
        definition = by_key.get(target)
        if column in kept or definition is None or definition.type == "boolean":
            continue
        cells = [row.cells[header.index(column)] for row in rows if row.cells[header.index(column)].strip()]
        if cells and not any(_readable(definition, cell, lookups, ctx) for cell in cells):
            del out[column]
            warnings.append(f"colonne « {column} » non versée dans « {definition.label} » : aucune de ses premières "
                            f"valeurs ne s'y lit (ex. « {cells[0][:40]} ») ; choisissez une correspondance.")  # fmt: skip
    return out, warnings


def _readable(definition: FieldDef, text: str, lookups: Lookups, ctx: F.Context) -> bool:
    try:
        F.clean_value(definition, convert(definition, text, lookups)[0], ctx)
    except F.FieldError:
        return False
    return True


def missing_required(mapping: Mapping[str, str], defs: Iterable[FieldDef]) -> list[FieldDef]:
    """The required fields no column fills (a split field needs its first part)."""
    filled = {target.split(".")[0] for target in mapping.values() if not target.endswith((".lon", ".fin"))}
    return [d for d in defs if d.required and d.key not in filled]


@dataclass
class Converted:
    """One row read through a mapping: values by field key, identifier, problems by column, warnings, the rest."""

    line: int
    values: dict[str, Any] = field(default_factory=dict)
    remote: str | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    stored: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        """The French reason the row is refused: each column's problem, « colonne « X » : … » joined."""
        return " ; ".join(f"colonne « {column} » : {text}" if column else text for column, text in self.problems)


class RowReader:
    """Read rows through a mapping: convert each mapped cell, then check them as the record services will."""

    def __init__(self, header: list[str], mapping: Mapping[str, str], defs: list[FieldDef], lookups: Lookups,
                 ctx: F.Context) -> None:  # fmt: skip
        self.header, self.lookups, self.ctx = header, lookups, ctx
        self.by_key = {d.key: d for d in defs}
        self.columns = [(header.index(column), column, target) for column, target in mapping.items()]
        self.checked = [d for d in defs if d.key in {t.split(".")[0] for t in mapping.values()}]
        # The column a field's problems are said of: its own, or its first part's (latitude, start).
        self.source = {target.split(".")[0]: column for column, target in reversed(list(mapping.items()))}
        self.unmapped = [(index, column) for index, column in enumerate(header) if column not in mapping]

    def read(self, row: Row, *, check: bool = True) -> Converted:
        """Convert a row's mapped cells; with ``check``, also as the services will (clean values in ``stored``)."""
        out = Converted(row.line)
        if len(row.cells) > len(self.header) and any(cell.strip() for cell in row.cells[len(self.header) :]):
            out.problems.append(("", f"{len(row.cells)} cellules pour {len(self.header)} colonnes : séparateur "
                                     "ou guillemet en trop dans la ligne ?"))  # fmt: skip
            return out
        parts: dict[str, dict[str, str]] = {}
        for index, column, target in self.columns:
            text = row.cells[index]
            if (problem := control_message(text)) is not None:
                out.problems.append((column, problem))
            elif target == ID:
                out.remote = text.strip() or None
            elif "." in target:
                name, part = target.split(".", 1)
                parts.setdefault(name, {})[part] = text
            else:
                self._convert(out, column, self.by_key[target], text)
        for name, given in parts.items():
            self._assemble(out, self.by_key[name], given)
        out.extra = {column: row.cells[index] for index, column in self.unmapped if row.cells[index].strip()}
        if check and not out.problems:
            self._check(out)
        return out

    def _convert(self, out: Converted, column: str, definition: FieldDef, text: str) -> None:
        try:
            value, warnings = convert(definition, text, self.lookups)
        except F.FieldError as error:
            out.problems.append((column, error.message))
            return
        out.values[definition.key] = value
        out.warnings += [f"colonne « {column} » : {warning}" for warning in warnings]

    def _assemble(self, out: Converted, definition: FieldDef, given: dict[str, str]) -> None:
        column = self.source[definition.key]
        try:
            if definition.type == "schedule":
                out.values[definition.key] = schedule_from_parts(given.get("debut", ""), given.get("fin", ""))
                return
            lat, lon = given.get("lat", "").strip(), given.get("lon", "").strip()
            if not lat and not lon:
                out.values[definition.key] = None
                return
            if not lat or not lon:
                raise F.FieldError("latitude ou longitude manquante.")
            value, warnings = point(float(parse_french_number(lat)), float(parse_french_number(lon)))
        except F.FieldError as error:
            out.problems.append((column, error.message))
            return
        out.values[definition.key] = value
        out.warnings += [f"colonne « {column} » : {warning}" for warning in warnings]

    def _check(self, out: Converted) -> None:
        """Clean the values as the services will, keep them by key, and report their refusals by column."""
        data, errors = F.clean_record(self.checked, out.values, self.ctx)
        out.problems += [(self.source.get(k, k), message) for k, message in errors.items()]
        out.stored = {d.key: data[d.id] for d in self.checked if d.id in data}
