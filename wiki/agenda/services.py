"""Agenda services: keep the occurrence index in step with event records, query it, change one occurrence.

An *event form* is any form with a schedule field; its first schedule field
is the event's date. ``sync_event`` runs on every record save or deletion
(connected to the records signals in ``init_app``): it creates the
``AgendaEvent`` row (with a stable UID), raises SEQUENCE when the schedule
changed, and rebuilds the occurrence rows. Only public values go into the
agenda: a record that is not published, or whose schedule field is not
public, is indexed as not public and never shown to visitors, in feeds nor
in the API. No request globals here (STYLE R6).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import delete
from sqlalchemy import exists
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.agenda.models import AgendaEvent
from wiki.agenda.models import AgendaOccurrence
from wiki.agenda.recurrence import Occurrence
from wiki.agenda.recurrence import expand
from wiki.agenda.recurrence import occurrence_key
from wiki.agenda.recurrence import schedule_zone
from wiki.agenda.recurrence import wall_start
from wiki.agenda.rules import RecurrenceError
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records import services as records
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet
from wiki.records.values import UNSAFE_RE
from wiki.records.values import FieldError
from wiki.records.values import clean_schedule
from wiki.records.values import format_schedule

#: How far around "now" a recurring event's occurrences are stored.
INDEX_PAST = dt.timedelta(days=366)
INDEX_FUTURE = dt.timedelta(days=366)
MAX_RANGE = dt.timedelta(days=732)
LONGEST = dt.timedelta(days=368)  # an event lasts a year at most (values.MAX_EVENT)
MAX_LIVE = 2000  # occurrences expanded per event on the fly
VISIBLE_STATUSES = ("published", "archived")
OVERRIDE_KEYS = ("start", "end", "title", "description", "location", "status")


# --- event forms and their fields -------------------------------------------------------


def schedule_field(form: Form) -> F.FieldDef | None:
    """The form's first schedule field (the event's date), or None for a form that is not an agenda."""
    return next((d for d in records.form_fields(form) if d.type == "schedule"), None)


def event_forms(db: Session) -> list[Form]:
    """Live forms that have a schedule field."""
    return [f for f in records.list_forms(db) if schedule_field(f) is not None]


def get_event_form(db: Session, key: str) -> Form:
    """Return a live form with a schedule field.

    :raises NotFound: no such form, or it has no schedule field.
    """
    form = records.get_form(db, key)
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
    rule = records.disclosure(record.form)
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
    zones = value(_first(defs, ("zone",), ("commune", "zone")))
    zones = zones if isinstance(zones, list) else [zones] if zones else []
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


# --- keeping the index ------------------------------------------------------------------


def _new_uid(record: Record) -> str:
    return f"evenement-{record.id}-{secrets.token_hex(4)}@lieudit"


def _sequence_view(schedule: dict[str, Any] | None, event: AgendaEvent, status: str) -> dict[str, Any]:
    kept = ("start", "end", "all_day", "timezone", "rrule", "exdates")
    return {
        "schedule": {k: (schedule or {}).get(k) for k in kept},
        "status": status,
        "cancelled": sorted(event.cancelled or []),
        "overrides": event.overrides or {},
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def sync_event(db: Session, record: Record, *, now: dt.datetime | None = None) -> AgendaEvent | None:
    """Bring a record's agenda row and occurrences in step with its values; None when it is no event."""
    event = db.get(AgendaEvent, record.id)
    field_def = schedule_field(record.form) if record.form.deleted_at is None else None
    schedule = record.data.get(field_def.id) if field_def is not None and record.deleted_at is None else None
    if not schedule:
        if event is not None:
            db.execute(delete(AgendaOccurrence).where(AgendaOccurrence.record_id == record.id))
            db.delete(event)
            db.flush()
        return None
    if event is None:
        event = AgendaEvent(record_id=record.id, form_id=record.form_id, uid=_new_uid(record), sequence=0,
                            overrides={}, cancelled=[], snapshot={}, created_at=record.created_at)  # fmt: skip
        db.add(event)
    values = event_values(db, record)
    event.public = record.status in VISIBLE_STATUSES and values["schedule"] is not None
    event.organiser = _one_line(values["organiser"])
    event.title = values["title"][:300]
    event.location = values["location"][:500]
    event.timezone = str(schedule.get("timezone") or "Europe/Paris")[:64]
    _touch(event, schedule, record.status)
    reindex(db, event, schedule, now=now)
    return event


