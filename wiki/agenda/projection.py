"""The agenda side of event records: event forms, the public facts of an event, its row and occurrence index.

An *event form* is any form with a schedule field; its first schedule field
is the event's date. ``sync_event`` runs on every record save or deletion
(connected to the records signals in ``wiki.agenda.init_app``): it creates
the ``AgendaEvent`` row (with a stable UID), copies the public facts lists
show, raises SEQUENCE when what calendar clients show changed, rebuilds the
occurrence rows, and announces the event (``agenda_event_synced``) so the
feeds store its VEVENTs. Only public values go into the agenda: a record that
is not published, or whose schedule field is not public, is indexed as not
public and never shown to visitors, in feeds nor in the API. No request
globals here (STYLE R6).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import signals
from wiki.agenda.models import AgendaEvent
from wiki.agenda.models import AgendaOccurrence
from wiki.agenda.recurrence import Occurrence
from wiki.agenda.recurrence import expand
from wiki.agenda.recurrence import schedule_zone
from wiki.agenda.recurrence import wall_start
from wiki.agenda.rules import RecurrenceError
from wiki.db import BY_KEY
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import lookups
from wiki.records import references
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.schedules import format_rdates
from wiki.records.schedules import format_schedule
from wiki.records.values import FieldError

INDEX_PAST = dt.timedelta(days=366)
INDEX_FUTURE = dt.timedelta(days=366)
MAX_LIVE = 2000  # occurrences expanded per event on the fly
VISIBLE_STATUSES = ("published", "archived")


# --- event forms and their fields ----------------------------------------------------------


def schedule_field(form: Form) -> F.FieldDef | None:
    """The form's first schedule field (the event's date), or None for a form that is not an agenda."""
    return next((d for d in form_services.form_fields(form) if d.type == "schedule"), None)


def event_forms(db: Session) -> list[Form]:
    """Live forms that have a schedule field."""
    return [f for f in form_services.list_forms(db) if schedule_field(f) is not None]


def get_event_form(db: Session, key: str) -> Form:
    """Return a live form with a schedule field.

    :raises NotFound: no such form, or it has no schedule field.
    """
    form = form_services.get_form(db, key)
    if schedule_field(form) is None:
        raise NotFound(str(_l("Ce formulaire n'a pas de date : il n'a pas d'agenda.")))
    return form


def _first(defs: list[F.FieldDef], kinds: tuple[str, ...], keys: tuple[str, ...] = ()) -> F.FieldDef | None:
    """A field of the wanted type among ``defs``, preferring the given keys."""
    candidates = [d for d in defs if d.type in kinds]
    return next((d for d in candidates if d.key in keys), None) or (candidates[0] if candidates and not keys else None)


def event_values(db: Session, record: Record) -> dict[str, Any]:
    """The public facts of an event record: title, description, location, url, organiser, schedule, themes, zones.

    Facts are read from the fields the record shows to anyone
    (:mod:`wiki.records.disclosure`): a personal one only while its consent box is ticked.
    """
    rule = form_services.disclosure(record.form)
    data = record.data
    defs = [d for d in rule.fields if rule.shows(d, data)]

    def value(d: F.FieldDef | None) -> Any:
        """The stored value of a field (None without the field)."""
        return data.get(d.id) if d is not None else None

    schedule_def = schedule_field(record.form)
    description = value(_first(defs, ("longtext", "text"), ("description", "resume", "presentation")))
    place = []
    link = _first(defs, ("link",), ("lieu_fiche", "lieu"))
    linked = value(link)
    if isinstance(linked, dict) and linked.get("record_id"):
        target = db.get(Record, linked["record_id"])
        if target is not None and target.deleted_at is None and target.status in VISIBLE_STATUSES:
            place.append(target.title)
    if address := value(_first(defs, ("text",), ("adresse", "address", "lieu"))):
        place.append(str(address))
    zone_def = _first(defs, ("zone",), ("commune", "zone"))
    zones = value(zone_def)
    zones = zones if isinstance(zones, list) else [zones] if zones else []
    if zone_def is not None and zones:  # the commune by name, unless the address already says it
        names = references.names_for(db, [zone_def], [data])
        said = F.fold(" ".join(place))
        place.extend(n for z in zones if (n := names.zone(zone_def, z)) != str(z) and F.fold(n) not in said)
    point = value(_first(defs, ("geometry",), ("localisation", "position")))
    themes = value(_first(defs, ("theme",)))
    return {
        "title": record.title,
        "description": description if isinstance(description, str) else "",
        "location": ", ".join(dict.fromkeys(p for p in place if p)),
        "place_record_id": linked.get("record_id") if isinstance(linked, dict) and place else None,
        "url": value(_first(defs, ("url",))) or None,
        "organiser": str(value(_first(defs, ("text",), ("organisateur", "organiser", "organisatrice"))) or ""),
        "schedule": value(schedule_def) if schedule_def is not None and schedule_def in defs else None,
        "themes": list(themes or []),
        "zones": [str(z) for z in zones],
        "point": point if isinstance(point, dict) and point.get("type") == "Point" else None,
    }


def event_schedule(record: Record) -> dict[str, Any]:
    """The stored schedule of an event record."""
    schedule_def = schedule_field(record.form)
    return (record.data.get(schedule_def.id) if schedule_def is not None else None) or {}


def describe(record: Record) -> str:
    """The schedule in French words, with its recurrence."""
    from wiki.agenda.rules import describe_rrule

    schedule = event_schedule(record)
    if not schedule:
        return ""
    text = format_schedule({**schedule, "rrule": None, "rdates": None})
    if schedule.get("rrule"):
        text += " — " + describe_rrule(schedule["rrule"])
    return text + format_rdates(schedule)


# --- keeping the agenda rows and the occurrence index --------------------------------------


def sync_event(
    db: Session, record: Record, *, now: dt.datetime | None = None, fresh: bool = False
) -> AgendaEvent | None:
    """Bring a record's agenda row and occurrences in step with its values; None when it is no event.

    ``fresh``: the record was just created, so it has no agenda row yet.
    """
    field_def = schedule_field(record.form) if record.form.deleted_at is None else None
    schedule = record.data.get(field_def.id) if field_def is not None and record.deleted_at is None else None
    if fresh and not schedule:
        return None  # no row to look for: an import of a thousand non-events asks nothing
    event = db.get(AgendaEvent, record.id)
    if not schedule:
        if event is not None:
            db.execute(
                delete(AgendaOccurrence).where(AgendaOccurrence.record_id == record.id), execution_options=BY_KEY
            )
            db.delete(event)
            db.flush()
        return None
    if event is None:
        event = AgendaEvent(record_id=record.id, form_id=record.form_id, uid=_new_uid(record), sequence=0,
                            overrides={}, cancelled=[], snapshot={}, created_at=record.created_at)  # fmt: skip
        db.add(event)
    values = event_values(db, record)
    event.public = record.status in VISIBLE_STATUSES and values["schedule"] is not None
    event.organiser = one_line(values["organiser"])
    event.title = values["title"][:300]
    event.location = values["location"][:500]
    event.timezone = str(schedule.get("timezone") or "Europe/Paris")[:64]
    _touch(event, schedule, record.status)
    reindex(db, event, schedule, now=now)
    announce_event(db, event, record)
    return event


def sync_form(db: Session, form: Form) -> None:
    """Re-index every live record of a form (its schedule field may have appeared or changed visibility)."""
    for record in lookups.live_records_of(db, form):
        sync_event(db, record)


def _new_uid(record: Record) -> str:
    return f"evenement-{record.id}-{secrets.token_hex(4)}@lieudit"


def one_line(text: str) -> str:
    """Collapse whitespace and cut at 200 characters, as organisers are stored and filtered on."""
    return " ".join(text.split())[:200]


def _touch(event: AgendaEvent, schedule: dict[str, Any], status: str) -> None:
    """Raise SEQUENCE when what calendar clients show changed (RFC 5545 §3.8.7.4)."""
    view = _sequence_view(schedule, event, status)
    if event.snapshot and view != event.snapshot:
        event.sequence = (event.sequence or 0) + 1
    event.snapshot = view
    event.updated_at = utcnow()


def _sequence_view(schedule: dict[str, Any] | None, event: AgendaEvent, status: str) -> dict[str, Any]:
    kept = ("start", "end", "all_day", "timezone", "rrule", "exdates", "rdates")
    return {
        "schedule": {k: (schedule or {}).get(k) for k in kept},
        "status": status,
        "cancelled": sorted(event.cancelled or []),
        "overrides": event.overrides or {},
    }


def reindex(db: Session, event: AgendaEvent, schedule: dict[str, Any], *, now: dt.datetime | None = None) -> None:
    """Rebuild the stored occurrences of one event (recurring ones around ``now``)."""
    now = now or utcnow()
    event.recurring = bool(schedule.get("rrule") or schedule.get("rdates"))  # several dates: indexed around now
    db.execute(delete(AgendaOccurrence).where(AgendaOccurrence.record_id == event.record_id), execution_options=BY_KEY)
    if event.recurring:
        low, high = now - INDEX_PAST, now + INDEX_FUTURE
    else:
        first = wall_start(schedule).replace(tzinfo=schedule_zone(schedule))
        low, high = first - dt.timedelta(days=2), first + dt.timedelta(days=369)
    event.window_start, event.window_end = (low, high) if event.recurring else (None, None)
    db.flush()
    try:
        found = expand_event(event, schedule, low, high)
    except (RecurrenceError, FieldError):
        found = []  # an unreadable old schedule shows nothing rather than failing every save
    db.add_all(
        AgendaOccurrence(
            record_id=event.record_id,
            recurrence_id=o.recurrence_id,
            start=o.start,
            end=o.end or o.start,
            all_day=o.all_day,
            cancelled=o.cancelled,
        )  # fmt: skip
        for o in found
    )
    db.flush()


def expand_event(event: AgendaEvent, schedule: dict[str, Any], low: dt.datetime, high: dt.datetime) -> list[Occurrence]:
    """Expand an event's schedule between ``low`` and ``high`` with its changed and cancelled occurrences."""
    return expand(schedule, low, high, overrides=event.overrides or {}, cancelled=set(event.cancelled or ()),
                  max_occurrences=MAX_LIVE)  # fmt: skip


def resync_event(db: Session, record: Record, event: AgendaEvent) -> None:
    """Recompute an event after one of its occurrences changed: SEQUENCE, occurrence index, announcement."""
    schedule = event_schedule(record)
    _touch(event, schedule, record.status)
    reindex(db, event, schedule)
    announce_event(db, event, record)


def announce_event(db: Session, event: AgendaEvent, record: Record) -> None:
    """Tell subscribers (the feeds, which store the event's VEVENTs) that the event was recomputed."""
    signals.agenda_event_synced.send(event, session=db, event=event, record=record)


def refresh_windows(db: Session, *, now: dt.datetime | None = None) -> int:
    """Move the stored window of recurring events whose index ends within 9 months; return how many."""
    now = now or utcnow()
    soon = now + INDEX_FUTURE - dt.timedelta(days=90)
    rows = db.scalars(select(AgendaEvent).where(AgendaEvent.recurring.is_(True), AgendaEvent.window_end < soon))
    count = 0
    for event in rows:
        record = db.get(Record, event.record_id)
        schedule_def = schedule_field(record.form) if record is not None else None
        if record is not None and schedule_def is not None and record.data.get(schedule_def.id):
            reindex(db, event, record.data[schedule_def.id], now=now)
            count += 1
    return count
