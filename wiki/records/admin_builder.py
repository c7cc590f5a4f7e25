"""The field builder's rows: flat ``fields-N-…`` inputs <-> field definitions.

The builder needs no JavaScript: each field is a row of plain inputs named
``fields-N-…``; « Monter » / « Descendre » are submit buttons (``move=N:up``)
that reorder and re-render *without* saving, « Modifier » (``open=N``) opens
one field's settings the same way. A closed row posts only
``fields-N-kept`` (its field id) and its position: its settings are read back
from the stored definition, so the page carries one field's inputs at a time
(a closed row edited but not saved yet posts all its values, hidden). The
helpers here turn the flat inputs into field definitions for the services and
back, and attach the services' refusals to the rows they name. Request-free:
the view in ``admin_forms`` passes them the posted data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records import values as val
from wiki.records.admin_inputs import BLANK_ROWS
from wiki.records.admin_inputs import clean_text
from wiki.records.admin_inputs import items_text
from wiki.records.admin_inputs import parse_items
from wiki.records.admin_inputs import row_indexes
from wiki.records.admin_inputs import slug_key

#: Options each type exposes in the builder; other options of a field are kept as they were.
EXPOSED_OPTIONS: dict[str, tuple[str, ...]] = {
    "text": ("max_length",),
    "longtext": ("max_length",),
    "number": ("unit", "min", "max"),
    "date": ("min", "max"),
    "datetime": ("min", "max"),
    "choice": ("list", "choices"),
    "multichoice": ("list", "choices"),
    "zone": ("multiple",),
}
OPTION_NAMES = frozenset(name for names in EXPOSED_OPTIONS.values() for name in names)
ROW_TEXTS = (
    "id",
    "key",
    "label",
    "type",
    "help",
    "visibility",
    "consent",
    "position",
    "list",
    "choices",
    "unit",
    "max_length",
    "min",
    "max",
)
ROW_CHECKS = ("required", "personal", "delete", "multiple")
_FIELD_NO_RE = re.compile(r"Champ ([0-9]{1,4})\b")
_MOVE_RE = re.compile(r"([0-9]{1,4}):(up|down)\Z")


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, bool) else str(value)


def _row(n: int, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {name: "" for name in ROW_TEXTS} | {name: False for name in ROW_CHECKS}
    row.update(values, n=n, errors=[])
    # Blank: nothing typed but the type or position; a half-filled row goes to the service and comes back refused.
    row["blank"] = not any(
        row[name] for name in (*ROW_TEXTS, *ROW_CHECKS) if name not in ("type", "visibility", "position", "delete")
    )
    return row


def blank_row(n: int) -> dict[str, Any]:
    """Return an empty « Ajouter un champ » row."""
    return _row(n, type="text", visibility="public")


def rows_from_fields(defs: list[F.FieldDef]) -> list[dict[str, Any]]:
    """Return builder rows for the fields of a form, in order.

    A consent box is named by its field's internal id (as the title field
    is), so renaming its key in the same save keeps the link.
    """
    ids = {d.key: d.id for d in defs}
    rows = []
    for n, d in enumerate(defs):
        opts = d.options
        consent = ids.get(d.consent_field, d.consent_field) if d.consent_field else ""
        rows.append(_row(
            n, id=d.id, key=d.key, label=d.label, type=d.type, help=d.help, required=d.required,
            visibility=d.visibility, personal=d.personal, consent=consent, position=str(n + 1), list=_text(opts.get("list")),
            choices=items_text(opts.get("choices")), unit=_text(opts.get("unit")), max_length=_text(opts.get("max_length")),
            min=_text(opts.get("min")), max=_text(opts.get("max")), multiple=bool(opts.get("multiple")),
        ))  # fmt: skip
    return rows


def _position(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 6 else 10**6


def parse_rows(data: Mapping[str, Any], stored: Mapping[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Read the builder rows of a submission, sorted by their « position » input (ties keep page order).

    A closed row (``fields-N-kept``: a field id) takes its values from
    ``stored`` (rows by field id; an unknown id is dropped), only its position
    from the submission. A new row with a label and no key gets a key
    suggested from its label.
    """
    rows = []
    stored = stored or {}
    for n in row_indexes(data, "fields"):
        kept = clean_text(str(data.get(f"fields-{n}-kept", "")))
        if kept:
            if kept in stored:
                position = clean_text(str(data.get(f"fields-{n}-position", "")))
                rows.append(dict(stored[kept], n=n, errors=[], position=position, kept=True))
            continue
        texts = {name: clean_text(str(data.get(f"fields-{n}-{name}", ""))) for name in ROW_TEXTS}
        checks = {name: f"fields-{n}-{name}" in data for name in ROW_CHECKS}
        if not texts["id"] and not texts["key"] and texts["label"]:
            texts["key"] = slug_key(texts["label"])
        rows.append(_row(n, **texts, **checks) | {"open": f"fields-{n}-open" in data})
    rows.sort(key=lambda r: (r["blank"], _position(r["position"])))
    return rows


