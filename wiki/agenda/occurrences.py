"""Reading the agenda: filters, the occurrences of a range (the month grid, lists, the API), those of one event.

Occurrences come from the stored index (``AgendaOccurrence``); a recurring
event whose stored window does not cover the range is expanded on the fly.
Every query returns :class:`AgendaItem` objects carrying the event's stored
facts, with the title, place and description of a changed occurrence. No
request globals here (STYLE R6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.levels import parse_zone_keys
from wiki.agenda.models import AgendaEvent
from wiki.agenda.models import AgendaOccurrence
from wiki.agenda.projection import event_forms
from wiki.agenda.projection import event_schedule
from wiki.agenda.projection import expand_event
from wiki.agenda.projection import one_line
from wiki.agenda.projection import schedule_field
from wiki.agenda.recurrence import schedule_zone
from wiki.agenda.rules import RecurrenceError
from wiki.db import utcnow
from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet
from wiki.records.values import FieldError

MAX_RANGE = dt.timedelta(days=732)
LONGEST = dt.timedelta(days=368)  # an event lasts a year at most (values.MAX_EVENT)


# --- filters -------------------------------------------------------------------------------


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
        themes=many("theme"),
        zones=many("zone"),
        organiser=str(args.get("organisateur") or "").strip()[:200],
        form=str(args.get("formulaire") or args.get("form") or "").strip()[:64],
    )


def event_conditions(db: Session, filters: AgendaFilters, *, public_only: bool = True) -> list[Any]:
    """SQL conditions on AgendaEvent for the filters."""
    conditions: list[Any] = []
    if public_only:
        conditions.append(AgendaEvent.public.is_(True))
    forms = event_forms(db)
    if filters.form:
        wanted = [f.id for f in forms if f.key == filters.form]
        conditions.append(AgendaEvent.form_id.in_(wanted or [-1]))
    if filters.themes:
        ids = {d.id for f in forms for d in form_services.form_fields(f) if d.type == "theme"}
        conditions.append(
            exists().where(
                RecordFacet.record_id == AgendaEvent.record_id,
                RecordFacet.field_id.in_(ids or ["-"]),
                RecordFacet.value.in_(filters.themes),
            )  # fmt: skip
        )
    if filters.zones:
        conditions.append(_in_zones(forms, filters.zones))
    if filters.organiser:
        conditions.append(AgendaEvent.organiser == one_line(filters.organiser))
    return conditions


def _in_zones(forms: list[Any], zones: list[str]) -> Any:
    """Events whose zone field names one of ``zones`` (zone keys: a commune's code, ``level:code`` otherwise).

    A zone is matched in the fields that accept its level only: commune 35013 is not canton 35013.
    """
    fields = [d for f in forms for d in form_services.form_fields(f) if d.type == "zone"]
    matches = [
        and_(RecordFacet.field_id.in_(ids), RecordFacet.value == code)
        for level, code in parse_zone_keys(zones)
        if (ids := [d.id for d in fields if level in F.zone_levels_of(d)])
    ]
    return exists().where(RecordFacet.record_id == AgendaEvent.record_id, or_(*matches)) if matches else false()


# --- occurrences in a range ----------------------------------------------------------------


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


def occurrences(
    db: Session,
    start: dt.datetime,
    end: dt.datetime,
    filters: AgendaFilters | None = None,
    *,
    limit: int = 5000,
    newest_first: bool = False,
    public_only: bool = True,
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
    kept: list[Any] = []
    hidden: dict[dt.date, int] = {}
    shown: dict[dt.date, int] = {}
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
    db: Session,
    start: dt.datetime,
    end: dt.datetime,
    filters: AgendaFilters | None,
    *,
    limit: int,
    newest_first: bool = False,
    public_only: bool = True,
) -> list[tuple[Any, ...]]:
    """``(record_id, key, start, end, all_day, cancelled)`` of the occurrences in the range, by start."""
    _check_range(start, end)
    filters = filters or AgendaFilters()
    conditions = event_conditions(db, filters, public_only=public_only)
    covered = or_(
        AgendaEvent.recurring.is_(False), and_(AgendaEvent.window_start <= start, AgendaEvent.window_end >= end)
    )
    order = (AgendaOccurrence.start.desc(),) if newest_first else (AgendaOccurrence.start, AgendaOccurrence.record_id)
    rows = db.execute(
        select(
            AgendaOccurrence.record_id,
            AgendaOccurrence.recurrence_id,
            AgendaOccurrence.start,
            AgendaOccurrence.end,
            AgendaOccurrence.all_day,
            AgendaOccurrence.cancelled,
        )
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


def _check_range(start: dt.datetime, end: dt.datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None or end <= start or end - start > MAX_RANGE:
        raise ValidationError(str(_l("Période invalide : la fin doit suivre le début, deux ans au plus.")))


def _live(db: Session, event: AgendaEvent, start: dt.datetime, end: dt.datetime) -> list[tuple[Any, ...]]:
    """Expand one recurring event outside its stored window."""
    record = db.get(Record, event.record_id)
    schedule_def = schedule_field(record.form) if record is not None else None
    schedule = record.data.get(schedule_def.id) if record is not None and schedule_def is not None else None
    if not schedule:
        return []
    try:
        found = expand_event(event, schedule, start, end)
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
    changed: dict[int, Any] = dict(
        db.execute(
            select(AgendaEvent.record_id, AgendaEvent.overrides).where(
                AgendaEvent.record_id.in_(ids), AgendaEvent.sequence > 0
            )
        ).all()
    )  # fmt: skip (changes raise SEQUENCE)
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


# --- one event's occurrences ---------------------------------------------------------------


def event_occurrences(db: Session, record: Record, event: AgendaEvent, *, now: dt.datetime | None = None,
                      number: int = 20, past: bool = False) -> list[AgendaItem]:  # fmt: skip
    """The next (or last) occurrences of one event, cancelled and moved ones included."""
    now = now or utcnow()
    schedule = event_schedule(record)
    start, end = (
        (now - MAX_RANGE + dt.timedelta(days=1), now) if past else (now, now + MAX_RANGE - dt.timedelta(days=1))
    )
    try:
        found = expand_event(event, schedule, start, end)
    except (RecurrenceError, FieldError):
        return []
    if past:
        found = found[-number:][::-1]
    rows = [
        (event.record_id, o.recurrence_id, o.start, o.end or o.start, o.all_day, o.cancelled) for o in found[:number]
    ]
    return _items(db, rows)
