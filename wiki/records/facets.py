"""The rows lists filter on, derived from a record's values: facet values and folded search text.

Record and form services call these after every change of values, status or
field visibility; :mod:`wiki.records.queries` reads what they write. Only
values every visitor may read are derived (consent never counts: a facet
count would tell what an unticked box hides). Service layer: no request
globals, no projections.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.db import BY_KEY
from wiki.records import disclosure as D
from wiki.records import display
from wiki.records import fields as F
from wiki.records import references
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet

#: Field types whose values are indexed as facets.
FACET_TYPES = ("choice", "multichoice", "theme", "zone", "boolean")


def refresh_record(db: Session, record: Record, defs: list[F.FieldDef], *, fresh: bool = False) -> None:
    """Refresh the derived facet rows and search text of a record.

    ``fresh``: just created, with its :func:`search_text` already (no rows to delete, nothing to update).
    """
    if not fresh:
        db.execute(delete(RecordFacet).where(RecordFacet.record_id == record.id), execution_options=BY_KEY)
        # Read before the facet rows are added: the query's autoflush then leaves them to the next flush.
        record.search_text = search_text(db, defs, record.data)
    db.add_all(RecordFacet(record_id=record.id, field_id=f, value=v) for f, v in facet_values(defs, record))


def facet_values(defs: list[F.FieldDef], record: Record) -> list[tuple[str, str]]:
    """The ``(field id, value)`` facet rows of a record, sorted (its status included)."""
    rows = set()
    for field in defs:
        if field.type not in FACET_TYPES or not D.shows_always(field):
            continue
        value = record.data.get(field.id)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None or item == "":
                continue
            rows.add((field.id, str(item).lower() if isinstance(item, bool) else str(item)[:200]))
    rows.add(("status", record.status))
    return sorted(rows)


def search_text(
    db: Session, defs: list[F.FieldDef], data: dict[str, Any], *, names: references.Names | None = None
) -> str:
    """The search text of values ``data`` (keyed by field id), stored in ``Record.search_text``.

    Stored folded (no case, no accents) so the list's text filter matches
    "numerique" and "Numérique" alike with a plain substring test.
    Communes and linked records are found by name (« redon »), as they are shown.
    ``names``: those already read for a batch of values (:func:`wiki.records.references.names_for`).
    """
    if names is None:
        names = references.names_for(db, defs, [data])
    return F.fold(display.search_text(defs, data, names=names))


def refresh_form(db: Session, form: Form, defs: list[F.FieldDef]) -> None:
    """Refresh the facet rows and search text of every live record of a form whose readers changed.

    Otherwise a list's text filter or facet counts would still find a value
    made private, or a personal value whose consent box no longer counts.
    """
    for record in db.scalars(select(Record).where(Record.form_id == form.id, Record.deleted_at.is_(None))):
        refresh_record(db, record, defs)
