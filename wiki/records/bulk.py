"""Set-wise creation of records: a batch of new records validated row by row, then written table by table.

What :func:`wiki.records.services.create_record` does for one record, done
for a batch of them (a spreadsheet import writes 50,000): every row is
validated on its own, with what a row would read again (the form's fields,
its moderation policy, the names of the zones its values hold) read once per
batch; a refused row gets its error back and nothing of it is written. The
accepted rows' records are then inserted in one flush (the ORM reads each
new id back: on SQLite that is still an ``INSERT`` per record), their facet
rows and first revisions with one statement per table, and what the
subscribers add (activity, map, zones) with one more each: a few statements
per batch instead of about ten per record.

The records, revisions and derived rows are those the one-by-one path
writes: the same values, and every subscriber is told of every record with
the same signal and arguments. The caller owns the transaction (and a
savepoint around the batch if it must undo it whole). Web forms keep the
one-by-one path. No request globals (STYLE R6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert
from sqlalchemy.orm import Session

from wiki import signals
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import LieuditError
from wiki.errors import ValidationError
from wiki.moderation import policy as edit_policies
from wiki.moderation import spam
from wiki.records import facets
from wiki.records import fields as F
from wiki.records import references
from wiki.records import taxonomy
from wiki.records.form_services import form_fields
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet
from wiki.records.services import clean_extra
from wiki.records.services import initial_status
from wiki.records.services import record_snapshot
from wiki.records.services import title_of
from wiki.revisions import Provenance
from wiki.revisions import Revision


@dataclass
class NewRecord:
    """One record to create: values keyed by field key, and what ``create_record`` takes besides."""

    values: dict[str, Any]
    status: str | None = None
    comment: str = ""
    provenance: Provenance | None = None
    extra: dict[str, Any] | None = None


@dataclass
class _Accepted:
    index: int
    row: NewRecord
    data: dict[str, Any]
    status: str


def create_records(
    db: Session,
    form: Form,
    rows: Sequence[NewRecord],
    *,
    actor: Any,
    policy: str,
    ctx: F.Context | None = None,
) -> list[Record | LieuditError]:
    """Validate and store new records of ``form``; return, per row in order, its record or why it was refused.

    Each row is checked as :func:`~wiki.records.services.create_record` checks
    one (values, anti-spam rules, moderation policy); the accepted ones are
    written with one statement per table and announced together
    (:func:`wiki.signals.announce_created`: ``records_created`` once, and
    ``record_saved``, action ``create``, per record to the other subscribers). Keep batches bounded (a thousand rows): their records
    stay in the session until the caller commits.

    :raises Forbidden: the actor may not contribute to this form (the whole batch).
    """
    if not permissions.can_add_record(actor, policy, form):
        raise Forbidden(str(_l("Vous n'avez pas le droit d'ajouter une fiche.")))
    batch = _Batch(form, form_fields(form), actor, policy, ctx or taxonomy.cleaning_context(db), spam.applies_to(actor))
    outcomes: list[Record | LieuditError | None] = [None] * len(rows)
    accepted: list[_Accepted] = []
    for index, row in enumerate(rows):
        try:
            accepted.append(_check(db, batch, row, index))
        except LieuditError as error:
            outcomes[index] = error
    names = references.names_for(db, batch.defs, [a.data for a in accepted])
    records = [_record(db, batch, a, names) for a in accepted]
    db.add_all(records)
    db.flush()  # the records' ids, for the rows that refer to them
    revisions = [_revision(record, a.row, actor) for record, a in zip(records, accepted, strict=True)]
    # Rows nothing reads back as objects: plain inserts, one executemany each (the revision objects stay
    # out of the session: the subscribers only read them).
    _insert(db, RecordFacet, [{"record_id": r.id, "field_id": f, "value": v}
                              for r in records for f, v in facets.facet_values(batch.defs, r)])  # fmt: skip
    _insert(db, Revision, [_columns(revision) for revision in revisions])
    signals.announce_created(db, records, revisions, actor)
    db.flush()  # what the subscribers added as objects
    for record, a in zip(records, accepted, strict=True):
        outcomes[a.index] = record
    return [outcome for outcome in outcomes if outcome is not None]  # every row has one by now


@dataclass
class _Batch:
    """What every row of a batch shares, read once."""

    form: Form
    defs: list[F.FieldDef]
    actor: Any
    policy: str
    ctx: F.Context
    #: Whether the anti-spam rules check this actor's contributions.
    spam: bool
    #: Requested status → the one given (the moderation policy is asked once per batch).
    statuses: dict[str | None, str] = field(default_factory=dict)


def _check(db: Session, batch: _Batch, row: NewRecord, index: int) -> _Accepted:
    """Validate one row as ``create_record`` does; raise its refusal."""
    status = batch.statuses.get(row.status)
    if status is None:
        status = initial_status(batch.actor, row.status)
        if status in ("published", "archived") and edit_policies.waits(
            db, batch.actor, permissions.form_policy(batch.form, batch.policy)
        ):
            status = "pending"  # pre-moderation: it waits in the queue (wiki.moderation.subscribers)
        batch.statuses[row.status] = status
    data, errors = F.clean_record(batch.defs, row.values, batch.ctx, partial=status == "draft")
    if errors:
        raise ValidationError(str(_l("La fiche n'a pas été enregistrée : corrigez les champs signalés.")), errors)
    if batch.spam:
        spam.check_contribution(db, batch.actor, before="", after=spam.record_text(data), field=batch.form.title_field)
    return _Accepted(index, row, data, status)


def _record(db: Session, batch: _Batch, a: _Accepted, names: references.Names) -> Record:
    form, defs, actor, provenance = batch.form, batch.defs, batch.actor, a.row.provenance
    return Record(
        form_id=form.id,
        form=form,
        title=title_of(form, defs, a.data),
        data=a.data,
        status=a.status,
        form_revision=form.revision_number,
        author_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        created_at=(provenance.when() if provenance else None) or utcnow(),
        updated_at=utcnow(),
        extra=clean_extra(a.row.extra),
        search_text=facets.search_text(db, defs, a.data, names=names),
    )


def _revision(record: Record, row: NewRecord, actor: Any) -> Revision:
    """Revision 1 of a new record, as :func:`wiki.revisions.save_revision` makes it."""
    provenance = row.provenance
    return Revision(
        kind="record",
        object_id=record.id,
        number=1,
        snapshot=record_snapshot(record),
        comment=row.comment[:500],
        action="create",
        author_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        imported_author=(provenance.author_name[:100] or None) if provenance else None,
        created_at=(provenance.when() if provenance else None) or utcnow(),
    )


def _insert(db: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        db.execute(insert(model.__table__), rows)


def _columns(revision: Revision) -> dict[str, Any]:
    """The column values of a revision kept out of the session."""
    return {c.key: getattr(revision, c.key) for c in Revision.__table__.columns if c.key != "id"}
