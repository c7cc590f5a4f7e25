"""What the iCalendar feeds read: which events a feed holds and their versions, their stored VEVENTs.

``feed_index`` lists a feed's events with a version that changes whenever
their VEVENTs may; :mod:`wiki.exports.calendar` keeps each event's VEVENTs by
that version, reads them from the agenda rows (``feed_index_with_parts`` after
a restart, ``stored_feed_parts`` for the events changed since), puts them there
when an event is saved (``store_part``) and stores those it had to write itself
(``store_feed_parts``). The bytes are written by :mod:`wiki.exports.ical`,
which the agenda never imports. No request globals here (STYLE R6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.agenda.models import AgendaEvent
from wiki.agenda.models import AgendaOccurrence
from wiki.agenda.occurrences import AgendaFilters
from wiki.agenda.occurrences import event_conditions
from wiki.agenda.projection import INDEX_PAST
from wiki.agenda.projection import event_values
from wiki.db import utcnow
from wiki.records.models import Record


def feed_index(
    db: Session, filters: AgendaFilters | None = None, *, now: dt.datetime | None = None
) -> list[tuple[int, tuple[Any, ...]]]:
    """``(record_id, version)`` of the events a feed holds, by id; the version changes whenever the event's VEVENTs may."""
    rows = db.execute(_feed_query(db, filters, None, now, AgendaEvent.record_id, AgendaEvent.sequence,
                                  AgendaEvent.updated_at, Record.updated_at).order_by(AgendaEvent.record_id))  # fmt: skip
    return [(record_id, (sequence, event_time, record_time)) for record_id, sequence, event_time, record_time in rows]


def _feed_query(db: Session, filters: AgendaFilters | None, record_ids: Iterable[int] | None, now: dt.datetime | None,
                *columns: Any) -> Any:  # fmt: skip
    conditions = event_conditions(db, filters or AgendaFilters())
    query = (
        select(*columns)
        .join(Record, Record.id == AgendaEvent.record_id)
        .where(*conditions, Record.deleted_at.is_(None))
    )
    if record_ids is not None:
        return query.where(AgendaEvent.record_id.in_(list(record_ids)))
    since = (now or utcnow()) - INDEX_PAST
    recent = exists().where(AgendaOccurrence.record_id == AgendaEvent.record_id, AgendaOccurrence.end >= since)
    return query.where(or_(AgendaEvent.recurring.is_(True), recent))


