"""One event and the changes to its occurrences: move, retitle, cancel or restore one date; imported events.

Changes are kept on the agenda row (``overrides``, ``cancelled``), checked
against the dates the series really has, and recomputed through
:func:`wiki.agenda.projection.resync_event` (SEQUENCE, occurrence index,
stored VEVENTs). No request globals here (STYLE R6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.agenda.models import AgendaEvent
from wiki.agenda.projection import announce_event
from wiki.agenda.projection import event_schedule
from wiki.agenda.projection import resync_event
from wiki.agenda.projection import sync_event
from wiki.agenda.recurrence import expand
from wiki.agenda.recurrence import occurrence_key
from wiki.agenda.recurrence import schedule_zone
from wiki.agenda.rules import RecurrenceError
from wiki.auth import permissions
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import services as records
from wiki.records.models import Record
from wiki.records.schedules import clean_schedule
from wiki.records.values import UNSAFE_RE
from wiki.records.values import FieldError

OVERRIDE_KEYS = ("start", "end", "title", "description", "location", "status")


# --- one event -----------------------------------------------------------------------------


def get_event(db: Session, record_id: int, actor: Any) -> tuple[Record, AgendaEvent]:
    """Return an event record the actor may see, and its agenda row.

    :raises NotFound: no such event, or not visible to the actor.
    """
    record = records.get_record(db, record_id, actor)
    event = db.get(AgendaEvent, record.id)
    if event is None:
        raise NotFound(str(_l("Cet événement n'existe pas.")))
    return record, event


def find_by_uid(db: Session, uid: str) -> Record | None:
    """The live record of the event with this UID, if any."""
    record_id = db.scalar(select(AgendaEvent.record_id).where(AgendaEvent.uid == uid))
    record = db.get(Record, record_id) if record_id is not None else None
    return record if record is not None and record.deleted_at is None else None


def sequence_of(db: Session, record: Record) -> int | None:
    """The event's current SEQUENCE (None when the record is no event)."""
    event = db.get(AgendaEvent, record.id)
    return None if event is None else event.sequence


# --- changing one occurrence ---------------------------------------------------------------


def check_occurrence(record: Record, event: AgendaEvent, key: str) -> str:
    """Normalise an occurrence key and check the series has (or had) that occurrence.

    :raises NotFound: the series has no such occurrence.
    """
    schedule = event_schedule(record)
    try:
        zone, all_day = schedule_zone(schedule), bool(schedule.get("all_day"))
        key = occurrence_key(key, zone, all_day)
        moment = dt.datetime.fromisoformat(key) if len(key) > 10 else dt.datetime.fromisoformat(key + "T00:00")
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
    resync_event(db, record, event)
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
    resync_event(db, record, event)
    return key


def reset_occurrence(db: Session, record: Record, event: AgendaEvent, key: str, *, actor: Any, policy: str) -> None:
    """Give one occurrence back the series' values (no move, no cancellation).

    :raises Forbidden: the actor may not edit the event.
    """
    _check_edit(record, actor, policy)
    event.overrides = {k: v for k, v in (event.overrides or {}).items() if k != key}
    event.cancelled = [k for k in event.cancelled or [] if k != key]
    resync_event(db, record, event)


def _check_edit(record: Record, actor: Any, policy: str) -> None:
    if not permissions.can_edit_record(actor, record, policy) or not getattr(actor, "is_authenticated", False):
        raise Forbidden(str(_l("Vous n'avez pas le droit de modifier cet événement.")))


# --- imported events -----------------------------------------------------------------------


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
    renamed = event.uid != uid
    event.uid = uid
    event.source = source[:300]
    clean = {k: {n: v for n, v in change.items() if n in OVERRIDE_KEYS} for k, change in overrides.items()}
    if clean != (event.overrides or {}) or sorted(set(cancelled)) != sorted(event.cancelled or []):
        event.overrides, event.cancelled = clean, sorted(set(cancelled))
        resync_event(db, record, event)
    elif renamed:
        announce_event(db, event, record)  # the UID is written in every VEVENT
    return event
