"""``lieudit import openagenda FILE.json``: an OpenAgenda export into the event form (*Événement*).

Each event read by :func:`importers.openagenda_read.events_from_openagenda`
becomes a record of the form through the record services, as the ``ics``
importer does: title, description, schedule (its timings as one series, with
moved occurrences, see :mod:`importers.openagenda_timings`), address, point
on the map, commune (the INSEE code given by OpenAgenda, or the commune the
point lies in, when the communes are loaded), themes (the keywords that name
one of the theme taxonomy's themes or synonyms), registration link (else the
event's page on openagenda.com). What fits no field (the source page, the
agenda of origin, the image, all the keywords, ages, accessibility…) is kept
in the record's « autres propriétés ».

Idempotency: as for iCalendar, by UID on the agenda row: ``<uid>@openagenda.com``,
from the OpenAgenda ``uid``; a re-import updates the record and its dates.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from sqlalchemy.orm import Session

from geodata import zones
from importers.base import Batch
from importers.base import Importer
from importers.base import Item
from importers.base import Job
from importers.base import Link
from importers.base import Refused
from importers.base import Written
from importers.features import FormatError
from importers.openagenda_read import OpenAgendaEvent
from importers.openagenda_read import events_from_openagenda
from importers.report import RowError
from wiki.agenda import overrides
from wiki.agenda import projection
from wiki.errors import ValidationError
from wiki.records import access
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import services as records
from wiki.records import taxonomy

DEFAULT_FORM = "evenement"
COMMENT = "Import OpenAgenda"


def _field_keys(form: Any) -> dict[str, str | None]:
    """Which field of the form receives each value: by type, preferring the built-in form's keys."""
    defs = form_services.form_fields(form)

    def pick(kinds: tuple[str, ...], keys: tuple[str, ...] = ()) -> str | None:
        """The first field of those types whose key is one of ``keys``, else the first of those types."""
        typed = [d for d in defs if d.type in kinds]
        return next((d.key for d in typed if d.key in keys), typed[0].key if typed and not keys else None)

    schedule = projection.schedule_field(form)
    return {
        "title": form.title_field,
        "schedule": schedule.key if schedule else None,
        "description": pick(("longtext",), ("description", "resume", "presentation")),
        "location": pick(("text",), ("adresse", "address", "lieu")),
        "url": pick(("url",)),
        "point": pick(("geometry",)),
        "commune": pick(("zone",)),
        "themes": pick(("theme",)),
    }


@dataclass
class AgendaTarget:
    """Where events go: the form, which field takes each value, the validation context and the communes."""

    form: Any
    keys: dict[str, str | None]
    ctx: F.Context
    #: Whether a commune code is loaded (None when no zone is: codes are then not set).
    known: Callable[[str, str], bool] | None  # (level, code) -> is that zone loaded


class OpenagendaImporter(Importer):
    """Events of an OpenAgenda JSON export become records of an event form (``evenement`` by default)."""

    name = "openagenda"
    label = "OpenAgenda"
    keeps_links = False  # the UID on the agenda row is the link (see the module docstring)
    options: ClassVar[frozenset[str]] = frozenset()

    def prepare(self, db: Session, form: str | None) -> AgendaTarget:
        """The event form (one with a date field), its fields, and the communes loaded.

        :raises LieuditError: no such form, or it has no date field.
        """
        target = projection.get_event_form(db, form or DEFAULT_FORM)
        return AgendaTarget(target, _field_keys(target), taxonomy.cleaning_context(db), zones.zone_exists(db))

    def parse(self, data: bytes) -> Batch:
        """Read every event; a file that is no export of events is refused whole, saying what it is."""
        try:
            export = events_from_openagenda(data)
        except FormatError as error:
            raise Refused(error.message) from None
        if not export.events and not export.errors:
            raise Refused("Aucun événement dans ce fichier.")
        return Batch(list(export.events), errors=[RowError(ref, message) for ref, message in export.errors])

    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """The record values of each event: themes from its keywords, its commune when loaded."""
        target: AgendaTarget = job.target
        keys = target.keys
        for event in batch.things:
            found = {
                **event.values,
                "point": event.point,
                "commune": self._commune(job.db, target, event),
                "themes": self._themes(target.ctx, event.keywords) or None,
            }
            values = {key: value for name, value in found.items() if (key := keys.get(name))}
            yield Item(event.ref, values, remote_id=event.remote_id, warnings=list(event.warnings), parsed=event)

    @staticmethod
    def _themes(ctx: F.Context, keywords: list[str]) -> list[str]:
        """The themes some keywords name (by key, label or synonym), ten at most."""
        themes = [ctx.theme_lookup.get(F.fold(word)) for word in keywords]
        return list(dict.fromkeys(t for t in themes if t and (not ctx.theme_keys or t in ctx.theme_keys)))[:10]

    @staticmethod
    def _commune(db: Session, target: AgendaTarget, event: OpenAgendaEvent) -> str | None:
        """OpenAgenda's INSEE code when that commune is loaded, else the loaded commune the point lies in."""
        if target.known is None:
            return None
        if event.insee and target.known("commune", event.insee):
            return event.insee
        if event.point is None:
            return None
        found = zones.zone_index(db).containing(event.point)
        return next((code for level, code in found if level == "commune"), None)

    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Create the event's record, or update the one holding its UID; then its moved and cancelled dates."""
        db, target = job.db, job.target
        event: OpenAgendaEvent = item.parsed
        existing = overrides.find_by_uid(db, event.uid)
        if existing is not None and existing.form_id != target.form.id:
            raise ValidationError(
                f"Cet événement OpenAgenda est déjà une fiche d'un autre formulaire ({existing.form.key})."
            )
        extra = dict(event.extra)
        if event.insee and not item.values.get(target.keys["commune"] or ""):
            extra["Code INSEE"] = event.insee  # a commune not loaded (yet): kept, not lost
        if existing is None:
            record = records.create_record(db, target.form, item.values, actor=job.author, policy="account",
                                           ctx=target.ctx, status=event.status, comment=COMMENT, extra=extra)  # fmt: skip
            changed = True
        else:
            submitted = {**access.public_values(existing, job.author), **item.values}
            record = existing
            changed = records.update_record(db, existing, submitted, actor=job.author, policy="account",
                                            base_revision=None, ctx=target.ctx, comment=COMMENT, extra=extra).changed  # fmt: skip
        before = overrides.sequence_of(db, record)
        overrides.set_imported(db, record, uid=event.uid, overrides=event.plan.overrides, cancelled=event.cancelled,
                               source=job.source)  # fmt: skip
        changed = changed or overrides.sequence_of(db, record) != before
        status = "created" if existing is None else "updated" if changed else "unchanged"
        return Written(status, record.id)
