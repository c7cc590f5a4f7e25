"""iCalendar feeds (``.ics``): the filtered agenda, one form's dataset, one event, as downloads.

``/agenda.ics`` takes the agenda's filters (``theme``, ``zone``,
``organisateur``, ``formulaire``) and is a subscription feed: series, and
one-off events that ended less than a year ago or are to come (it says so in
its description); ``/donnees/<form>.ics`` is the complete dataset of any form
with a schedule field, past events included, the same events as its CSV and
JSON (``/donnees/evenement.ics``: the whole agenda);
``/agenda/evenements/<id>.ics`` is one event (« ajouter à mon agenda »). Series are written whole (RRULE, EXDATE, RECURRENCE-ID), never
exploded.

A feed only concatenates each event's VEVENTs behind the calendar header and
the VTIMEZONEs. An event's VEVENTs are kept in memory (per app, by the
event's version) until it changes; else read from their stored copy
(:mod:`wiki.exports.vevents`: with nothing in memory, after a restart, the
index and every stored copy come in one query); else serialised now, in
memory only: a request never writes. Whole feeds are kept in memory too, by
filters and the agenda's stamp. A service (STYLE R6): no request globals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from wiki import signals
from wiki.agenda import feeds
from wiki.agenda import occurrences
from wiki.agenda import overrides
from wiki.agenda.occurrences import AgendaFilters
from wiki.auth.services import Anonymous
from wiki.caching import AppCache
from wiki.exports import vevents
from wiki.exports.ical import assemble_calendar
from wiki.exports.ical import event_bytes
from wiki.exports.ical import events_to_ical
from wiki.exports.ical import serialiser
from wiki.exports.ical import zone_years
from wiki.exports.rows import ExportState
from wiki.exports.rows import Prepared

#: Whole feeds, by (filters, name, ``since``, agenda stamp): any change of an event makes them stale.
_feeds: AppCache[bytes] = AppCache(
    "exports.ical_feeds", maxsize=32, stale_on=(signals.agenda_event_synced, signals.instance_upgraded)
)
#: record id -> (version, VEVENT bytes, zone years) of each event (``wiki.agenda.feeds.feed_index``).
_parts: AppCache[tuple[feeds.Version, bytes, vevents.ZoneYears]] = AppCache(
    "exports.ical_parts", maxsize=50_000, stale_on=(signals.instance_upgraded,)
)


def forget_event(sender: Any, *, session: Session, event: Any, **_: Any) -> None:
    """Drop a changed event's VEVENTs from memory (connected to ``agenda_event_synced``)."""
    _parts.discard(session, event.record_id)


def prepare_agenda_feed(
    db: Session, args: Any, *, name: str, since: dt.datetime | None = None, description: str = ""
) -> Prepared:
    """The agenda's subscription feed (windowed) with the filters of the URL's arguments (``theme``, ``zone``…)."""
    return prepare_feed(db, occurrences.parse_filters(args), name=name, since=since, description=description)


def prepare_feed(db: Session, filters: AgendaFilters, *, name: str, since: dt.datetime | None = None,
                 window: bool = True, description: str = "") -> Prepared:  # fmt: skip
    """The feed of the filters as a download: its validator now, its bytes when streamed.

    ``window``: one-off events over for more than a year are left out (the agenda's subscription feed); else every
    public event is in (a dataset's download). ``description``: what the feed says it holds.
    """
    stamp = feeds.feed_stamp(db)
    key = (json.dumps(filters.query_args(), sort_keys=True), name, since.isoformat() if since else None, stamp.key,
           window, description)  # fmt: skip
    digest = hashlib.sha256(repr(("ics", key, serialiser())).encode()).hexdigest()[:32]
    modified = stamp.modified
    if modified and window:
        # Events over for more than a year leave the feed from one day to the next: the feed may change daily.
        modified = max(modified, dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(), tzinfo=dt.UTC))
    state = ExportState(etag=digest, last_modified=modified)
    return Prepared(state, lambda session: iter([cached_feed(session, filters, key, name=name, since=since,
                                                             window=window, description=description)]))  # fmt: skip


