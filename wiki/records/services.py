"""Record services: records with history and status (forms: :mod:`wiki.records.form_services`).

No request globals (STYLE R6): the web views, the JSON API, the importers
and the demo loader call these with a session and an actor; the rights are
:mod:`wiki.auth.permissions`', which values an actor reads or changes
:mod:`wiki.records.access`'. Values are validated field by field by
``fields.clean_record``; only fields of the form are ever stored (mass
assignment, HOSTILE_INPUTS B4-35). Every change of a record appends a
``Revision`` snapshot and refreshes its derived rows (:mod:`wiki.records.facets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import signals
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import EditConflict
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.moderation import policy as edit_policies
from wiki.moderation import spam
from wiki.moderation import waiting
from wiki.records import access
from wiki.records import facets
from wiki.records import fields as F
from wiki.records import taxonomy
from wiki.records.form_services import form_fields
from wiki.records.models import STATUSES
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.revisions import Provenance
from wiki.revisions import save_revision


@dataclass(frozen=True)
class RecordResult:
    """What a record save did (``pending``: the waiting item when the change waits for review)."""

    record: Record
    changed: bool
    pending: Any = None


def record_snapshot(record: Record) -> dict[str, Any]:
    """What a record's revision keeps of it: title, values, status, form revision, verification, extra."""
    return {
        "title": record.title,
        "data": record.data,
        "status": record.status,
        "form_revision": record.form_revision,
        "verified_at": record.verified_at.isoformat() if record.verified_at else None,
        **({"extra": record.extra} if record.extra else {}),
    }


def clean_extra(extra: dict[str, Any] | None) -> dict[str, Any] | None:
    """Other properties of an imported item, as short text keyed by name (None when there are none)."""
    if not extra:
        return None
    return {str(k)[:100]: v if isinstance(v, (str, int, float, bool)) else str(v) for k, v in extra.items()} or None


def title_of(form: Form, defs: list[F.FieldDef], data: dict[str, Any]) -> str:
    """A record's title: its title field's value, cut to 300 characters, else « Sans titre »."""
    by_key = {d.key: d for d in defs}
    field = by_key.get(form.title_field)
    value = data.get(field.id) if field else None
    return (str(value).strip() if value else "")[:300] or str(_l("Sans titre"))


def initial_status(actor: Any, requested: str | None) -> str:
    """Anonymous contributions wait for review; drafts stay drafts."""
    if requested == "draft":
        return "draft"
    if not getattr(actor, "is_authenticated", False):
        return "pending"
    if requested in STATUSES and (requested != "archived" or permissions.can_set_record_status(actor, None, requested)):
        return requested
    return "published"


def create_record(
    db: Session,
    form: Form,
    submitted: dict[str, Any],
    *,
    actor: Any,
    policy: str,
    ctx: F.Context | None = None,
    status: str | None = None,
    comment: str = "",
    provenance: Provenance | None = None,
    extra: dict[str, Any] | None = None,
) -> Record:
    """Validate and store a new record.

    :param submitted: values keyed by field key (other keys are ignored).
    :param provenance: an imported record's author and date on its source.
    :param extra: an imported item's properties that map to no field, kept as "autres propriétés".
    :raises Forbidden: the actor may not contribute.
    :raises ValidationError: ``errors`` maps field keys to French messages.
    """
    if not permissions.can_add_record(actor, policy, form):
        raise Forbidden(str(_l("Vous n'avez pas le droit d'ajouter une fiche.")))
    defs = form_fields(form)
    status = initial_status(actor, status)
    if status in ("published", "archived") and edit_policies.waits(db, actor, permissions.form_policy(form, policy)):
        status = "pending"  # pre-moderation: it waits in the queue (wiki.moderation.subscribers)
    data, errors = F.clean_record(defs, submitted, ctx or taxonomy.cleaning_context(db), partial=status == "draft")
    if errors:
        raise ValidationError(str(_l("La fiche n'a pas été enregistrée : corrigez les champs signalés.")), errors)
    spam.check_contribution(db, actor, before="", after=spam.record_text(data), field=form.title_field)
    record = Record(
        form_id=form.id,
        form=form,
        title=title_of(form, defs, data),
        data=data,
        status=status,
        form_revision=form.revision_number,
        author_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        created_at=(provenance.when() if provenance else None) or utcnow(),
        updated_at=utcnow(),  # changed here now: harvesters asking ``?since=`` must see it
        extra=clean_extra(extra),
        search_text=facets.search_text(db, defs, data),  # inserted with the record, not updated after
    )
    db.add(record)
    db.flush()
    facets.refresh_record(db, record, defs, fresh=True)
    revision = save_revision(
        db,
        "record",
        record.id,
        record_snapshot(record),
        actor=actor,
        comment=comment,
        action="create",
        provenance=provenance,
    )
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="create", actor=actor)
    return record


