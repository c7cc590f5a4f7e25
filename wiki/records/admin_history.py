"""What changed between two revisions of a form, field by field, for its history page.

Pure: compares the JSON snapshots stored in ``RecordRevision`` (kind ``form``),
matching fields by their stable id so renames and retypes read as such.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SchemaChange:
    """One difference between two snapshots of a form, for its history."""

    kind: str  # added, removed, renamed, retyped, relabelled, settings, reordered, title, description, title_field
    key: str = ""
    old: Any = None
    new: Any = None


def snapshot_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> list[SchemaChange]:
    """Compare two snapshots of a form field by field (fields are matched by their stable id)."""
    old = old or {"fields": []}
    changes = [SchemaChange(name, "", old.get(name), new.get(name)) for name in ("title", "description", "title_field")
               if old.get(name) is not None and old.get(name) != new.get(name)]  # fmt: skip
    before = {f.get("id"): f for f in old.get("fields") or []}
    after = {f.get("id"): f for f in new.get("fields") or []}
    for f in new.get("fields") or []:
        b = before.get(f.get("id"))
        if b is None:
            changes.append(SchemaChange("added", f.get("key", ""), None, f.get("type")))
            continue
        if b.get("key") != f.get("key"):
            changes.append(SchemaChange("renamed", f.get("key", ""), b.get("key"), f.get("key")))
        if b.get("type") != f.get("type"):
            changes.append(SchemaChange("retyped", f.get("key", ""), b.get("type"), f.get("type")))
        if b.get("label") != f.get("label"):
            changes.append(SchemaChange("relabelled", f.get("key", ""), b.get("label"), f.get("label")))
        settings = tuple(
            n
            for n in ("required", "visibility", "personal", "consent_field", "help", "options")
            if b.get(n) != f.get(n)
        )
        if settings:
            changes.append(SchemaChange("settings", f.get("key", ""), None, settings))
    changes += [
        SchemaChange("removed", f.get("key", ""), f.get("label"), None)
        for f in old.get("fields") or []
        if f.get("id") not in after
    ]
    common_before = [i for i in before if i in after]
    if common_before != [i for i in after if i in before]:
        changes.append(SchemaChange("reordered"))
    return changes