def _touch(event: AgendaEvent, schedule: dict[str, Any], status: str) -> None:
    """Raise SEQUENCE when what calendar clients show changed (RFC 5545 §3.8.7.4)."""
    view = _sequence_view(schedule, event, status)
    if event.snapshot and view != event.snapshot:
        event.sequence = (event.sequence or 0) + 1
    event.snapshot = view
    event.updated_at = utcnow()


def reindex(db: Session, event: AgendaEvent, schedule: dict[str, Any], *, now: dt.datetime | None = None) -> None:
    """Rebuild the stored occurrences of one event (recurring ones around ``now``)."""
    now = now or utcnow()
    event.recurring = bool(schedule.get("rrule"))
    db.execute(delete(AgendaOccurrence).where(AgendaOccurrence.record_id == event.record_id))
    if event.recurring:
        low, high = now - INDEX_PAST, now + INDEX_FUTURE
    else:
        first = wall_start(schedule).replace(tzinfo=schedule_zone(schedule))
        low, high = first - dt.timedelta(days=2), first + dt.timedelta(days=369)
    event.window_start, event.window_end = (low, high) if event.recurring else (None, None)
    db.flush()
    try:
        found = _expand(event, schedule, low, high)
    except (RecurrenceError, FieldError):
        found = []  # an unreadable old schedule shows nothing rather than failing every save
    db.add_all(
        AgendaOccurrence(record_id=event.record_id, recurrence_id=o.recurrence_id, start=o.start, end=o.end or o.start,
                         all_day=o.all_day, cancelled=o.cancelled)  # fmt: skip
        for o in found
    )
    db.flush()


def _expand(event: AgendaEvent, schedule: dict[str, Any], low: dt.datetime, high: dt.datetime) -> list[Occurrence]:
    return expand(schedule, low, high, overrides=event.overrides or {}, cancelled=set(event.cancelled or ()),
                  max_occurrences=MAX_LIVE)  # fmt: skip


def refresh_windows(db: Session, *, now: dt.datetime | None = None) -> int:
    """Move the stored window of recurring events whose index ends within 9 months; return how many."""
    now = now or utcnow()
    soon = now + INDEX_FUTURE - dt.timedelta(days=90)
    rows = db.scalars(select(AgendaEvent).where(AgendaEvent.recurring.is_(True), AgendaEvent.window_end < soon))
    count = 0
    for event in rows:
        record = db.get(Record, event.record_id)
        schedule_def = schedule_field(record.form) if record is not None else None
        if schedule_def is not None and record.data.get(schedule_def.id):
            reindex(db, event, record.data[schedule_def.id], now=now)
            count += 1
    return count


# --- reading the agenda -----------------------------------------------------------------


@dataclass
class AgendaFilters:
    """What a visitor filters the agenda on (all optional)."""

    themes: list[str] = field(default_factory=list)
    zones: list[str] = field(default_factory=list)
    organiser: str = ""
    form: str = ""

    def query_args(self) -> dict[str, Any]:
        """The filters as URL arguments (French names)."""
        args: dict[str, Any] = {}
        if self.themes:
            args["theme"] = self.themes
        if self.zones:
            args["zone"] = self.zones
        if self.organiser:
            args["organisateur"] = self.organiser
        if self.form:
            args["formulaire"] = self.form
        return args

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.themes or self.zones or self.organiser or self.form)