def feed_events(db: Session, filters: AgendaFilters | None = None, *, record_ids: Iterable[int] | None = None,
                now: dt.datetime | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Public events as :mod:`wiki.exports.ical` mappings (whole series, not occurrences).

    Events over for more than a year are left out, unless named in ``record_ids``.
    """
    query = _feed_query(db, filters, record_ids, now, AgendaEvent, Record).order_by(AgendaEvent.record_id)
    found = (feed_event(db, event, record) for event, record in db.execute(query))
    return [event for event in found if event is not None]


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


def feed_index_with_parts(db: Session, filters: AgendaFilters | None = None, *, serialiser: str,
                          now: dt.datetime | None = None) -> tuple[list[tuple[int, tuple[Any, ...]]], dict[int, Any]]:  # fmt: skip
    """:func:`feed_index` and :func:`stored_feed_parts` of all its events in one query: what a feed reads after a restart."""
    valid = and_(
        AgendaEvent.ical.is_not(None),
        AgendaEvent.ical_stamp == Record.updated_at,
        AgendaEvent.ical_format == serialiser,
    )
    rows = db.execute(_feed_query(db, filters, None, now, AgendaEvent.record_id, AgendaEvent.sequence, AgendaEvent.updated_at,
                                  Record.updated_at, case((valid, AgendaEvent.ical)), case((valid, AgendaEvent.ical_zone)))
                      .order_by(AgendaEvent.record_id))  # fmt: skip
    index, parts = [], {}
    for record_id, sequence, event_time, record_time, part, zone in rows:
        index.append((record_id, (sequence, event_time, record_time)))
        if part is not None:
            parts[record_id] = (bytes(part), _zone_years(zone))
    return index, parts


def stored_feed_parts(
    db: Session, record_ids: Iterable[int], *, serialiser: str
) -> dict[int, tuple[bytes, tuple[str, int, int] | None]]:
    """``record_id -> (VEVENT bytes, zone years)`` stored for these events, stale ones left out.

    Bytes are stale when the record changed after they were written (``ical_stamp``) or another
    ``serialiser`` wrote them. They are written in the same transaction as any change of their event,
    so they go with the version :func:`feed_index` gives.
    """
    wanted = list(record_ids)
    if not wanted:
        return {}
    rows = db.execute(
        select(AgendaEvent.record_id, AgendaEvent.ical, AgendaEvent.ical_zone)
        .join(Record, Record.id == AgendaEvent.record_id)
        .where(AgendaEvent.record_id.in_(wanted), AgendaEvent.ical.is_not(None), AgendaEvent.ical_stamp == Record.updated_at,
               AgendaEvent.ical_format == serialiser)
    )  # fmt: skip
    return {record_id: (bytes(part), _zone_years(zone)) for record_id, part, zone in rows}


def events_without_parts(db: Session, *, serialiser: str) -> list[tuple[AgendaEvent, Record]]:
    """Public events whose stored VEVENTs are missing, older than their record, or written by another serialiser."""
    stale = or_(AgendaEvent.ical.is_(None), AgendaEvent.ical_stamp.is_(None), AgendaEvent.ical_stamp != Record.updated_at,
                AgendaEvent.ical_format.is_(None), AgendaEvent.ical_format != serialiser)  # fmt: skip
    query = (
        select(AgendaEvent, Record)
        .join(Record, Record.id == AgendaEvent.record_id)
        .where(AgendaEvent.public.is_(True), Record.deleted_at.is_(None), stale)
        .order_by(AgendaEvent.record_id)
    )
    return [(event, record) for event, record in db.execute(query).all()]


def store_part(event: AgendaEvent, record: Record, part: bytes | None, zone: tuple[str, int, int] | None, *,
               serialiser: str) -> None:  # fmt: skip
    """Put an event's VEVENT bytes and zone years on its row, written now from ``record`` (None: store nothing)."""
    event.ical = part
    event.ical_zone = _zone_text(zone) if part is not None else None
    event.ical_stamp = record.updated_at if part is not None else None
    event.ical_format = serialiser if part is not None else None


def _zone_text(zone: tuple[str, int, int] | None) -> str | None:
    """``Europe/Paris 2025 2027``: zone names have no spaces, and text reads back faster than JSON."""
    return " ".join(str(x) for x in zone) if zone else None


def _zone_years(text: str | None) -> tuple[str, int, int] | None:
    if not text:
        return None
    key, first, last = text.split()
    return key, int(first), int(last)


def store_feed_parts(db: Session, parts: Iterable[tuple[int, tuple[Any, ...], bytes, Any]], *, serialiser: str) -> None:
    """Store events' VEVENT bytes ``(record_id, version, bytes, zone years)``, each unless its event changed since.

    The version is the one :func:`feed_index` gave when the bytes were written: a row whose sequence or
    times moved on in the meantime keeps what its own save wrote.
    """
    table = AgendaEvent.__table__
    rows = [{"rid": record_id, "seq": version[0], "event_time": version[1], "record_time": version[2], "part": part,
             "zone": _zone_text(zone)} for record_id, version, part, zone in parts]  # fmt: skip
    if not rows:
        return
    unchanged = exists().where(
        Record.id == bindparam("rid"), Record.updated_at == bindparam("record_time", type_=Record.updated_at.type)
    )
    statement = (
        table.update()
        .where(table.c.record_id == bindparam("rid"), table.c.sequence == bindparam("seq"),
               table.c.updated_at == bindparam("event_time", type_=table.c.updated_at.type), unchanged)
        .values(ical=bindparam("part"), ical_zone=bindparam("zone"),
                ical_stamp=bindparam("record_time", type_=table.c.ical_stamp.type), ical_format=serialiser)
    )  # fmt: skip
    db.execute(statement, rows)


def feed_stamp(db: Session) -> str:
    """Changes whenever any event changes: the cache key of feeds."""
    from sqlalchemy import func

    count, latest, records_latest = db.execute(
        select(func.count(), func.max(AgendaEvent.updated_at), func.max(Record.updated_at)).join(
            Record, Record.id == AgendaEvent.record_id
        )
    ).one()
    return f"{count}-{latest}-{records_latest}-{utcnow().date()}"
