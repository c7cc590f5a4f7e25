"""Check a spreadsheet against a Table Schema (frictionless v1, as schema.data.gouv.fr publishes them).

:func:`load_schema` reads a schema (a path, JSON text or a parsed dict);
:meth:`TableSchema.check_header` says which of its fields the file lacks (a
required one makes the import impossible) and which columns it does not
know; :meth:`TableSchema.check_row` gives, per column, the French reason a
row breaks it. What is checked: the types ``string`` (formats ``email``,
``uri``, ``uuid``), ``integer``, ``number`` (``decimalChar``, ``groupChar``,
``bareNumber``), ``boolean`` (``trueValues``/``falseValues``), ``date``,
``datetime``, ``time`` (ISO by default, ``any``, or a ``strptime`` format),
``year``, ``geopoint`` (``default``, ``array``, ``object``), ``object``,
``array`` and ``geojson``; the constraints ``required``, ``unique``,
``pattern``, ``enum``, ``minLength``, ``maxLength``, ``minimum`` and
``maximum``; the schema's ``missingValues``. Other keys (``custom_checks``…)
are left out, said in a warning.

Pure module: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from importers.features import FormatError

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_URI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:\S+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_YEAR = re.compile(r"-?\d{4}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_FORMAT = {"date": "AAAA-MM-JJ", "datetime": "AAAA-MM-JJThh:mm:ss", "time": "hh:mm:ss"}
_NOT_CHECKED = ("custom_checks", "foreignKeys")


class TableSchemaError(FormatError):
    """A schema that cannot be used; ``message`` says why, in French."""


@dataclass
class SchemaField:
    """One field of a Table Schema: its name, type, format, options and constraints."""

    name: str
    type: str = "string"
    format: str = "default"
    constraints: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    @property
    def required(self) -> bool:
        """Whether a value is required (``constraints.required``)."""
        return bool(self.constraints.get("required"))


def _number(text: str, options: Mapping[str, Any], integer: bool) -> int | float | None:
    clean = text.replace(options["groupChar"], "") if options.get("groupChar") else text
    if not integer and options.get("decimalChar", ".") != ".":
        clean = clean.replace(options["decimalChar"], ".")
    if options.get("bareNumber") is False:  # « 15 % », « 12 € »: the number inside
        clean = re.sub(r"^[^\d+-]+|[^\d]+$", "", clean)
    try:
        return int(clean) if integer else float(clean)
    except ValueError:
        return None


def _moment(kind: str, text: str, fmt: str) -> Any:
    if fmt not in ("default", "any", ""):
        parsed = dt.datetime.strptime(text, fmt)
        return parsed.date() if kind == "date" else parsed.time() if kind == "time" else parsed
    if kind == "date":
        return dt.date.fromisoformat(text) if fmt == "any" or _DATE.fullmatch(text) else None
    if kind == "time":
        return dt.time.fromisoformat(text)
    return dt.datetime.fromisoformat(text)


def _geopoint(text: str, fmt: str) -> tuple[float, float] | None:
    try:
        if fmt == "array":
            value = json.loads(text)
            lon, lat = (float(v) for v in value)
        elif fmt == "object":
            value = json.loads(text)
            lon, lat = float(value["lon"]), float(value["lat"])
        else:
            lon, lat = (float(v) for v in text.split(","))
    except (ValueError, TypeError, KeyError):
        return None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


def _json(text: str, kind: type) -> Any:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, kind) else None


def _boolean(text: str, options: Mapping[str, Any]) -> bool | None:
    if text in (options.get("trueValues") or ("true", "True", "TRUE", "1")):
        return True
    if text in (options.get("falseValues") or ("false", "False", "FALSE", "0")):
        return False
    return None


_CASTS: dict[str, Callable[[SchemaField, str], Any]] = {
    "string": lambda f, t: t,
    "any": lambda f, t: t,
    "integer": lambda f, t: _number(t, f.options, True),
    "number": lambda f, t: _number(t, f.options, False),
    "boolean": lambda f, t: _boolean(t, f.options),
    "date": lambda f, t: _moment("date", t, f.format),
    "datetime": lambda f, t: _moment("datetime", t, f.format),
    "time": lambda f, t: _moment("time", t, f.format),
    "year": lambda f, t: int(t) if _YEAR.fullmatch(t) else None,
    "geopoint": lambda f, t: _geopoint(t, f.format),
    "object": lambda f, t: _json(t, dict),
    "geojson": lambda f, t: _json(t, dict),
    "array": lambda f, t: _json(t, list),
}
_EXPECTED = {"integer": "un nombre entier", "number": "un nombre", "boolean": "vrai ou faux", "year": "une année",
             "geopoint": "un point « longitude, latitude »", "object": "un objet JSON", "geojson": "du GeoJSON",
             "array": "une liste JSON"}  # fmt: skip


def _readable(fmt: str) -> str:
    """A ``strptime`` format as French people read it: ``%d/%m/%Y`` → ``JJ/MM/AAAA``."""
    for code, shown in (("%Y", "AAAA"), ("%m", "MM"), ("%d", "JJ"), ("%H", "hh"), ("%M", "mm"), ("%S", "ss")):
        fmt = fmt.replace(code, shown)
    return fmt


def _quote(text: str) -> str:
    return f"« {text[:60]}{'…' if len(text) > 60 else ''} »"


@dataclass
class TableSchema:
    """A parsed Table Schema: its fields, missing values, title, and what of it goes unchecked."""

    fields: list[SchemaField]
    missing_values: frozenset[str] = frozenset({""})
    title: str = ""
    warnings: list[str] = field(default_factory=list)
    _seen: dict[str, dict[Any, int]] = field(default_factory=dict, init=False, repr=False)

    def check_header(self, header: list[str]) -> tuple[list[str], list[str]]:
        """(errors, warnings) about the columns: a required field absent is an error, others warnings."""
        names = set(header)
        missing = [f for f in self.fields if f.name not in names]
        errors = [f"colonnes exigées par le schéma absentes : {', '.join(f.name for f in missing if f.required)}."]
        warnings = list(self.warnings)
        if optional := [f.name for f in missing if not f.required]:
            warnings.append(f"colonnes du schéma absentes du fichier : {', '.join(optional)}.")
        if unknown := [name for name in header if name not in {f.name for f in self.fields}]:
            warnings.append(f"colonnes inconnues du schéma : {', '.join(unknown[:20])}.")
        return (errors if any(f.required for f in missing) else []), warnings

    def check_row(self, header: list[str], cells: list[str], line: int) -> list[tuple[str, str]]:
        """The schema's refusals of one row: (column, French reason) pairs."""
        problems = []
        for schema_field in self.fields:
            if schema_field.name not in header:
                continue
            index = header.index(schema_field.name)
            text = cells[index] if index < len(cells) else ""
            message = self._check(schema_field, text, line)
            if message:
                problems.append((schema_field.name, f"{message} (schéma)"))
        return problems

    def _check(self, schema_field: SchemaField, text: str, line: int) -> str | None:
        constraints = schema_field.constraints
        if text in self.missing_values:
            return "valeur obligatoire manquante" if schema_field.required else None
        try:
            value = _CASTS.get(schema_field.type, _CASTS["any"])(schema_field, text)
        except (ValueError, TypeError):
            value = None
        if value is None:
            return self._type_message(schema_field, text)
        if schema_field.format == "email" and not _EMAIL.fullmatch(text):
            return f"{_quote(text)} n'est pas une adresse e-mail"
        if schema_field.format == "uri" and not _URI.fullmatch(text):
            return f"{_quote(text)} n'est pas une adresse (URI)"
        if schema_field.format == "uuid" and not _UUID.fullmatch(text):
            return f"{_quote(text)} n'est pas un UUID"
        if schema_field.pattern is not None and not schema_field.pattern.fullmatch(text):
            return f"{_quote(text)} ne suit pas le motif attendu {_quote(schema_field.pattern.pattern)}"
        enum = constraints.get("enum")
        if isinstance(enum, list) and text not in [str(v) for v in enum] and value not in enum:
            allowed = ", ".join(_quote(str(v)) for v in enum[:8])
            return f"{_quote(text)} n'est pas une valeur permise ({allowed})"
        if "minLength" in constraints and len(text) < constraints["minLength"]:
            return f"{_quote(text)} : {constraints['minLength']} caractères au moins"
        if "maxLength" in constraints and len(text) > constraints["maxLength"]:
            return f"{_quote(text)} : {constraints['maxLength']} caractères au plus"
        for name, word, wrong in (
            ("minimum", "au moins", lambda v, b: v < b),
            ("maximum", "au plus", lambda v, b: v > b),
        ):
            if name in constraints and isinstance(value, (int, float)) and wrong(value, constraints[name]):
                return f"{_quote(text)} : {word} {constraints[name]} attendu"
        if constraints.get("unique"):
            seen = self._seen.setdefault(schema_field.name, {})
            if value in seen:
                return f"{_quote(text)} déjà vu ligne {seen[value]} (valeur unique attendue)"
            seen[value] = line
        return None

    def _type_message(self, schema_field: SchemaField, text: str) -> str:
        if schema_field.type in _ISO_FORMAT:
            fmt = schema_field.format
            shown = _ISO_FORMAT[schema_field.type] if fmt in ("default", "any", "") else _readable(fmt)
            return f"{_quote(text)} n'est pas au format {shown}"
        return f"{_quote(text)} : {_EXPECTED.get(schema_field.type, 'valeur')} attendu"