def get_record(db: Session, record_id: int, actor: Any) -> Record:
    """Return a record the actor may see.

    :raises NotFound: no such record, deleted, or not visible to the actor
        (no existence oracle, HOSTILE_INPUTS B11-96).
    """
    # Ids beyond a 32-bit integer cannot exist (and PostgreSQL would refuse the query).
    record = db.get(Record, record_id) if 0 < record_id < 2**31 else None
    if (
        record is None
        or record.deleted_at is not None
        or record.form.deleted_at is not None
        or not permissions.can_view_record(actor, record)
    ):
        raise NotFound(str(_l("Cette fiche n'existe pas.")))
    return record


def count_published(db: Session) -> dict[int, int]:
    """Return the number of published records per form id."""
    from sqlalchemy import func

    rows = db.execute(
        select(Record.form_id, func.count())
        .where(Record.status == "published", Record.deleted_at.is_(None))
        .group_by(Record.form_id)
    )
    return {form_id: count for form_id, count in rows}


def render_longtext(text: str | None) -> str:
    """Render a long-text value like a page (same sanitizer)."""
    from wiki import markup

    return markup.render(text or "").html if text else ""


def word_diff(old: Any, new: Any) -> list[Any]:
    """Word-level diff of two displayed values."""
    from wiki import textdiff

    return textdiff.word_diff(old or "", new or "")


def update_record(
    db: Session,
    record: Record,
    submitted: dict[str, Any],
    *,
    actor: Any,
    policy: str,
    base_revision: int | None,
    ctx: F.Context | None = None,
    comment: str = "",
    extra: dict[str, Any] | None = None,
) -> RecordResult:
    """Validate and store new values for a record.

    Values of fields the actor cannot see (private fields for non-members)
    are kept as they were, never blanked. ``extra`` (an import's other
    properties) replaces the record's when given.

    :raises Forbidden: the actor may not edit this record.
    :raises EditConflict: someone else saved since ``base_revision`` and
        changed the same fields (details: ``mine``, ``fields``).
    :raises ValidationError: ``errors`` maps field keys to French messages.
    """
    if not permissions.can_edit_record(actor, record, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de modifier cette fiche.")))
    db.execute(select(Record.id).where(Record.id == record.id).with_for_update())
    db.refresh(record)
    defs = form_fields(record.form)
    editable = [d for d in defs if access.editable_by(actor, d, record)]
    data, errors = F.clean_record(
        editable, submitted, ctx or taxonomy.cleaning_context(db), partial=record.status == "draft"
    )
    if errors:
        raise ValidationError(str(_l("La fiche n'a pas été enregistrée : corrigez les champs signalés.")), errors)
    merged = dict(record.data)
    merged.update({d.id: data.get(d.id) for d in editable})
    if base_revision is not None and base_revision != record.revision_number:
        from wiki.revisions import get_revision

        base = get_revision(db, "record", record.id, base_revision)
        base_data = base.snapshot["data"] if base else {}
        theirs = {k for k in set(base_data) | set(record.data) if base_data.get(k) != record.data.get(k)}
        mine = {k for k in merged if merged.get(k) != base_data.get(k)}
        # The same change made by both is no conflict.
        clash = sorted(k for k in theirs & mine if merged.get(k) != record.data.get(k))
        if clash:
            labels = [d.label for d in defs if d.id in clash]
            raise EditConflict(
                str(_l("Quelqu'un a modifié les mêmes champs pendant que vous écriviez.")),
                mine=submitted,
                fields=labels,
            )
        merged = {**record.data, **{k: merged[k] for k in mine}}
    if refused := access.refused_consents(actor, record, merged):
        message = str(
            _l(
                "Seuls l’auteur de la fiche et les modérateurs peuvent cocher cette case : elle publie des données personnelles, avec l’accord de la personne."
            )
        )
        raise ValidationError(
            str(_l("La fiche n'a pas été enregistrée : corrigez les champs signalés.")),
            {box.key: message for box in refused},
        )
    new_extra = clean_extra(extra) if extra is not None else record.extra
    if merged == record.data and new_extra == record.extra:
        return RecordResult(record, False)
    before, after = spam.record_text(record.data), spam.record_text(merged)
    spam.check_contribution(db, actor, before=before, after=after, field=record.form.title_field)
    if record.status in ("published", "archived") and edit_policies.waits(
        db, actor, permissions.form_policy(record.form, policy)
    ):
        changes = {k: v for k, v in merged.items() if record.data.get(k) != v}
        item = waiting.submit_record_change(
            db, record, changes=changes, comment=comment, base=record.revision_number, actor=actor
        )
        return RecordResult(record, False, pending=item)
    record.extra = new_extra
    store_values(db, record, merged, actor=actor, comment=comment)
    return RecordResult(record, True)


def store_values(db: Session, record: Record, data: dict[str, Any], *, actor: Any, comment: str = "") -> None:
    """Write checked values as the record's next revision.

    Rights and checks are the caller's: :func:`update_record`, or a moderator
    accepting a change that waited for review (:mod:`wiki.moderation.decisions`).
    """
    defs = form_fields(record.form)
    record.data = data
    record.title = title_of(record.form, defs, data)
    record.form_revision = record.form.revision_number
    record.revision_number += 1
    record.updated_at = utcnow()
    facets.refresh_record(db, record, defs)
    revision = save_revision(db, "record", record.id, record_snapshot(record), actor=actor, comment=comment)
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="edit", actor=actor)


