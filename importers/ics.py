"""``lieudit import ics FILE --form evenement``: events from an iCalendar file into an event form.

Each VEVENT read by :func:`importers.ical_events.events_from_ical` becomes a
record of the form, through the same record services as the web form. An
event cancelled whole (STATUS:CANCELLED on the series) is imported with each
of its dates cancelled, as the agenda shows a cancelled one-off event; an
endless series cannot be, and is refused. Refused events are reported one by
one; a file that cannot be read at all is refused whole.

Idempotency: by UID, kept on the agenda row (``set_imported``), not in the
importers' ``import_items``: the UID is the event's identity in every feed,
ours included, so importing the same calendar (from any address, or our own
feed back) updates those records and their changed or cancelled occurrences
instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from importers.base import Batch
from importers.base import Importer
from importers.base import Item
from importers.base import Job
from importers.base import Link
from importers.base import Refused
from importers.base import RowError
from importers.base import Written
from importers.ical_events import ParsedEvent
from importers.ical_events import events_from_ical
from importers.ical_values import MAX_EXCEPTIONS
from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.agenda.recurrence import series_keys
from wiki.agenda.rules import RecurrenceError
from wiki.errors import ValidationError
from wiki.records import access
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import services as records
from wiki.records import taxonomy
from wiki.records.values import FieldError

DEFAULT_FORM = "evenement"
#: The agenda cancels dates, one by one (the UI marks each « Annulé »): a whole series is imported with every
#: date cancelled, which an endless rule has no list of.
ENDLESS_CANCELLED = (f"Série entière annulée (STATUS:CANCELLED) sans fin (ni COUNT ni UNTIL) ou de plus de "
                     f"{MAX_EXCEPTIONS} dates : non importée, l'agenda annule les dates une à une.")  # fmt: skip
#: The event values imported, in the order of the form's fields they go to.
VALUES = ("title", "schedule", "description", "location", "url")


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


@dataclass
class EventTarget:
    """Where events go: the event form, which field takes each value, and the validation context."""

    form: Any
    keys: dict[str, str | None]
    ctx: F.Context


class IcsImporter(Importer):
    """VEVENTs of an .ics file become records of an event form (``evenement`` by default)."""

    name = "ics"
    label = "iCalendar"
    keeps_links = False  # the UID on the agenda row is the link (see the module docstring)

    def prepare(self, db: Session, form: str | None) -> EventTarget:
        """The event form (one with a date field).

        :raises LieuditError: no such form, or it has no date field.
        """
        target = projection.get_event_form(db, form or DEFAULT_FORM)
        return EventTarget(target, _field_keys(target), taxonomy.cleaning_context(db))

    def parse(self, data: bytes) -> Batch:
        """Read every VEVENT; a file that cannot be read is refused with the events named so far."""
        report = events_from_ical(data)
        errors = [RowError(e.ref, e.message) for e in report.errors]
        if not report.ok:
            raise Refused(report.error or "", errors=errors, warnings=report.warnings)
        return Batch(list(report.events), errors=errors, warnings=report.warnings)

    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """The record values of each event; a series cancelled whole gets every date cancelled."""
        keys = job.target.keys
        for parsed in batch.things:
            values = {keys[name]: parsed.values.get(name) for name in VALUES if keys[name]}
            item = Item(parsed.uid, values, remote_id=parsed.uid, warnings=list(parsed.warnings), parsed=parsed)
            if parsed.values.get("status") == "CANCELLED":
                every = _every_date(parsed.values["schedule"])
                if every is None:
                    item.refused = ENDLESS_CANCELLED
                else:
                    item.parsed = replace(parsed, cancelled=[*parsed.cancelled, *every])
            yield item

    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Create the event's record, or update the one holding its UID; then its occurrences' changes."""
        db, target = job.db, job.target
        parsed: ParsedEvent = item.parsed
        existing = overrides.find_by_uid(db, parsed.uid)
        if existing is not None and existing.form_id != target.form.id:
            raise ValidationError(f"Cet UID appartient à un événement d'un autre formulaire ({existing.form.key}).")
        if existing is None:
            record = records.create_record(db, target.form, item.values, actor=job.author, policy="account",
                                           ctx=target.ctx, comment="Import iCalendar")  # fmt: skip
            changed = True
        else:
            submitted = {**access.public_values(existing, job.author), **item.values}
            record = existing
            changed = records.update_record(db, existing, submitted, actor=job.author, policy="account",
                                            base_revision=None, ctx=target.ctx, comment="Import iCalendar").changed  # fmt: skip
        before = overrides.sequence_of(db, record)
        overrides.set_imported(db, record, uid=parsed.uid, overrides=parsed.overrides, cancelled=parsed.cancelled,
                               source=job.source)  # fmt: skip
        changed = changed or overrides.sequence_of(db, record) != before
        status = "created" if existing is None else "updated" if changed else "unchanged"
        return Written(status, record.id)
