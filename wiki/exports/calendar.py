"""iCalendar feeds of the agenda: filtered agenda, one form's dataset, one event.

``/agenda.ics`` takes the agenda's filters (``theme``, ``zone``,
``organisateur``, ``formulaire``); ``/donnees/<form>.ics`` is the dataset of
any form with a schedule field (``/donnees/evenement.ics``: the whole
agenda); ``/agenda/evenements/<id>.ics`` is one event (« ajouter à mon
agenda »). Series are written whole (RRULE, EXDATE, RECURRENCE-ID), never
exploded.

Each event's VEVENTs are serialised once, when the event is saved
(``agenda_event_synced``), and stored on its agenda row (``ical``): a feed
only concatenates those bytes, behind the calendar header and the VTIMEZONEs,
even on its first request after a restart. They are also kept in memory until
that event changes, and whole feeds until any event changes. An event found
without bytes (a row older than migration 0010) or with stale ones (its record
changed without a save going through the agenda, or they were written by
another version of the serialiser, ``ical.SERIALISER``) is serialised by the
feed and its bytes stored then; ``lieudit init`` (after an upgrade) writes
them all beforehand.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import abort
from flask import current_app
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from wiki import signals
from wiki.agenda import feeds
from wiki.agenda import occurrences
from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.agenda.models import AgendaEvent
from wiki.db import Database
from wiki.db import get_session
from wiki.exports.ical import SERIALISER
from wiki.exports.ical import assemble_calendar
from wiki.exports.ical import event_bytes
from wiki.exports.ical import events_to_ical
from wiki.exports.ical import zone_years

bp = Blueprint("calendar_feeds", __name__)
_feeds: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_FEED_CACHE = 32
#: record id -> (version, VEVENT bytes, zone years) of each event (``feeds.feed_index``).
_parts: dict[tuple[int, int], tuple[tuple[Any, ...], bytes, tuple[str, int, int] | None]] = {}
_PARTS_CACHE = 50_000
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the feed routes; store each event's VEVENTs whenever the agenda recomputes it, and after upgrades."""
    signals.agenda_event_synced.connect(on_event_synced)
    signals.instance_upgraded.connect(_store_after_upgrade, sender=app)
    app.register_blueprint(bp)


def on_event_synced(sender: Any, *, session: Session, event: AgendaEvent, record: Any, **_: Any) -> None:
    """Store the event's VEVENTs on its agenda row exactly as the feeds write them (nothing when not public)."""
    try:
        mapping = feeds.feed_event(session, event, record)
        part = event_bytes(mapping) if mapping is not None else None
        zone = zone_years(mapping) if mapping is not None else None
    except Exception:  # noqa: BLE001 - an unwritable event never fails its save: the feed tries again and reports it
        log.warning("VEVENT of event %s not stored", event.record_id, exc_info=True)
        part = zone = None
    feeds.store_part(event, record, part, zone, serialiser=SERIALISER)


def store_unwritten_events(db: Session) -> int:
    """Write the VEVENTs of public events stored by no serialiser, an older record or another serialiser; return how many."""
    found = feeds.events_without_parts(db, serialiser=SERIALISER)
    for event, record in found:
        on_event_synced(None, session=db, event=event, record=record)
    return len(found)


