"""What the iCalendar feeds read of the agenda: which events a feed holds, their versions, their public facts.

``feed_index`` lists a feed's events with a version that changes whenever
their VEVENTs may (``feed_index_select`` is the same query, for a caller that
joins more to it); ``feed_events`` turns events into the mappings that
:mod:`wiki.exports.ical` serialises; ``feed_stamp`` changes whenever any
event does. A feed is windowed (``window=True``, the agenda's subscription
feed): series, and one-off events that ended less than ``INDEX_PAST`` ago or
are to come; or complete (``window=False``, a dataset's download): every
published event however old, the same records as the dataset's other
formats. ``occurrence_span`` is the period a form's events cover. Reads
only: the VEVENT bytes and their storage belong to :mod:`wiki.exports` (a
projection the agenda never imports). No request globals here (STYLE R6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.agenda.models import AgendaEvent
from wiki.agenda.models import AgendaOccurrence
from wiki.agenda.occurrences import AgendaFilters
from wiki.agenda.occurrences import event_conditions
from wiki.agenda.projection import INDEX_PAST
from wiki.agenda.projection import event_values
from wiki.db import content_version
from wiki.db import utcnow
from wiki.records.models import Record

#: A feed event's version: (SEQUENCE, event ``updated_at``, record ``updated_at``).
Version = tuple[Any, ...]


@dataclass(frozen=True)
class FeedStamp:
    """What every feed depends on: ``key`` changes whenever any event may have changed."""

    key: str
    #: The latest change of an event or of its record (None without events).
    modified: dt.datetime | None


def feed_index_select(
    db: Session, filters: AgendaFilters | None = None, *, now: dt.datetime | None = None, window: bool = True
) -> Select:
    """The query of :func:`feed_index`, unordered: columns ``record_id``, ``sequence``, ``event_time``, ``record_time``."""
    return _feed_query(db, filters, None, now, window, AgendaEvent.record_id.label("record_id"),
                       AgendaEvent.sequence.label("sequence"), AgendaEvent.updated_at.label("event_time"),
                       Record.updated_at.label("record_time"))  # fmt: skip


def feed_index(
    db: Session, filters: AgendaFilters | None = None, *, now: dt.datetime | None = None, window: bool = True
) -> list[tuple[int, Version]]:
    """``(record_id, version)`` of the events a feed holds, by id; the version changes whenever the event's VEVENTs may.

    ``window=False``: every published event (a dataset's), however long ago it ended.
    """
    query = feed_index_select(db, filters, now=now, window=window)
    rows = db.execute(query.order_by(query.selected_columns.record_id))
    return [(record_id, (sequence, event_time, record_time)) for record_id, sequence, event_time, record_time in rows]


def _feed_query(db: Session, filters: AgendaFilters | None, record_ids: Iterable[int] | None, now: dt.datetime | None,
                window: bool, *columns: Any) -> Any:  # fmt: skip
    conditions = event_conditions(db, filters or AgendaFilters())
    query = (
        select(*columns)
        .join(Record, Record.id == AgendaEvent.record_id)
        .where(*conditions, Record.deleted_at.is_(None))
    )
    if record_ids is not None:
        return query.where(AgendaEvent.record_id.in_(list(record_ids)))
    if not window:  # a dataset: its published records, like its other formats (archived events are out)
        return query.where(Record.status == "published")
    since = (now or utcnow()) - INDEX_PAST
    recent = exists().where(AgendaOccurrence.record_id == AgendaEvent.record_id, AgendaOccurrence.end >= since)
    return query.where(or_(AgendaEvent.recurring.is_(True), recent))


def feed_events(db: Session, filters: AgendaFilters | None = None, *, record_ids: Iterable[int] | None = None,
                now: dt.datetime | None = None, window: bool = True) -> list[dict[str, Any]]:  # fmt: skip
    """Public events as :mod:`wiki.exports.ical` mappings (whole series, not occurrences).

    Events over for more than a year are left out of a windowed feed, unless named in ``record_ids``.
    """
    query = _feed_query(db, filters, record_ids, now, window, AgendaEvent, Record).order_by(AgendaEvent.record_id)
    found = (feed_event(db, event, record) for event, record in db.execute(query))
    return [event for event in found if event is not None]


def occurrence_span(db: Session, form_id: int) -> tuple[dt.datetime, dt.datetime] | None:
    """First start and last end (UTC) of the indexed occurrences of a form's published events; None without any.

    One-off events are indexed whole; series over their index window (a year back, a year ahead).
    """
    first, last = db.execute(
        select(func.min(AgendaOccurrence.start), func.max(AgendaOccurrence.end))
        .join(AgendaEvent, AgendaEvent.record_id == AgendaOccurrence.record_id)
        .join(Record, Record.id == AgendaEvent.record_id)
        .where(AgendaEvent.form_id == form_id, AgendaEvent.public.is_(True), AgendaOccurrence.cancelled.is_(False),
               Record.status == "published", Record.deleted_at.is_(None))
    ).one()  # fmt: skip
    return (_aware(first), _aware(last)) if first is not None and last is not None else None


def feed_event(db: Session, event: AgendaEvent, record: Record) -> dict[str, Any] | None:
    """One event as a :mod:`wiki.exports.ical` mapping; None when it shows no public schedule."""
    info = event_values(db, record)
    if not event.public or not info["schedule"]:
        return None
    return {
        "uid": event.uid, "title": info["title"], "description": info["description"], "location": info["location"],
        "url": info["url"], "schedule": info["schedule"], "sequence": event.sequence, "created": event.created_at,
        "last_modified": max(event.updated_at, record.updated_at), "status": "CONFIRMED",
        "cancelled": list(event.cancelled or []), "overrides": dict(event.overrides or {}), "record_id": record.id,
    }  # fmt: skip


def public_event_ids(db: Session) -> list[int]:
    """Record ids of every public event of a live record, in order (those a feed may ever hold)."""
    query = (
        select(AgendaEvent.record_id)
        .join(Record, Record.id == AgendaEvent.record_id)
        .where(AgendaEvent.public.is_(True), Record.deleted_at.is_(None))
        .order_by(AgendaEvent.record_id)
    )
    return list(db.scalars(query))


def events_with_records(db: Session, record_ids: Iterable[int]) -> list[tuple[AgendaEvent, Record]]:
    """The agenda rows of these events with their records, by id."""
    wanted = list(record_ids)
    if not wanted:
        return []
    query = (
        select(AgendaEvent, Record)
        .join(Record, Record.id == AgendaEvent.record_id)
        .where(AgendaEvent.record_id.in_(wanted))
        .order_by(AgendaEvent.record_id)
    )
    return [(event, record) for event, record in db.execute(query).all()]


def feed_stamp(db: Session) -> FeedStamp:
    """Return what changes whenever any event changes: the cache key and the date of feeds."""
    count, latest, records_latest = db.execute(
        select(func.count(), func.max(AgendaEvent.updated_at), func.max(Record.updated_at)).join(
            Record, Record.id == AgendaEvent.record_id
        )
    ).one()
    moments = [_aware(value) for value in (latest, records_latest) if value is not None]
    key = f"{count}-{latest}-{records_latest}-{utcnow().date()}"
    if db.get_bind().dialect.name != "sqlite":
        # Concurrent writers (workers, app nodes on PostgreSQL) may commit out of their ``updated_at`` order:
        # a change stamped before the newest one but committed after it leaves count and maxima as they were.
        # The content version moves with every commit. (SQLite's writers take turns: its maxima suffice.)
        key += f"-{db.scalar(select(content_version.c.version).where(content_version.c.id == 1))}"
    return FeedStamp(key=key, modified=max(moments, default=None))


def _aware(value: Any) -> dt.datetime:
    """An aggregate's datetime (SQLite gives it back as text), in UTC."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