def row_changed(row: Mapping[str, Any], stored: Mapping[str, dict[str, Any]]) -> bool:
    """Whether a saved field's row differs from its stored definition (its position aside)."""
    before = stored.get(row["id"])
    if before is None:
        return True
    return any(row[name] != before[name] for name in (*ROW_TEXTS, *ROW_CHECKS) if name != "position")


def renumber(rows: list[dict[str, Any]], blanks: int = BLANK_ROWS) -> list[dict[str, Any]]:
    """Number rows 0… again (inputs and positions), keeping ``blanks`` empty rows at the end."""
    kept = [r for r in rows if not r["blank"]]
    kept += [blank_row(0) for _ in range(blanks)]
    for n, row in enumerate(kept):
        row["n"] = n
        if not row["blank"]:
            row["position"] = str(n + 1)
    return kept


def move_row(rows: list[dict[str, Any]], move: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Apply a « Monter » / « Descendre » button (``N:up``, ``N:down``); return the rows and the moved one."""
    match = _MOVE_RE.match(move or "")
    if match is None:
        return rows, None
    kept = [r for r in rows if not r["blank"]]
    index = next((i for i, r in enumerate(kept) if r["n"] == int(match.group(1))), None)
    if index is None:
        return rows, None
    other = index - 1 if match.group(2) == "up" else index + 1
    if 0 <= other < len(kept):
        kept[index], kept[other] = kept[other], kept[index]
    return kept + [r for r in rows if r["blank"]], kept[other] if 0 <= other < len(kept) else kept[index]


def _int_or_raw(raw: str) -> Any:
    return int(raw) if raw.isdigit() and len(raw) < 12 else raw


def _number_or_raw(raw: str) -> Any:
    try:
        return val.parse_number(raw)
    except val.FieldError:
        return raw  # the schema refuses it with its own message


def field_from_row(
    row: Mapping[str, Any], old: Mapping[str, F.FieldDef], keys: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Turn one builder row into a field definition for the services.

    Options the builder does not show (``integer``, ``kinds``, ``levels``…) are
    kept while the type stays the same. ``keys`` gives the key each row id
    is saved under, to name the consent box by its key (a row without id is
    named by its key already).
    """
    kind = row["type"]
    field: dict[str, Any] = {
        "key": row["key"], "type": kind, "label": row["label"], "help": row["help"], "required": row["required"],
        "visibility": row["visibility"] or "public", "personal": row["personal"],
    }  # fmt: skip
    if row["consent"]:
        field["consent_field"] = (keys or {}).get(row["consent"], row["consent"])
    if row["id"]:
        field["id"] = row["id"]
    before = old.get(row["id"])
    exposed = EXPOSED_OPTIONS.get(kind, ())
    options = {k: v for k, v in before.options.items() if k not in exposed} if before and before.type == kind else {}
    if "max_length" in exposed and row["max_length"]:
        options["max_length"] = _int_or_raw(row["max_length"])
    if "unit" in exposed and row["unit"]:
        options["unit"] = row["unit"]
    for name in ("min", "max"):
        if name in exposed and row[name]:
            options[name] = _number_or_raw(row[name]) if kind == "number" else row[name]
    if "list" in exposed and row["list"]:
        options["list"] = row["list"]
    if "choices" in exposed and row["choices"]:
        options["choices"] = parse_items(row["choices"])
    if "multiple" in exposed and row["multiple"]:
        options["multiple"] = True
    if options:
        field["options"] = options
    return field


def spread_errors(err: ValidationError, saved: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Attach the service's messages to the rows they name; return every message with its anchor.

    The schema names fields « Champ N » by their place in the submitted list;
    type-change refusals start with the field's « label ».
    """
    messages: list[tuple[str, str]] = []
    for name, text in err.errors.items():
        for part in text.split(" ; ") if name == "fields" else [text]:
            anchor = {"title": "form-title", "title_field": "form-title-field", "key": "form-key"}.get(name, "champs")
            match = _FIELD_NO_RE.match(part)
            number = int(match.group(1)) if match else 0
            row = (
                saved[number - 1]
                if 0 < number <= len(saved)
                else next((r for r in saved if r["label"] and part.startswith(f"« {r['label']} »")), None)
            )
            if row is not None:
                row["errors"].append(part)
                anchor = f"f-{row['n']}"
            messages.append((part, anchor))
    return messages


def error_targets(messages: list[str]) -> set[str]:
    """Guess which inputs of a row its messages are about (for ``aria-invalid``)."""
    text = " ".join(messages).lower()
    targets = {name for word, name in (("clé", "key"), ("libellé", "label"), ("type", "type"), ("aide", "help"),
                                       ("visibilité", "visibility"), ("identifiant", "key"), ("consentement", "consent"))
               if word in text}  # fmt: skip
    for option in OPTION_NAMES:
        if f"« {option} »" in text:
            targets.add(option)
    if "choix" in text:
        targets.add("choices")
    return targets or {"key"}
