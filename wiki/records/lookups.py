"""Records and forms as the other domains' derived stores read them: the map, the zone pages, the agenda.

``geodata`` keeps a projection of every located record (``RecordGeometry``)
and joins it back to records: it reaches them through these functions, never
through the records' tables (issue 12), so the rule of what a live record is
(not deleted) stays here. Subqueries are returned as ``Select`` objects, so
a caller's query still runs as one statement. No request globals (STYLE R6).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet


def all_forms(db: Session, *, ids: Iterable[int] | None = None, live: bool = False) -> list[Form]:
    """Return forms (only those of ``ids``; only the ones not deleted when ``live``), by id."""
    query = select(Form).order_by(Form.id)
    if ids is not None:
        query = query.where(Form.id.in_(list(ids)))
    if live:
        query = query.where(Form.deleted_at.is_(None))
    return list(db.scalars(query))


def live_records_of(db: Session, form: Form, *, not_in: Select[Any] | None = None) -> Iterator[Record]:
    """Yield the records of a form that are not deleted (and whose id is not in ``not_in``)."""
    query = select(Record).where(Record.form_id == form.id, Record.deleted_at.is_(None))
    if not_in is not None:
        query = query.where(Record.id.not_in(not_in))
    yield from db.scalars(query)


def record_values(db: Session, ids: Iterable[int]) -> list[tuple[int, int, dict[str, Any]]]:
    """Return ``(id, form id, values)`` of the records of ``ids``, deleted ones included."""
    rows = db.execute(select(Record.id, Record.form_id, Record.data).where(Record.id.in_(list(ids))))
    return [(record_id, form_id, data) for record_id, form_id, data in rows]


def ids_with_facet_values(field_ids: Iterable[str], values: Iterable[str]) -> Select[Any]:
    """A subquery of the ids of records holding one of ``values`` in one of the fields ``field_ids``."""
    return select(RecordFacet.record_id).where(
        RecordFacet.field_id.in_(list(field_ids) or ["-"]), RecordFacet.value.in_(list(values))
    )


def live_records_among(
    db: Session,
    ids: Select[Any],
    *,
    after: int = 0,
    since: datetime | None = None,
    statuses: Iterable[str] | None = None,
    by_title: bool = False,
    limit: int = 1_000,
) -> list[Record]:
    """Return the records not deleted whose id is in ``ids`` (and above ``after``), by id or by title.

    :param since: keep the records changed since then.
    :param statuses: keep the records in one of these statuses.
    """
    query = select(Record).where(Record.id.in_(ids), Record.deleted_at.is_(None))
    if after:
        query = query.where(Record.id > after)
    if since is not None:
        query = query.where(Record.updated_at >= since)
    if statuses is not None:
        query = query.where(Record.status.in_(list(statuses)))
    order = (func.lower(Record.title),) if by_title else (Record.id,)
    return list(db.scalars(query.order_by(*order).limit(limit)))