def parse_filters(args: Any) -> AgendaFilters:
    """Read ``theme``, ``zone``, ``organisateur`` and ``formulaire`` (or ``form``) from URL arguments."""
    getlist = getattr(args, "getlist", None)

    def many(name: str) -> list[str]:
        """Every value of an argument, repeated or comma-separated."""
        raw = getlist(name) if callable(getlist) else [args.get(name)] if args.get(name) else []
        return [v.strip()[:100] for item in raw for v in str(item).split(",") if v.strip()][:20]

    return AgendaFilters(
        themes=many("theme"), zones=many("zone"), organiser=str(args.get("organisateur") or "").strip()[:200],
        form=str(args.get("formulaire") or args.get("form") or "").strip()[:64],
    )


@dataclass
class AgendaItem:
    """One occurrence to show: the event's public facts and its dates."""

    record_id: int
    uid: str
    title: str
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    timezone: str
    recurrence_id: str
    cancelled: bool
    recurring: bool
    location: str = ""
    organiser: str = ""
    description: str = ""
    url: str | None = None
    form_key: str = ""
    moved: bool = False

    @property
    def status(self) -> str:
        """``CANCELLED`` or ``CONFIRMED``."""
        return "CANCELLED" if self.cancelled else "CONFIRMED"

    @property
    def last_day(self) -> dt.date:
        """The last local day the occurrence covers."""
        end = self.end if not self.all_day else self.end - dt.timedelta(seconds=1)
        return max(end, self.start).date()


def _event_filter(db: Session, filters: AgendaFilters, *, public_only: bool = True) -> list[Any]:
    """SQL conditions on AgendaEvent for the filters."""
    conditions: list[Any] = []
    if public_only:
        conditions.append(AgendaEvent.public.is_(True))
    forms = event_forms(db)
    if filters.form:
        wanted = [f.id for f in forms if f.key == filters.form]
        conditions.append(AgendaEvent.form_id.in_(wanted or [-1]))
    for kind, values in (("theme", filters.themes), ("zone", filters.zones)):
        if not values:
            continue
        ids = {d.id for f in forms for d in records.form_fields(f) if d.type == kind}
        conditions.append(
            exists().where(RecordFacet.record_id == AgendaEvent.record_id, RecordFacet.field_id.in_(ids or ["-"]),
                           RecordFacet.value.in_(values))  # fmt: skip
        )
    if filters.organiser:
        conditions.append(AgendaEvent.organiser == _one_line(filters.organiser))
    return conditions


