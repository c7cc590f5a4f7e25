"""``lieudit import ics FILE --form evenement``: events from an iCalendar file into an event form.

Each VEVENT read by :func:`importers.ical_events.events_from_ical` becomes a
record of the form, through the same record services as the web form, with
its UID kept on the agenda row: importing the same calendar again updates
those records (and their changed or cancelled occurrences) instead of
duplicating them. An event cancelled whole (STATUS:CANCELLED on the series)
is imported with each of its dates cancelled, as the agenda shows a cancelled
one-off event; an endless series cannot be, and is refused. Refused events are
reported one by one; a file that cannot be read at all is refused whole.
Nothing is committed here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from importers.base import ImportResult
from importers.base import RowError
from importers.ical_events import MAX_EXCEPTIONS
from importers.ical_events import events_from_ical
from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.agenda.recurrence import series_keys
from wiki.agenda.rules import RecurrenceError
from wiki.errors import LieuditError
from wiki.errors import ValidationError
from wiki.records import access
from wiki.records import form_services
from wiki.records import services as records
from wiki.records import taxonomy
from wiki.records.values import FieldError

#: The agenda cancels dates, one by one (the UI marks each « Annulé »): a whole series is imported with every
#: date cancelled, which an endless rule has no list of.
ENDLESS_CANCELLED = (f"Série entière annulée (STATUS:CANCELLED) sans fin (ni COUNT ni UNTIL) ou de plus de "
                     f"{MAX_EXCEPTIONS} dates : non importée, l'agenda annule les dates une à une.")  # fmt: skip


def _field_keys(form: Any) -> dict[str, str | None]:
    """Which field of the form receives each imported value."""
    defs = form_services.form_fields(form)

    def pick(kinds: tuple[str, ...], keys: tuple[str, ...]) -> str | None:
        """The key of the first field of those types whose key is one of ``keys``."""
        return next((d.key for d in defs if d.type in kinds and d.key in keys), None)

    schedule = projection.schedule_field(form)
    return {
        "title": form.title_field,
        "schedule": schedule.key if schedule else None,
        "description": pick(("longtext", "text"), ("description", "resume", "presentation")),
        "location": pick(("text",), ("adresse", "address", "lieu")),
        "url": next((d.key for d in defs if d.type == "url"), None),
    }


def _every_date(schedule: dict[str, Any]) -> list[str] | None:
    """The recurrence ids of every date of a cancelled event (None when they cannot all be listed)."""
    try:
        return series_keys(schedule, limit=MAX_EXCEPTIONS)
    except (RecurrenceError, FieldError):
        return None


def _errors(error: ValidationError) -> str:
    return " ; ".join(f"{k} : {v}" for k, v in (error.errors or {}).items()) or error.message


def run(db: Session, data: bytes, *, form: str | None, author: Any, dry_run: bool, source: str = "") -> ImportResult:
    """Import the events of an .ics file into ``form`` (``evenement`` by default); never commits."""
    result = ImportResult(dry_run=dry_run)
    try:
        target = projection.get_event_form(db, form or "evenement")
    except LieuditError as error:
        result.error = error.message
        return result
    keys = _field_keys(target)
    report = events_from_ical(data)
    result.warnings += report.warnings
    result.errors += [RowError(e.ref, e.message) for e in report.errors]
    if not report.ok:
        result.error = report.error
        return result
    ctx = taxonomy.cleaning_context(db)
    for parsed in report.events:
        values = {keys[name]: parsed.values.get(name) for name in ("title", "schedule", "description", "location", "url")
                  if keys[name]}  # fmt: skip
        result.warnings += [f"{parsed.uid} : {w}" for w in parsed.warnings]
        cancelled = list(parsed.cancelled)
        if parsed.values.get("status") == "CANCELLED":
            every = _every_date(parsed.values["schedule"])
            if every is None:
                result.errors.append(RowError(parsed.uid, ENDLESS_CANCELLED))
                continue
            cancelled += every
        savepoint = db.begin_nested()
        try:
            existing = overrides.find_by_uid(db, parsed.uid)
            if existing is not None and existing.form_id != target.id:
                raise ValidationError(f"Cet UID appartient à un événement d'un autre formulaire ({existing.form.key}).")
            if existing is None:
                record = records.create_record(db, target, values, actor=author, policy="account", ctx=ctx,
                                               comment="Import iCalendar")  # fmt: skip
                changed = True
            else:
                submitted = {**access.public_values(existing, author), **values}
                record = existing
                changed = records.update_record(db, existing, submitted, actor=author, policy="account",
                                                base_revision=None, ctx=ctx, comment="Import iCalendar").changed  # fmt: skip
            before = overrides.sequence_of(db, record)
            overrides.set_imported(db, record, uid=parsed.uid, overrides=parsed.overrides, cancelled=cancelled,
                                source=source)  # fmt: skip
            changed = changed or overrides.sequence_of(db, record) != before
        except ValidationError as error:
            savepoint.rollback()
            result.errors.append(RowError(parsed.uid, _errors(error)))
            continue
        except LieuditError as error:
            savepoint.rollback()
            result.errors.append(RowError(parsed.uid, error.message))
            continue
        savepoint.commit()
        if existing is None:
            result.created += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1
    return result
