"""Presentation helpers for record forms: values as HTML inputs expect them.

Pure functions (no Flask): stored values become the strings the inputs
show (``12,5``; a date and a time input for ``2026-05-02T14:00``), choice fields get their
``(value, label)`` options from inline choices, shared lists or themes, and
personal fields and consent boxes say who will read what (:func:`privacy_notes`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wiki.agenda.builder import BUILDER_PARTS
from wiki.agenda.builder import form_from_rrule
from wiki.records.disclosure import Disclosure
from wiki.records.fields import FieldDef

MULTI = ("multichoice", "theme")


def widget_value(field: FieldDef, value: Any) -> Any:
    """Return what the input of ``field`` shows for a stored ``value``."""
    if value is None:
        return [] if field.type in MULTI else schedule_parts(None) if field.type == "schedule" else ""
    if field.type == "schedule":
        return schedule_parts(value)
    if field.type == "number":
        return str(value).replace(".", ",")
    if field.type == "datetime" and isinstance(value, str):
        return {"date": value[:10], "time": value[11:16]}
    if field.type == "geometry":
        if isinstance(value, dict) and value.get("type") == "Point":
            lon, lat = value["coordinates"][:2]
            return f"{lat}, {lon}"
        return json.dumps(value, ensure_ascii=False)
    if field.type == "zone" and isinstance(value, list):
        return [str(item) for item in value]
    if field.type in ("file", "image"):
        return value
    if field.type == "link" and isinstance(value, dict):
        return str(value.get("record_id") or "")
    return value


def initial_values(fields: Sequence[FieldDef], data: Mapping[str, Any]) -> dict[str, Any]:
    """Map stored values (by field id) to input values (by field key)."""
    return {f.key: widget_value(f, data.get(f.id)) for f in fields}


def submitted_values(fields: Sequence[FieldDef], form: Any) -> dict[str, Any]:
    """Map a submitted HTML form back to input values, to show them again."""
    values: dict[str, Any] = {}
    for f in fields:
        if f.type in MULTI or (f.type == "zone" and f.options.get("multiple")):
            values[f.key] = form.getlist(f.key)
        elif f.type == "schedule":
            values[f.key] = {
                part: form.get(f"{f.key}_{part}", "")
                for part in ("start", "end", "all_day", "timezone", "rrule", "rdates", *_DAY_AND_TIME)
            }
            values[f.key].update(_split_moments(values[f.key]))
            values[f.key].update({part: form.get(f"{f.key}_{part}", "") for part in BUILDER_PARTS if part != "byday"})
            values[f.key]["byday"] = form.getlist(f"{f.key}_byday")
        elif f.type == "datetime" and f.key not in form:
            values[f.key] = {part: form.get(f"{f.key}_{part}", "") for part in ("date", "time")}
        else:
            values[f.key] = form.get(f.key, "")
    return values


def schedule_parts(value: Any) -> dict[str, str]:
    """Split a stored schedule into the strings of its inputs (recurrence builder included)."""
    if not isinstance(value, Mapping):
        empty = dict.fromkeys(("start", "end", "all_day", "timezone", "rdates", *_DAY_AND_TIME), "")
        return {**empty, **form_from_rrule(None)}
    parts = {
        "start": str(value.get("start") or ""),
        "end": str(value.get("end") or ""),
        "all_day": "on" if value.get("all_day") in (True, "on", "1") else "",
        "timezone": str(value.get("timezone") or ""),
        "rdates": " ".join(str(x) for x in value.get("rdates") or ()),
        **form_from_rrule(value),
    }
    return parts | _split_moments(parts)


#: The date and time inputs of a schedule's start and end.
_DAY_AND_TIME = ("start_date", "start_time", "end_date", "end_time")


def _split_moments(parts: Mapping[str, str]) -> dict[str, str]:
    """The date and time inputs' values of a start and an end written whole (``2026-05-02T14:00``).

    Inputs already given separately are kept as typed (the user's text comes back on a refusal).
    """
    out: dict[str, str] = {}
    for part in ("start", "end"):
        whole = parts.get(part) or ""
        day, _, time = whole.partition("T")
        out[f"{part}_date"] = parts.get(f"{part}_date") or day
        out[f"{part}_time"] = parts.get(f"{part}_time") or time[:5]
    return out


def options_for(
    field: FieldDef, lists: Mapping[str, Sequence[Mapping[str, str]]], themes: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Return the ``(value, label)`` options of a choice or theme field."""
    if field.type == "theme":
        return list(themes)
    if "choices" in field.options:
        return [(c["value"], c["label"]) for c in field.options["choices"]]
    key = field.options.get("list")
    items = lists.get(key, []) if isinstance(key, str) else []
    return [(item["value"], item["label"]) for item in items]


@dataclass(frozen=True)
class PrivacyNote:
    """What a contributor is told under a field: who reads a personal value, or what a consent box publishes.

    ``kind`` is ``personal`` (``box``: the label of its consent box, empty
    without one; ``visibility``: who reads it once consented) or ``consent``
    (``fields``: the labels of the personal fields the box publishes).
    """

    kind: str
    box: str = ""
    visibility: str = "private"
    fields: tuple[str, ...] = ()


def privacy_notes(fields: Sequence[FieldDef]) -> dict[str, PrivacyNote]:
    """Return, by field key, the privacy note of each personal field and each consent box of a form."""
    rule = Disclosure(fields)
    notes: dict[str, PrivacyNote] = {}
    for field in fields:
        if field.personal:
            box = rule.consent_field(field)
            notes[field.key] = PrivacyNote("personal", box.label if box else "", field.visibility if box else "private")
    for box in rule.consent_fields():
        covered = tuple(
            field.label for field in fields if (mine := rule.consent_field(field)) is not None and mine.id == box.id
        )
        notes[box.key] = PrivacyNote("consent", fields=covered)
    return notes