def _field(raw: Any, warnings: list[str]) -> SchemaField:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
        raise TableSchemaError("schéma illisible : chaque champ doit avoir un nom (« name »).")
    given = raw.get("constraints")
    constraints: dict[str, Any] = given if isinstance(given, dict) else {}
    options = {k: raw[k] for k in ("decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues") if k in raw}
    compiled = None
    if isinstance(constraints.get("pattern"), str):
        try:
            compiled = re.compile(constraints["pattern"])
        except re.error:
            warnings.append(f"champ « {raw['name']} » : motif non vérifié (syntaxe non reconnue).")
    return SchemaField(raw["name"], str(raw.get("type") or "string"), str(raw.get("format") or "default"),
                       constraints, options, compiled)  # fmt: skip


def load_schema(source: str | Path | Mapping[str, Any]) -> TableSchema:
    """Read a Table Schema from a path, JSON text or an already parsed dict.

    :raises TableSchemaError: unreadable, a data package instead of a schema, or without fields.
    """
    raw: Any = source
    if isinstance(source, (str, Path)):
        text = str(source)
        try:
            raw = json.loads(text if text.lstrip().startswith("{") else Path(source).read_text(encoding="utf-8"))
        except OSError:
            raise TableSchemaError(f"schéma introuvable : {text[:200]}.") from None
        except (ValueError, RecursionError) as error:
            raise TableSchemaError(f"schéma illisible : JSON invalide ({error}).") from None
    if not isinstance(raw, Mapping):
        raise TableSchemaError("schéma illisible : un objet JSON est attendu.")
    if "resources" in raw and "fields" not in raw:
        raise TableSchemaError("c'est un paquet de données (datapackage.json), pas un schéma : indiquez le "
                               "schéma de la ressource (schema….json).")  # fmt: skip
    if not isinstance(raw.get("fields"), list) or not raw["fields"]:
        raise TableSchemaError("schéma illisible : la liste des champs (« fields ») manque.")
    warnings = [f"schéma : « {name} » non vérifié." for name in _NOT_CHECKED if raw.get(name)]
    fields = [_field(item, warnings) for item in raw["fields"]]
    missing = raw.get("missingValues")
    missing_values = frozenset(str(v) for v in missing) if isinstance(missing, list) else frozenset({""})
    return TableSchema(fields, missing_values, str(raw.get("title") or raw.get("name") or ""), warnings)