def _store_after_upgrade(app: Flask, echo: Callable[[str], Any], **_: Any) -> None:
    """After an upgrade (``lieudit init``), write the VEVENTs a new version of the serialiser or of 0010 left unwritten,
    so that no feed request pays for it."""
    db = Database.new_session(app)
    try:
        count = store_unwritten_events(db)
        db.commit()
    finally:
        db.close()
    if count:
        echo(f"Flux iCalendar : textes de {count} événement(s) écrits pour la nouvelle version.")


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _build(filters: occurrences.AgendaFilters, name: str) -> bytes:
    """Assemble a feed from each event's VEVENTs: in memory, else stored on its row, else serialised now."""
    db = get_session()
    app = id(current_app)
    cold = not any(key[0] == app for key in _parts)
    if cold:  # nothing in memory (a restart): the index and the stored bytes in one query
        index, stored = feeds.feed_index_with_parts(db, filters, serialiser=SERIALISER)
    else:
        index = feeds.feed_index(db, filters)
    stale = [record_id for record_id, version in index if _parts.get((app, record_id), ((),))[0] != version]
    if len(_parts) + len(stale) > _PARTS_CACHE:
        _parts.clear()
    versions = dict(index)
    for record_id in stale:
        _parts.pop((app, record_id), None)
    if not cold:
        stored = feeds.stored_feed_parts(db, stale, serialiser=SERIALISER)
    for record_id, (part, zone) in stored.items():
        _parts[(app, record_id)] = (versions[record_id], part, zone)
    _serialise(db, [record_id for record_id in stale if (app, record_id) not in _parts], versions)
    parts, zones = [], {}
    for record_id, _version in index:
        cached = _parts.get((app, record_id))
        if cached is None:
            continue  # no public schedule any more
        parts.append(cached[1])
        if cached[2]:
            key, first, last = cached[2]
            low, high = zones.get(key, (first, last))
            zones[key] = (min(low, first), max(high, last))
    return assemble_calendar(parts, zones, calendar_name=name)


def _serialise(db: Session, record_ids: list[int], versions: dict[int, tuple[Any, ...]]) -> None:
    """Serialise events that have no valid stored VEVENTs, keep them in memory and store them on their rows."""
    if not record_ids:
        return
    app, written = id(current_app), []
    for event in feeds.feed_events(db, record_ids=record_ids):
        version = versions[event["record_id"]]
        _parts[(app, event["record_id"])] = (version, event_bytes(event), zone_years(event))
        written.append((event["record_id"], version, *_parts[(app, event["record_id"])][1:]))
    try:
        feeds.store_feed_parts(db, written, serialiser=SERIALISER)
        db.commit()
    except SQLAlchemyError:  # a read-only or busy database still gets its feed, serialised again next time
        db.rollback()
        log.warning("VEVENTs of %d events not stored", len(written), exc_info=True)


def _cached_feed(filters: occurrences.AgendaFilters, name: str, filename: str) -> Response:
    """The feed of the filters, built once per state of the agenda."""
    key = (id(current_app), json.dumps(filters.query_args(), sort_keys=True), feeds.feed_stamp(get_session()))
    body = _feeds.get(key)
    if body is None:
        body = _build(filters, name)
        _feeds[key] = body
        while len(_feeds) > _FEED_CACHE:
            _feeds.popitem(last=False)
    else:
        _feeds.move_to_end(key)
    return _ics(body, filename)


@bp.route("/agenda.ics")
def feed() -> Response:
    """The iCalendar feed of the agenda with the URL's filters."""
    filters = occurrences.parse_filters(request.args)
    return _cached_feed(filters, f"{current_app.config['SITE_NAME']} — {_('Agenda')}", "agenda.ics")


@bp.route("/donnees/<key>.ics")
def form_feed(key: str) -> Response:
    """The iCalendar dataset of one form with a schedule field."""
    form = projection.get_event_form(get_session(), key)
    filters = occurrences.parse_filters(request.args)
    filters.form = form.key
    return _cached_feed(filters, f"{current_app.config['SITE_NAME']} — {form.title}", f"{form.key}.ics")


@bp.route("/agenda/evenements/<int:record_id>.ics")
def event_feed(record_id: int) -> Response:
    """One event as a calendar file."""
    db = get_session()
    record, agenda_event = overrides.get_event(db, record_id, current_user)
    events = feeds.feed_events(db, record_ids=[record.id]) if agenda_event.public else []
    if not events:
        abort(404)
    return _ics(events_to_ical(events, calendar_name=record.title), f"evenement-{record.id}.ics")
