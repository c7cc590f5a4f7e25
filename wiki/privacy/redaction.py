"""What an erasure takes out of records: the values of personal fields, found in forms and their history.

A field counts as personal for a form if it is flagged ``personal`` now or
was in any stored definition of that form (a flag removed since still
marked what people typed then). Values are taken out of a record's values
(the key is removed, as if never filled in); the record's title too when
the form's title field is personal. Service layer: reads with the session
it is given, writes nothing.
"""

from __future__ import annotations

from collections import abc
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.records.models import Form
from wiki.revisions import Revision


@dataclass
class PersonalFields:
    """The ids of the personal fields of each form, and the forms whose title is a personal value."""

    by_form: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    personal_titles: set[int] = field(default_factory=set)
    titles: dict[int, str] = field(default_factory=dict)

    def add_definition(self, form_id: int, fields: Any, title_field: Any) -> None:
        """Count the personal fields of one stored definition of a form."""
        for item in fields if isinstance(fields, list) else []:
            if isinstance(item, abc.Mapping) and item.get("personal") and isinstance(item.get("id"), str):
                self.by_form[form_id].add(item["id"])
                if item.get("key") == title_field:
                    self.personal_titles.add(form_id)

    def of(self, form_id: int) -> set[str]:
        """Return the personal field ids of a form (empty when it has none)."""
        return self.by_form.get(form_id, set())

    def placeholder_title(self, form_id: int, record_id: int) -> str:
        """The title a record shows when its title was a personal value (« Fiches n° 12 »)."""
        return f"{self.titles.get(form_id, '')} n° {record_id}".strip()


def personal_fields(db: Session) -> PersonalFields:
    """Read which fields of each form are (or were) personal, from the forms and their revisions."""
    found = PersonalFields()
    for form_id, title, fields, title_field in db.execute(select(Form.id, Form.title, Form.fields, Form.title_field)):
        found.titles[form_id] = title
        found.add_definition(form_id, fields, title_field)
    history = select(Revision.object_id, Revision.snapshot).where(Revision.kind == "form")
    for form_id, snapshot in db.execute(history.execution_options(yield_per=200)):
        if isinstance(snapshot, abc.Mapping):
            found.add_definition(form_id, snapshot.get("fields"), snapshot.get("title_field"))
    return found


def redact_data(data: Any, personal: set[str]) -> dict[str, Any] | None:
    """Return ``data`` (values by field id) without its personal values, or None when it holds none."""
    if not isinstance(data, abc.Mapping) or not any(data.get(ident) not in (None, "", []) for ident in personal):
        return None
    return {key: value for key, value in data.items() if key not in personal}


def redact_snapshot(snapshot: Any, personal: set[str], *, title: str | None = None) -> dict[str, Any] | None:
    """Return a record revision's snapshot without personal values, or None when there is nothing to take out.

    ``title``: the placeholder title when the form's title field is personal.
    """
    if not isinstance(snapshot, abc.Mapping):
        return None
    data = redact_data(snapshot.get("data"), personal)
    retitle = title is not None and snapshot.get("title") not in (None, title)
    if data is None and not retitle:
        return None
    out = dict(snapshot)
    if data is not None:
        out["data"] = data
    if retitle:
        out["title"] = title
    return out
