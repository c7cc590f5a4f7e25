"""``/api/v1/events``: event occurrences in a date range, as JSON.

``GET /api/v1/events?start=2026-11-01&end=2026-12-01`` (dates or ISO
datetimes; a date is local midnight in the site's time zone) with the
agenda's filters (``theme``, ``zone``, ``organisateur``, ``formulaire``)
answers ``{"start", "end", "total", "limit", "offset", "items": [...]}``
(the API's list shape; ``limit`` is clamped to 1–200); each occurrence
has ``uid``, ``record_id``, ``recurrence_id``, ``title``, ``start``,
``end``, ``all_day``, ``timezone``, ``status`` (``CONFIRMED`` or
``CANCELLED``), ``location``, ``organiser``, ``url`` and ``ics_url``.
Without ``start``, the range starts now; without ``end``, it lasts 31
days; it lasts two years at most. Only public events are listed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response
from flask import current_app
from flask import request
from flask import url_for
from flask_babel import gettext as _

from wiki import paging
from wiki.agenda import occurrences
from wiki.agenda.recurrence import schedule_zone
from wiki.api import openapi
from wiki.api.blueprint import bp
from wiki.api.conventions import json_response
from wiki.db import get_session
from wiki.db import utcnow
from wiki.errors import ValidationError

#: Most occurrences read for one answer (``offset`` stops there).
MAX_EVENTS = 5000


def _moment(name: str, default: dt.datetime) -> dt.datetime:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    zone = schedule_zone({"timezone": current_app.config["DEFAULT_TIMEZONE"]})
    try:
        if len(raw) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(raw), dt.time(), tzinfo=zone)
        value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise ValidationError(
            _("Paramètre %(name)s invalide : date AAAA-MM-JJ ou date et heure ISO 8601.", name=name)
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=zone)


def _when(item: occurrences.AgendaItem, value: dt.datetime, *, end: bool = False) -> str:
    if item.all_day:
        return (value.date() - dt.timedelta(days=1) if end else value.date()).isoformat()
    return value.isoformat()


def _item(item: occurrences.AgendaItem) -> dict[str, Any]:
    return {
        "uid": item.uid,
        "record_id": item.record_id,
        "recurrence_id": item.recurrence_id,
        "title": item.title,
        "start": _when(item, item.start),
        "end": _when(item, item.end, end=True),
        "all_day": item.all_day,
        "timezone": item.timezone,
        "status": item.status,
        "recurring": item.recurring,
        "location": item.location or None,
        "organiser": item.organiser or None,
        "url": url_for("agenda.event", record_id=item.record_id, _external=True),
        "ics_url": url_for("calendar_feeds.event_feed", record_id=item.record_id, _external=True),
    }


@bp.get("/events", endpoint="events_index")
@openapi.describe(
    operation_id="listEvents",
    summary="Event occurrences overlapping a date range, by start.",
    description="Public events of every form with a schedule field; recurring events give one item per occurrence "
    "(cancelled ones with status CANCELLED). Without `start`, the range starts now; without `end`, it lasts 31 days; "
    "two years at most.",
    security=openapi.READ,
    parameters=[
        openapi.query("start", "Start of the range: a date (local midnight) or an ISO 8601 datetime."),
        openapi.query("end", "End of the range (exclusive), same formats."),
        openapi.query("theme", "Theme key."),
        openapi.query("zone", "Commune INSEE code."),
        openapi.query("organisateur", "Organiser name."),
        openapi.query("formulaire", "Form key."),
        *openapi.PAGING,
    ],
    responses=openapi.ok("EventList", "A slice of the occurrences.") | openapi.errors(400),
)
def index() -> Response:
    """Occurrences overlapping ``[start, end)``, by start; all-day ones give dates (end inclusive)."""
    start = _moment("start", utcnow())
    end = _moment("end", start + dt.timedelta(days=31))
    filters = occurrences.parse_filters(request.args)
    items = occurrences.occurrences(get_session(), start, end, filters, limit=MAX_EVENTS)
    limit, offset = paging.clamp(request.args, max_offset=MAX_EVENTS)
    return json_response(
        {
            "start": start.isoformat(),
            "end": end.isoformat(),
            "total": len(items),
            "limit": limit,
            "offset": offset,
            "items": [_item(i) for i in items[offset : offset + limit]],
        }
    )