def cached_feed(db: Session, filters: AgendaFilters, key: Any, *, name: str, since: dt.datetime | None = None,
                window: bool = True, description: str = "") -> bytes:  # fmt: skip
    """The feed of the filters, built once per ``key`` (filters, name, ``since``, agenda stamp, window, description)."""
    return _feeds.get_or_set(
        db, key, lambda: build_feed(db, filters, name=name, since=since, window=window, description=description)
    )


def build_feed(db: Session, filters: AgendaFilters, *, name: str, since: dt.datetime | None = None,
               window: bool = True, description: str = "") -> bytes:  # fmt: skip
    """Assemble a feed from each event's VEVENTs: in memory, else stored, else serialised now (in memory only).

    ``since`` keeps the events that changed since then; ``window`` leaves out one-off events over for more than a
    year (:func:`wiki.agenda.feeds.feed_index`).
    """
    cold = _parts.size(db) == 0
    if cold:  # nothing in memory (a restart): the index and the stored bytes in one query
        index, stored = vevents.stored_index(db, filters, window=window)
    else:
        index, stored = feeds.feed_index(db, filters, window=window), {}
    if since is not None:
        index = [(record_id, version) for record_id, version in index if max(version[1], version[2]) >= since]
    versions = dict(index)
    found: dict[int, tuple[bytes, vevents.ZoneYears]] = {}
    stale = []
    for record_id, version in index:
        cached = _parts.get(db, record_id)
        if cached is not None and cached[0] == version:
            found[record_id] = cached[1:]
        else:
            stale.append(record_id)
    if not cold:
        stored = vevents.stored_parts(db, stale)
    missing = [record_id for record_id in stale if record_id not in stored]
    for record_id in stale:
        if record_id in stored:
            found[record_id] = stored[record_id]
    for event in feeds.feed_events(db, record_ids=missing) if missing else ():
        found[event["record_id"]] = (event_bytes(event), zone_years(event))
    for record_id in stale:
        if record_id in found:
            _parts.put(db, record_id, (versions[record_id], *found[record_id]))
    parts: list[bytes] = []
    zones: dict[str, tuple[int, int]] = {}
    for record_id, _version in index:
        if record_id not in found:
            continue  # no public schedule any more
        part, zone = found[record_id]
        parts.append(part)
        if zone:
            key, first, last = zone
            low, high = zones.get(key, (first, last))
            zones[key] = (min(low, first), max(high, last))
    return assemble_calendar(parts, zones, calendar_name=name, description=description)


def dataset_feed_size(db: Session, form_key: str, *, name: str) -> int | None:
    """The size in bytes of ``/donnees/<form>.ics`` as served unfiltered, from its stored VEVENTs; None when unknown."""
    found = vevents.stored_size(db, AgendaFilters(form=form_key), window=False)
    if found is None:
        return None
    size, zones = found
    return size + len(assemble_calendar([], zones, calendar_name=name))


def prepare_event(db: Session, record_id: int) -> Prepared | None:
    """One event as a calendar file: the whole series, its changed and cancelled dates; None when it is not public.

    The public projection whoever asks: the event is read as an anonymous visitor reads it.

    :raises NotFound: no such event, or not visible to anyone.
    """
    record, event = overrides.get_event(db, record_id, Anonymous())
    events = feeds.feed_events(db, record_ids=[record.id]) if event.public else []
    if not events:
        return None
    body = events_to_ical(events, calendar_name=record.title)
    (mapping,) = events
    version = (record.id, mapping["uid"], mapping["sequence"], mapping["last_modified"].isoformat(), record.title)
    digest = hashlib.sha256(repr(("ics-event", version, serialiser())).encode()).hexdigest()[:32]
    return Prepared(ExportState(etag=digest, last_modified=mapping["last_modified"]), lambda session: iter([body]))
