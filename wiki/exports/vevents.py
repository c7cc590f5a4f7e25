"""The stored VEVENTs of the iCalendar feeds (``export_vevents``): written when events change, read by feeds.

Each public event's VEVENTs are serialised once, when the agenda recomputes
the event (``signals.agenda_event_synced``, in the transaction of the save),
and stored with the zone and years of their VTIMEZONE, the record's
``updated_at`` they were written from and the serialiser that wrote them
(:func:`wiki.exports.ical.serialiser`). Bytes whose stamp or serialiser
differ are stale: never served, only replaced, by the next save of the event
or by ``lieudit init`` after an upgrade (``signals.instance_upgraded``),
which writes every missing or stale one. Requests only read them
(:func:`stored_index`, :func:`stored_parts`): a feed that finds an event
without valid bytes serialises it in memory (:mod:`wiki.exports.calendar`).

A projection: it reads the agenda through :mod:`wiki.agenda.feeds` and
writes only its own table, never an agenda row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from flask import Flask
from sqlalchemy import and_
from sqlalchemy import case
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.agenda import feeds
from wiki.agenda.occurrences import AgendaFilters
from wiki.db import Database
from wiki.exports.ical import event_bytes
from wiki.exports.ical import serialiser
from wiki.exports.ical import zone_years
from wiki.exports.models import ExportVevent
from wiki.records.models import Record

log = logging.getLogger(__name__)
#: The zone and the years a VTIMEZONE covers (``("Europe/Paris", 2025, 2027)``), None for all-day events.
ZoneYears = tuple[str, int, int] | None
#: Events serialised per batch by ``lieudit init``.
_BATCH = 500


def on_event_synced(sender: Any, *, session: Session, event: Any, record: Any, **_: Any) -> None:
    """Store the event's VEVENTs exactly as the feeds write them, in the save's transaction (none when not public)."""
    _write(session, [_serialise(session, event, record)])


def store_unwritten_events(db: Session) -> int:
    """Write the VEVENTs of public events stored by no serialiser, an older record or another serialiser; return how many."""
    valid = set(
        db.scalars(
            select(ExportVevent.record_id)
            .join(Record, Record.id == ExportVevent.record_id)
            .where(ExportVevent.stamp == Record.updated_at, ExportVevent.serialiser == serialiser())
        )
    )
    todo = [record_id for record_id in feeds.public_event_ids(db) if record_id not in valid]
    for start in range(0, len(todo), _BATCH):
        pairs = feeds.events_with_records(db, todo[start : start + _BATCH])
        _write(db, [_serialise(db, event, record) for event, record in pairs])
    return len(todo)


def store_after_upgrade(app: Flask, echo: Callable[[str], Any], **_: Any) -> None:
    """After an upgrade (``lieudit init``), write the VEVENTs a new serialiser or an older version left unwritten,
    so that no feed request serialises them."""
    db = Database.new_session(app)
    try:
        count = store_unwritten_events(db)
        db.commit()
    finally:
        db.close()
    if count:
        echo(f"Flux iCalendar : textes de {count} événement(s) écrits pour la nouvelle version.")


def _serialise(db: Session, event: Any, record: Any) -> tuple[int, dt.datetime, bytes | None, ZoneYears]:
    """``(record_id, record stamp, VEVENT bytes, zone years)`` of an event; no bytes when it is not public."""
    try:
        mapping = feeds.feed_event(db, event, record)
        part = event_bytes(mapping) if mapping is not None else None
        zone = zone_years(mapping) if mapping is not None else None
    except Exception:  # noqa: BLE001 - an unwritable event never fails its save: the feed tries again and reports it
        log.warning("VEVENT of event %s not stored", event.record_id, exc_info=True)
        part = zone = None
    return event.record_id, record.updated_at, part, zone


def _write(db: Session, rows: Iterable[tuple[int, dt.datetime, bytes | None, ZoneYears]]) -> None:
    """Replace the stored VEVENTs of these events (``part`` None: store nothing for it)."""
    rows = list(rows)
    if not rows:
        return
    db.execute(delete(ExportVevent).where(ExportVevent.record_id.in_([record_id for record_id, *_ in rows])))
    values = [
        {"record_id": record_id, "ical": part, "zone": _zone_text(zone), "stamp": stamp, "serialiser": serialiser()}
        for record_id, stamp, part, zone in rows
        if part is not None
    ]
    if values:
        db.execute(insert(ExportVevent), values)


def stored_index(
    db: Session, filters: AgendaFilters | None = None, *, now: dt.datetime | None = None, window: bool = True
) -> tuple[list[tuple[int, feeds.Version]], dict[int, tuple[bytes, ZoneYears]]]:
    """:func:`wiki.agenda.feeds.feed_index` and the valid stored VEVENTs of all its events, in one query.

    What a feed reads when nothing is in memory (after a restart).
    """
    index = feeds.feed_index_select(db, filters, now=now, window=window).subquery()
    valid = and_(ExportVevent.stamp == index.c.record_time, ExportVevent.serialiser == serialiser())
    query = (
        select(index.c.record_id, index.c.sequence, index.c.event_time, index.c.record_time,
               case((valid, ExportVevent.ical)), case((valid, ExportVevent.zone)))
        .select_from(index)
        .outerjoin(ExportVevent, ExportVevent.record_id == index.c.record_id)
        .order_by(index.c.record_id)
    )  # fmt: skip
    found, parts = [], {}
    for record_id, sequence, event_time, record_time, part, zone in db.execute(query):
        found.append((record_id, (sequence, event_time, record_time)))
        if part is not None:
            parts[record_id] = (bytes(part), _zone_years(zone))
    return found, parts


def stored_parts(db: Session, record_ids: Iterable[int]) -> dict[int, tuple[bytes, ZoneYears]]:
    """``record_id -> (VEVENT bytes, zone years)`` stored for these events, stale ones left out.

    Bytes are stale when the record changed after they were written (``stamp``) or another
    serialiser wrote them. They are written in the same transaction as any change of their event,
    so they go with the version :func:`wiki.agenda.feeds.feed_index` gives.
    """
    wanted = list(record_ids)
    if not wanted:
        return {}
    rows = db.execute(
        select(ExportVevent.record_id, ExportVevent.ical, ExportVevent.zone)
        .join(Record, Record.id == ExportVevent.record_id)
        .where(ExportVevent.record_id.in_(wanted), ExportVevent.stamp == Record.updated_at,
               ExportVevent.serialiser == serialiser())
    )  # fmt: skip
    return {record_id: (bytes(part), _zone_years(zone)) for record_id, part, zone in rows}


def _zone_text(zone: ZoneYears) -> str | None:
    """``Europe/Paris 2025 2027``: zone names have no spaces, and text reads back faster than JSON."""
    return " ".join(str(x) for x in zone) if zone else None


def _zone_years(text: str | None) -> ZoneYears:
    if not text:
        return None
    key, first, last = text.split()
    return key, int(first), int(last)


def stored_size(
    db: Session, filters: AgendaFilters | None = None, *, window: bool = True
) -> tuple[int, dict[str, tuple[int, int]]] | None:
    """The bytes of a feed's stored VEVENTs and the zone years they use, without reading them.

    None when some event of the feed has no valid stored copy (its size is not known without serialising it).
    """
    index = feeds.feed_index_select(db, filters, window=window).subquery()
    valid = and_(ExportVevent.record_id == index.c.record_id, ExportVevent.stamp == index.c.record_time,
                 ExportVevent.serialiser == serialiser())  # fmt: skip
    query = select(ExportVevent.ical.is_not(None), func.length(ExportVevent.ical), ExportVevent.zone)
    rows = db.execute(query.select_from(index).outerjoin(ExportVevent, valid)).all()
    if not all(found for found, _size, _zone in rows):
        return None
    zones: dict[str, tuple[int, int]] = {}
    for _found, _size, zone in rows:
        if used := _zone_years(zone):
            key, first, last = used
            low, high = zones.get(key, (first, last))
            zones[key] = (min(low, first), max(high, last))
    return sum(size for _found, size, _zone in rows), zones