def set_status(db: Session, record: Record, status: str, *, actor: Any, comment: str = "") -> None:
    """Move a record through brouillon → en attente → publié → archivé.

    Authors may move their own record between draft and pending; publishing
    and archiving are for moderators.

    :raises Forbidden: the actor may not make this change.
    :raises ValidationError: unknown status.
    """
    if status not in STATUSES:
        raise ValidationError(str(_l("Statut inconnu.")))
    if not permissions.can_set_record_status(actor, record, status):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent publier ou archiver une fiche.")))
    if status == record.status:
        return
    if status != "draft":
        _, errors = F.clean_record(form_fields(record.form), _by_key(record), taxonomy.cleaning_context(db))
        if errors:
            raise ValidationError(str(_l("Complétez les champs obligatoires avant de changer le statut.")), errors)
    record.status = status
    record.revision_number += 1
    record.updated_at = utcnow()
    facets.refresh_record(db, record, form_fields(record.form))
    revision = save_revision(
        db, "record", record.id, record_snapshot(record), actor=actor, comment=comment, action="status"
    )
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="status", actor=actor)


def verify_record(db: Session, record: Record, *, actor: Any, policy: str, today: date | None = None) -> None:
    """Record that someone confirmed the record is up to date ("vérifié le").

    :raises Forbidden: the actor may not edit this record.
    """
    if not permissions.can_verify_record(actor, record, policy):
        raise Forbidden(str(_l("Connectez-vous pour confirmer qu'une fiche est à jour.")))
    record.verified_at = today or utcnow().date()
    record.revision_number += 1
    record.updated_at = utcnow()
    revision = save_revision(db, "record", record.id, record_snapshot(record), actor=actor, action="verify")
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="verify", actor=actor)


def revert_record(db: Session, record: Record, number: int, *, actor: Any, policy: str) -> bool:
    """Restore the values of revision ``number`` as a new revision.

    :raises Forbidden: the actor may not edit this record.
    :raises NotFound: no such revision.
    """
    from wiki.revisions import get_revision

    if not permissions.can_edit_record(actor, record, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de modifier cette fiche.")))
    old = get_revision(db, "record", record.id, number)
    if old is None:
        raise NotFound(str(_l("Cette version n'existe pas.")))
    if old.snapshot["data"] == record.data:
        return False
    if edit_policies.waits(db, actor, permissions.form_policy(record.form, policy)):
        raise Forbidden(
            str(_l("Ce formulaire est pré-modéré : seuls les contributeurs de confiance rétablissent une version."))
        )
    if access.refused_consents(actor, record, old.snapshot["data"]):
        raise Forbidden(
            str(
                _l(
                    "Cette version publiait des données personnelles dont le consentement a été retiré depuis : seuls l’auteur de la fiche et les modérateurs peuvent la rétablir."
                )
            )
        )
    defs = form_fields(record.form)
    record.data = dict(old.snapshot["data"])
    record.title = title_of(record.form, defs, record.data)
    record.revision_number += 1
    record.updated_at = utcnow()
    facets.refresh_record(db, record, defs)
    revision = save_revision(
        db,
        "record",
        record.id,
        record_snapshot(record),
        actor=actor,
        comment=str(_l("Retour à la version %(n)d", n=number)),
        action="revert",
    )
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="revert", actor=actor)
    return True


def delete_record(db: Session, record: Record, *, actor: Any, comment: str = "") -> None:
    """Delete a record (moderators; history kept).

    :raises Forbidden: the actor is not a moderator.
    """
    if not permissions.can_delete_record(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent supprimer une fiche.")))
    record.deleted_at = record.updated_at = utcnow()
    signals.record_deleted.send(record, session=db, record=record, actor=actor, comment=comment)


def _by_key(record: Record) -> dict[str, Any]:
    return {d.key: record.data.get(d.id) for d in form_fields(record.form)}
