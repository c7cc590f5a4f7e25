"""iCalendar feeds of the agenda: filtered agenda, one form's dataset, one event.

``/agenda.ics`` takes the agenda's filters (``theme``, ``zone``,
``organisateur``, ``formulaire``); ``/donnees/<form>.ics`` is the dataset of
any form with a schedule field (``/donnees/evenement.ics``: the whole
agenda); ``/agenda/evenements/<id>.ics`` is one event (« ajouter à mon
agenda »). Series are written whole (RRULE, EXDATE, RECURRENCE-ID), never
exploded. Feeds are kept in memory until any event changes.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import abort
from flask import current_app
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from wiki.agenda import services
from wiki.db import get_session
from wiki.exports.ical import events_to_ical

bp = Blueprint("calendar_feeds", __name__)
_feeds: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
_FEED_CACHE = 32


def init_app(app: Flask) -> None:
    """Register the feed routes."""
    app.register_blueprint(bp)


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _cached_feed(filters: services.AgendaFilters, name: str, filename: str) -> Response:
    """The feed of the filters, built once per state of the agenda."""
    db = get_session()
    key = (id(current_app), json.dumps(filters.query_args(), sort_keys=True), services.feed_stamp(db))
    body = _feeds.get(key)
    if body is None:
        body = events_to_ical(services.feed_events(db, filters), calendar_name=name)
        _feeds[key] = body
        while len(_feeds) > _FEED_CACHE:
            _feeds.popitem(last=False)
    else:
        _feeds.move_to_end(key)
    return _ics(body, filename)


@bp.route("/agenda.ics")
def feed() -> Response:
    """The iCalendar feed of the agenda with the URL's filters."""
    filters = services.parse_filters(request.args)
    return _cached_feed(filters, f"{current_app.config['SITE_NAME']} — {_('Agenda')}", "agenda.ics")


@bp.route("/donnees/<key>.ics")
def form_feed(key: str) -> Response:
    """The iCalendar dataset of one form with a schedule field."""
    form = services.get_event_form(get_session(), key)
    filters = services.parse_filters(request.args)
    filters.form = form.key
    return _cached_feed(filters, f"{current_app.config['SITE_NAME']} — {form.title}", f"{form.key}.ics")


@bp.route("/agenda/evenements/<int:record_id>.ics")
def event_feed(record_id: int) -> Response:
    """One event as a calendar file."""
    db = get_session()
    record, agenda_event = services.get_event(db, record_id, current_user)
    events = services.feed_events(db, record_ids=[record.id]) if agenda_event.public else []
    if not events:
        abort(404)
    return _ics(events_to_ical(events, calendar_name=record.title), f"evenement-{record.id}.ics")