def _check_range(start: dt.datetime, end: dt.datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None or end <= start or end - start > MAX_RANGE:
        raise ValidationError(str(_l("Période invalide : la fin doit suivre le début, deux ans au plus.")))


def occurrences(
    db: Session, start: dt.datetime, end: dt.datetime, filters: AgendaFilters | None = None, *,
    limit: int = 5000, newest_first: bool = False, public_only: bool = True,
) -> list[AgendaItem]:
    """Occurrences overlapping ``[start, end)`` (aware bounds, two years at most), cancelled ones included.

    :raises ValidationError: the range is invalid.
    """
    found = _occurrence_rows(db, start, end, filters, limit=limit, newest_first=newest_first, public_only=public_only)
    return _items(db, found)


def grid_occurrences(
    db: Session, start: dt.datetime, end: dt.datetime, filters: AgendaFilters | None, *, per_day: int, zone: Any
) -> tuple[list[AgendaItem], dict[dt.date, int]]:
    """Occurrences for a calendar grid: at most ``per_day`` one-day occurrences a day, and how many more each day has.

    :raises ValidationError: the range is invalid.
    """
    kept, hidden, shown = [], {}, {}
    for row in _occurrence_rows(db, start, end, filters, limit=100_000):
        day = row[2].astimezone(zone).date()
        if row[3] - row[2] <= dt.timedelta(hours=25):  # one day (DST days last 23 or 25 hours); longer ones always show
            if shown.get(day, 0) >= per_day:
                hidden[day] = hidden.get(day, 0) + 1
                continue
            shown[day] = shown.get(day, 0) + 1
        kept.append(row)
    return _items(db, kept), hidden


def _occurrence_rows(
    db: Session, start: dt.datetime, end: dt.datetime, filters: AgendaFilters | None, *, limit: int,
    newest_first: bool = False, public_only: bool = True,
) -> list[tuple[Any, ...]]:
    """``(record_id, key, start, end, all_day, cancelled)`` of the occurrences in the range, by start."""
    _check_range(start, end)
    filters = filters or AgendaFilters()
    conditions = _event_filter(db, filters, public_only=public_only)
    covered = or_(AgendaEvent.recurring.is_(False), and_(AgendaEvent.window_start <= start, AgendaEvent.window_end >= end))
    order = (AgendaOccurrence.start.desc(),) if newest_first else (AgendaOccurrence.start, AgendaOccurrence.record_id)
    rows = db.execute(
        select(AgendaOccurrence.record_id, AgendaOccurrence.recurrence_id, AgendaOccurrence.start, AgendaOccurrence.end,
               AgendaOccurrence.all_day, AgendaOccurrence.cancelled)
        .join(AgendaEvent, AgendaEvent.record_id == AgendaOccurrence.record_id)
        .where(AgendaOccurrence.start < end, AgendaOccurrence.start > start - LONGEST, covered, *conditions)
        .where(or_(AgendaOccurrence.end > start, AgendaOccurrence.start >= start))
        .order_by(*order)
        .limit(limit)
    ).all()
    found = [tuple(row) for row in rows]
    for event in db.scalars(select(AgendaEvent).where(~covered, *conditions)):
        found += _live(db, event, start, end)
    found.sort(key=lambda r: (r[2], r[0]), reverse=newest_first)
    return found[:limit]


def _live(db: Session, event: AgendaEvent, start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    """Expand one recurring event outside its stored window."""
    record = db.get(Record, event.record_id)
    schedule_def = schedule_field(record.form) if record is not None else None
    schedule = record.data.get(schedule_def.id) if schedule_def is not None else None
    if not schedule:
        return []
    try:
        found = _expand(event, schedule, start, end)
    except (RecurrenceError, FieldError):
        return []
    return [(event.record_id, o.recurrence_id, o.start, o.end or o.start, o.all_day, o.cancelled) for o in found]


def _items(db: Session, found: list[tuple[Any, ...]]) -> list[AgendaItem]:
    """Occurrence rows ``(record_id, key, start, end, all_day, cancelled)`` with their events' stored facts."""
    ids = {row[0] for row in found}
    if not ids:
        return []
    columns = (AgendaEvent.record_id, AgendaEvent.uid, AgendaEvent.title, AgendaEvent.location, AgendaEvent.organiser,
               AgendaEvent.timezone, AgendaEvent.recurring, Form.key)  # fmt: skip
    facts = {row[0]: row for row in db.execute(
        select(*columns).join(Form, Form.id == AgendaEvent.form_id).where(AgendaEvent.record_id.in_(ids)))}  # fmt: skip
    changed = dict(db.execute(select(AgendaEvent.record_id, AgendaEvent.overrides).where(
        AgendaEvent.record_id.in_(ids), AgendaEvent.sequence > 0)).all())  # fmt: skip (changes raise SEQUENCE)
    zones: dict[str, Any] = {}
    items = []
    for record_id, key, start, end, all_day, cancelled in found:
        fact = facts.get(record_id)
        if fact is None:
            continue
        _, uid, title, location, organiser, zone_name, recurring, form_key = fact
        zone = zones.get(zone_name) or zones.setdefault(zone_name, schedule_zone({"timezone": zone_name}))
        change = (changed.get(record_id) or {}).get(key) or {}
        items.append(AgendaItem(
            record_id=record_id, uid=uid, title=change.get("title") or title, start=start.astimezone(zone),
            end=end.astimezone(zone), all_day=all_day, timezone=zone.key, recurrence_id=key, cancelled=cancelled,
            recurring=recurring, location=change.get("location") or location, organiser=organiser,
            description=change.get("description") or "", form_key=form_key,
            moved=bool(change.get("start") or change.get("end")),
        ))  # fmt: skip
    return items


def upcoming(db: Session, filters: AgendaFilters | None = None, *, now: dt.datetime | None = None, number: int = 5,
             days: int = 366) -> list[AgendaItem]:  # fmt: skip
    """The next ``number`` occurrences that are not over nor cancelled."""
    now = now or utcnow()
    items = occurrences(db, now, now + dt.timedelta(days=days), filters, limit=number * 3 + 50)
    return [i for i in items if not i.cancelled][:number]


def organisers(db: Session) -> list[str]:
    """Organisers of public events, as written, for the filter menu."""
    query = select(AgendaEvent.organiser).where(AgendaEvent.public.is_(True), AgendaEvent.organiser != "").distinct()
    return sorted(db.scalars(query), key=F.fold)


# --- one event, its occurrences, and their changes ---------------------------------------


def get_event(db: Session, record_id: int, actor: Any) -> tuple[Record, AgendaEvent]:
    """Return an event record the actor may see, and its agenda row.

    :raises NotFound: no such event, or not visible to the actor.
    """
    record = records.get_record(db, record_id, actor)
    event = db.get(AgendaEvent, record.id)
    if event is None:
        raise NotFound(str(_l("Cet événement n'existe pas.")))
    return record, event


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
    text = format_schedule({**schedule, "rrule": None})
    if schedule.get("rrule"):
        text += " — " + describe_rrule(schedule["rrule"])
    return text


def event_occurrences(db: Session, record: Record, event: AgendaEvent, *, now: dt.datetime | None = None,
                      number: int = 20, past: bool = False) -> list[AgendaItem]:  # fmt: skip
    """The next (or last) occurrences of one event, cancelled and moved ones included."""
    now = now or utcnow()
    schedule = event_schedule(record)
    start, end = (now - MAX_RANGE + dt.timedelta(days=1), now) if past else (now, now + MAX_RANGE - dt.timedelta(days=1))
    try:
        found = _expand(event, schedule, start, end)
    except (RecurrenceError, FieldError):
        return []
    if past:
        found = found[-number:][::-1]
    rows = [(event.record_id, o.recurrence_id, o.start, o.end or o.start, o.all_day, o.cancelled) for o in found[:number]]
    return _items(db, rows)


def _check_edit(record: Record, actor: Any, policy: str) -> None:
    if not records.can_edit_record(actor, record, policy) or not getattr(actor, "is_authenticated", False):
        raise Forbidden(str(_l("Vous n'avez pas le droit de modifier cet événement.")))


def check_occurrence(record: Record, event: AgendaEvent, key: str) -> str:
    """Normalise an occurrence key and check the series has (or had) that occurrence.

    :raises NotFound: the series has no such occurrence.
    """
    schedule = event_schedule(record)
    try:
        zone, all_day = schedule_zone(schedule), bool(schedule.get("all_day"))
        key = occurrence_key(key, zone, all_day)
        moment = (dt.datetime.fromisoformat(key) if len(key) > 10 else dt.datetime.fromisoformat(key + "T00:00"))
        moment = moment.replace(tzinfo=zone)
        found = expand(schedule, moment - dt.timedelta(days=1), moment + dt.timedelta(days=2),
                       max_occurrences=100)  # fmt: skip
    except (RecurrenceError, FieldError, ValueError):
        raise NotFound(str(_l("Cette occurrence n'existe pas."))) from None
    if key not in {o.recurrence_id for o in found}:
        raise NotFound(str(_l("Cette occurrence n'existe pas.")))
    return key


def change_occurrence(
    db: Session, record: Record, event: AgendaEvent, key: str, changes: dict[str, Any], *, actor: Any, policy: str
) -> str:
    """Move or retitle one occurrence (``start``, ``end``, ``title``, ``description``, ``location``); return its key.

    :raises Forbidden: the actor may not edit the event.
    :raises NotFound: the series has no such occurrence.
    :raises ValidationError: a changed date is invalid (``errors`` by input name).
    """
    _check_edit(record, actor, policy)
    key = check_occurrence(record, event, key)
    schedule = event_schedule(record)
    zone_name, all_day = schedule_zone(schedule).key, bool(schedule.get("all_day"))
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    try:
        moved = clean_schedule(
            {"start": changes.get("start") or key, "end": changes.get("end") or None, "all_day": all_day,
             "timezone": zone_name}, zone_name)  # fmt: skip
    except FieldError as error:
        errors["start"] = error.message
        moved = None
    for name in ("title", "description", "location"):
        text = str(changes.get(name) or "").strip()
        if len(text) > (100_000 if name == "description" else 500) or UNSAFE_RE.search(text):
            errors[name] = str(_l("Texte invalide ou trop long."))
        elif text:
            clean[name] = text
    if errors:
        raise ValidationError(str(_l("L'occurrence n'a pas été modifiée : corrigez les champs signalés.")), errors)
    if moved and moved["start"] != key:
        clean["start"] = moved["start"]
    if moved and moved.get("end"):
        clean["end"] = moved["end"]
    overrides = dict(event.overrides or {})
    if clean:
        overrides[key] = clean
    else:
        overrides.pop(key, None)
    event.overrides = overrides
    _after_change(db, record, event)
    return key


def cancel_occurrence(
    db: Session, record: Record, event: AgendaEvent, key: str, *, actor: Any, policy: str, cancelled: bool = True
) -> str:
    """Cancel one occurrence (or restore it with ``cancelled=False``); return its key.

    :raises Forbidden: the actor may not edit the event.
    :raises NotFound: the series has no such occurrence.
    """
    _check_edit(record, actor, policy)
    key = check_occurrence(record, event, key)
    keys = set(event.cancelled or [])
    keys = keys | {key} if cancelled else keys - {key}
    event.cancelled = sorted(keys)
    _after_change(db, record, event)
    return key


def reset_occurrence(db: Session, record: Record, event: AgendaEvent, key: str, *, actor: Any, policy: str) -> None:
    """Give one occurrence back the series' values (no move, no cancellation).

    :raises Forbidden: the actor may not edit the event.
    """
    _check_edit(record, actor, policy)
    event.overrides = {k: v for k, v in (event.overrides or {}).items() if k != key}
    event.cancelled = [k for k in event.cancelled or [] if k != key]
    _after_change(db, record, event)


def _after_change(db: Session, record: Record, event: AgendaEvent) -> None:
    schedule = event_schedule(record)
    _touch(event, schedule, record.status)
    reindex(db, event, schedule)


def set_imported(db: Session, record: Record, *, uid: str, overrides: dict[str, Any], cancelled: Iterable[str],
                 source: str = "") -> AgendaEvent:  # fmt: skip
    """Give an imported event its source's UID and changed occurrences (the importer calls this after saving).

    :raises ValidationError: the UID is taken by another event.
    """
    event = db.get(AgendaEvent, record.id) or sync_event(db, record)
    if event is None:
        raise ValidationError(str(_l("Cette fiche n'a pas de date : ce n'est pas un événement.")))
    other = db.scalar(select(AgendaEvent.record_id).where(AgendaEvent.uid == uid, AgendaEvent.record_id != record.id))
    if other is not None:
        raise ValidationError(str(_l("Cet identifiant (UID) appartient déjà à un autre événement.")))
    event.uid = uid
    event.source = source[:300]
    clean = {k: {n: v for n, v in change.items() if n in OVERRIDE_KEYS} for k, change in overrides.items()}
    if clean != (event.overrides or {}) or sorted(set(cancelled)) != sorted(event.cancelled or []):
        event.overrides, event.cancelled = clean, sorted(set(cancelled))
        _after_change(db, record, event)
    return event


def sequence_of(db: Session, record: Record) -> int | None:
    """The event's current SEQUENCE (None when the record is no event)."""
    event = db.get(AgendaEvent, record.id)
    return None if event is None else event.sequence


def find_by_uid(db: Session, uid: str) -> Record | None:
    """The live record of the event with this UID, if any."""
    record_id = db.scalar(select(AgendaEvent.record_id).where(AgendaEvent.uid == uid))
    record = db.get(Record, record_id) if record_id is not None else None
    return record if record is not None and record.deleted_at is None else None


# --- feeds --------------------------------------------------------------------------


def _feed_query(db: Session, filters: AgendaFilters | None, record_ids: Iterable[int] | None, now: dt.datetime | None,
                *columns: Any) -> Any:  # fmt: skip
    conditions = _event_filter(db, filters or AgendaFilters())
    query = select(*columns).join(Record, Record.id == AgendaEvent.record_id).where(*conditions, Record.deleted_at.is_(None))
    if record_ids is not None:
        return query.where(AgendaEvent.record_id.in_(list(record_ids)))
    since = (now or utcnow()) - INDEX_PAST
    recent = exists().where(AgendaOccurrence.record_id == AgendaEvent.record_id, AgendaOccurrence.end >= since)
    return query.where(or_(AgendaEvent.recurring.is_(True), recent))


def feed_index(db: Session, filters: AgendaFilters | None = None, *, now: dt.datetime | None = None) -> list[tuple[int, tuple[Any, ...]]]:
    """``(record_id, version)`` of the events a feed holds, by id; the version changes whenever the event's VEVENTs may."""
    rows = db.execute(_feed_query(db, filters, None, now, AgendaEvent.record_id, AgendaEvent.sequence,
                                  AgendaEvent.updated_at, Record.updated_at).order_by(AgendaEvent.record_id))  # fmt: skip
    return [(record_id, (sequence, event_time, record_time)) for record_id, sequence, event_time, record_time in rows]


def feed_events(db: Session, filters: AgendaFilters | None = None, *, record_ids: Iterable[int] | None = None,
                now: dt.datetime | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """Public events as :mod:`wiki.exports.ical` mappings (whole series, not occurrences).

    Events over for more than a year are left out, unless named in ``record_ids``.
    """
    out = []
    query = _feed_query(db, filters, record_ids, now, AgendaEvent, Record).order_by(AgendaEvent.record_id)
    for event, record in db.execute(query):
        info = event_values(db, record)
        if not info["schedule"]:
            continue
        out.append({
            "uid": event.uid, "title": info["title"], "description": info["description"], "location": info["location"],
            "url": info["url"], "schedule": info["schedule"], "sequence": event.sequence, "created": event.created_at,
            "last_modified": max(event.updated_at, record.updated_at), "status": "CONFIRMED",
            "cancelled": list(event.cancelled or []), "overrides": dict(event.overrides or {}), "record_id": record.id,
        })  # fmt: skip
    return out


def feed_stamp(db: Session) -> str:
    """Changes whenever any event changes: the cache key of feeds."""
    from sqlalchemy import func

    count, latest, records_latest = db.execute(
        select(func.count(), func.max(AgendaEvent.updated_at), func.max(Record.updated_at)).join(
            Record, Record.id == AgendaEvent.record_id
        )
    ).one()
    return f"{count}-{latest}-{records_latest}-{utcnow().date()}"
