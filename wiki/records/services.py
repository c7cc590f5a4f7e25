"""Record services: forms and their evolution, records with history and status.

No request globals (STYLE R6): the web views, the JSON API, the importers
and the demo loader call these with a session and an actor. Values are
validated field by field by ``fields.clean_record``; only fields of the form
are ever stored (mass assignment, HOSTILE_INPUTS B4-35). Every change of a
form or a record appends a ``Revision`` snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session

from wiki import signals
from wiki.auth import permissions
from wiki.caching import AppCache
from wiki.db import utcnow
from wiki.errors import EditConflict
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import disclosure as D
from wiki.records import fields as F
from wiki.records import taxonomy
from wiki.records.models import STATUSES
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet
from wiki.revisions import save_revision

#: Field types whose values are indexed as facets.
FACET_TYPES = ("choice", "multichoice", "theme", "zone", "boolean")
#: Form keys that would collide with fixed addresses (``/-/formulaires/nouveau``…).
RESERVED_FORM_KEYS = frozenset({"nouveau", "nouvelle", "catalog", "catalogue", "datapackage", "pages"})
#: Types that may change into each other without touching stored values.
COMPATIBLE = {frozenset({"text", "longtext"}), frozenset({"choice", "multichoice"}), frozenset({"file", "image"})}


@dataclass(frozen=True)
class RecordResult:
    """What a record save did."""

    record: Record
    changed: bool


#: Parsed field definitions, keyed by the definition itself (an edited form is parsed anew).
_parsed_fields: AppCache[tuple[F.FieldDef, ...]] = AppCache("records.parsed_fields", maxsize=256)


def form_fields(form: Form) -> list[F.FieldDef]:
    """Return the field definitions of a form (parsed once per definition)."""
    # Parsing validates every field; lists call this many times per request.
    # The key is the definition itself, so an edited form is parsed anew.
    remembered = getattr(form, "_lieudit_fields", None)
    if remembered is not None and remembered[0] is form.fields:
        return list(remembered[1])
    key = json.dumps(form.fields, sort_keys=True, ensure_ascii=False)
    parsed = _parsed_fields.get_or_set(
        object_session(form), key, lambda: tuple(F.FieldDef.from_dict(item) for item in form.fields)
    )
    form._lieudit_fields = (form.fields, parsed)  # type: ignore[attr-defined]
    return list(parsed)


def disclosure(form: Form) -> D.Disclosure:
    """Return who reads which values of the form's records (:mod:`wiki.records.disclosure`), built once per definition."""
    remembered = getattr(form, "_lieudit_disclosure", None)
    if remembered is not None and remembered[0] is form.fields:
        return remembered[1]
    rule = D.Disclosure(form_fields(form))
    form._lieudit_disclosure = (form.fields, rule)  # type: ignore[attr-defined]
    return rule


# --- forms ------------------------------------------------------------------


def get_form(db: Session, key: str) -> Form:
    """Return a live form by key.

    :raises NotFound: no such form.
    """
    form = db.scalar(select(Form).where(Form.key == key, Form.deleted_at.is_(None)))
    if form is None:
        raise NotFound(str(_l("Ce formulaire n'existe pas.")))
    return form


def list_forms(db: Session) -> list[Form]:
    """Return live forms by title."""
    return list(db.scalars(select(Form).where(Form.deleted_at.is_(None)).order_by(Form.title)))


def _form_snapshot(form: Form) -> dict[str, Any]:
    return {
        "key": form.key,
        "title": form.title,
        "description": form.description,
        "fields": form.fields,
        "title_field": form.title_field,
    }


def _check_form_meta(key: str, title: str) -> None:
    errors = {}
    if not F.KEY_RE.match(key or ""):
        errors["key"] = str(_l("Identifiant invalide : lettres minuscules, chiffres et _ ; commence par une lettre."))
    elif key in RESERVED_FORM_KEYS:
        errors["key"] = str(_l("Cet identifiant est réservé : choisissez-en un autre."))
    if not (title or "").strip() or len(title) > 200:
        errors["title"] = str(_l("Titre obligatoire (200 caractères au plus)."))
    if errors:
        raise ValidationError(str(_l("Le formulaire n'a pas été enregistré.")), errors)


def _parse_schema(items: list[dict[str, Any]]) -> list[F.FieldDef]:
    try:
        return F.validate_schema(items)
    except F.SchemaError as err:
        raise ValidationError(
            str(_l("La définition des champs est invalide.")), {"fields": " ; ".join(err.errors)}
        ) from err


def create_form(
    db: Session,
    *,
    key: str,
    title: str,
    fields: list[dict[str, Any]],
    actor: Any,
    description: str = "",
    title_field: str = "title",
    builtin: bool = False,
    comment: str = "",
) -> Form:
    """Create a form.

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: bad key, title or field definitions, or key taken.
    """
    if not permissions.can_manage_forms(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent créer un formulaire.")))
    _check_form_meta(key, title)
    defs = _parse_schema(fields)
    if db.scalar(select(Form.id).where(Form.key == key)) is not None:
        raise ValidationError(
            str(_l("Un formulaire porte déjà cet identifiant.")), {"key": str(_l("Identifiant déjà pris."))}
        )
    if title_field not in {d.key for d in defs}:
        raise ValidationError(
            str(_l("Le champ titre doit être un champ du formulaire.")), {"title_field": str(_l("Champ inconnu."))}
        )
    form = Form(
        key=key,
        title=title.strip(),
        description=description,
        fields=[d.to_dict() for d in defs],
        title_field=title_field,
        builtin=builtin,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.add(form)
    db.flush()
    save_revision(db, "form", form.id, _form_snapshot(form), actor=actor, comment=comment, action="create")
    signals.form_saved.send(form, session=db, form=form, action="create", actor=actor, comment=comment)
    return form


def _values_present(db: Session, form: Form, field_id: str) -> bool:
    for data in db.scalars(select(Record.data).where(Record.form_id == form.id, Record.deleted_at.is_(None))):
        if data.get(field_id) not in (None, "", [], {}):
            return True
    return False


def update_form(
    db: Session,
    form: Form,
    *,
    title: str,
    fields: list[dict[str, Any]],
    actor: Any,
    description: str = "",
    title_field: str | None = None,
    comment: str = "",
    base_revision: int | None = None,
) -> bool:
    """Change a form's definition; return whether anything changed.

    Renaming a field's key or label keeps records' values (they are stored by
    field id); removing a field keeps old revisions readable; changing a
    field's type is refused while records hold values for it, unless the two
    types store values the same way.

    :raises Forbidden: the actor is not a moderator.
    :raises EditConflict: the form changed since ``base_revision``.
    :raises ValidationError: bad definitions or a refused type change.
    """
    if not permissions.can_manage_forms(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent modifier un formulaire.")))
    if base_revision is not None and base_revision != form.revision_number:
        raise EditConflict(
            str(_l("Le formulaire a été modifié entre-temps : rechargez-le.")), current=form.revision_number
        )
    _check_form_meta(form.key, title)
    defs = _parse_schema(fields)
    old = {d.id: d for d in form_fields(form)}
    errors = []
    for new in defs:
        before = old.get(new.id)
        if before and before.type != new.type and frozenset({before.type, new.type}) not in COMPATIBLE:
            if _values_present(db, form, new.id):
                errors.append(
                    str(
                        _l(
                            "« %(label)s » : le type ne peut pas passer de %(a)s à %(b)s tant que des fiches ont une valeur. Créez un nouveau champ et recopiez les valeurs.",
                            label=new.label,
                            a=before.type,
                            b=new.type,
                        )
                    )
                )
    title_field = title_field or form.title_field
    if title_field not in {d.key for d in defs}:
        errors.append(str(_l("Le champ titre doit être un champ du formulaire.")))
    if errors:
        raise ValidationError(str(_l("Le formulaire n'a pas été enregistré.")), {"fields": " ; ".join(errors)})
    new_fields = [d.to_dict() for d in defs]
    if (title.strip(), description, new_fields, title_field) == (
        form.title,
        form.description,
        form.fields,
        form.title_field,
    ):
        return False
    audiences = _audiences(list(old.values()))
    form.title, form.description, form.fields, form.title_field = title.strip(), description, new_fields, title_field
    form.revision_number += 1
    form.updated_at = utcnow()
    if _audiences(defs) != audiences:
        _index_form(db, form, defs)
    save_revision(db, "form", form.id, _form_snapshot(form), actor=actor, comment=comment)
    signals.form_saved.send(form, session=db, form=form, action="edit", actor=actor, comment=comment)
    return True


def _audiences(defs: list[F.FieldDef]) -> dict[str, tuple[str, str | None]]:
    """Who reads each field, by id: its level without consent, and the id of its consent box."""
    rule = D.Disclosure(defs)
    return {d.id: (D.level(d), box.id if (box := rule.consent_field(d)) else None) for d in defs}


def _index_form(db: Session, form: Form, defs: list[F.FieldDef]) -> None:
    """Refresh the facet rows and search text of every live record of a form whose readers changed.

    Otherwise a list's text filter or facet counts would still find a value
    made private, or a personal value whose consent box no longer counts.
    """
    for record in db.scalars(select(Record).where(Record.form_id == form.id, Record.deleted_at.is_(None))):
        _index(db, record, defs)


def value_labels(db: Session, form: Form) -> dict[str, dict[str, str]]:
    """Return, per choice or theme field key, the display label of each value."""
    lists = {cl.key: cl.items for cl in taxonomy.list_choice_lists(db)}
    themes = {t.key: t.label for t in taxonomy.list_themes(db)}
    labels: dict[str, dict[str, str]] = {}
    for field in form_fields(form):
        if field.type == "theme":
            labels[field.key] = dict(themes)
        elif field.type in ("choice", "multichoice"):
            items = field.options.get("choices") or lists.get(field.options.get("list", ""), [])
            labels[field.key] = {item["value"]: item["label"] for item in items}
    return labels


# --- records --------------------------------------------------------------------


def _record_snapshot(record: Record) -> dict[str, Any]:
    return {
        "title": record.title,
        "data": record.data,
        "status": record.status,
        "form_revision": record.form_revision,
        "verified_at": record.verified_at.isoformat() if record.verified_at else None,
    }


def _index(db: Session, record: Record, defs: list[F.FieldDef]) -> None:
    """Refresh the derived facet rows and search text of a record."""
    db.execute(delete(RecordFacet).where(RecordFacet.record_id == record.id))
    rows = set()
    for field in defs:
        if field.type not in FACET_TYPES or not D.shows_always(field):
            continue
        value = record.data.get(field.id)
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None or item == "":
                continue
            rows.add((field.id, str(item).lower() if isinstance(item, bool) else str(item)[:200]))
    rows.add(("status", record.status))
    db.add_all(RecordFacet(record_id=record.id, field_id=f, value=v) for f, v in sorted(rows))
    # Stored folded (no case, no accents) so the list's text filter matches
    # "numerique" and "Numérique" alike with a plain substring test.
    record.search_text = F.fold(F.search_text(defs, record.data))


def _title_of(form: Form, defs: list[F.FieldDef], data: dict[str, Any]) -> str:
    by_key = {d.key: d for d in defs}
    field = by_key.get(form.title_field)
    value = data.get(field.id) if field else None
    return (str(value).strip() if value else "")[:300] or str(_l("Sans titre"))


def _initial_status(actor: Any, requested: str | None) -> str:
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
) -> Record:
    """Validate and store a new record.

    :param submitted: values keyed by field key (other keys are ignored).
    :raises Forbidden: the actor may not contribute.
    :raises ValidationError: ``errors`` maps field keys to French messages.
    """
    if not permissions.can_add_record(actor, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit d'ajouter une fiche.")))
    defs = form_fields(form)
    status = _initial_status(actor, status)
    data, errors = F.clean_record(defs, submitted, ctx or taxonomy.cleaning_context(db), partial=status == "draft")
    if errors:
        raise ValidationError(str(_l("La fiche n'a pas été enregistrée : corrigez les champs signalés.")), errors)
    record = Record(
        form_id=form.id,
        form=form,
        title=_title_of(form, defs, data),
        data=data,
        status=status,
        form_revision=form.revision_number,
        author_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    db.add(record)
    db.flush()
    _index(db, record, defs)
    revision = save_revision(
        db, "record", record.id, _record_snapshot(record), actor=actor, comment=comment, action="create"
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
) -> RecordResult:
    """Validate and store new values for a record.

    Values of fields the actor cannot see (private fields for non-members)
    are kept as they were, never blanked.

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
    editable = [d for d in defs if editable_by(actor, d, record)]
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
    if refused := _consents_given(actor, record, merged):
        message = str(
            _l(
                "Seuls l’auteur de la fiche et les modérateurs peuvent cocher cette case : elle publie des données personnelles, avec l’accord de la personne."
            )
        )
        raise ValidationError(
            str(_l("La fiche n'a pas été enregistrée : corrigez les champs signalés.")),
            {box.key: message for box in refused},
        )
    if merged == record.data:
        return RecordResult(record, False)
    record.data = merged
    record.title = _title_of(record.form, defs, merged)
    record.form_revision = record.form.revision_number
    record.revision_number += 1
    record.updated_at = utcnow()
    _index(db, record, defs)
    revision = save_revision(db, "record", record.id, _record_snapshot(record), actor=actor, comment=comment)
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="edit", actor=actor)
    return RecordResult(record, True)


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
    _index(db, record, form_fields(record.form))
    revision = save_revision(
        db, "record", record.id, _record_snapshot(record), actor=actor, comment=comment, action="status"
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
    revision = save_revision(db, "record", record.id, _record_snapshot(record), actor=actor, action="verify")
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
    if _consents_given(actor, record, old.snapshot["data"]):
        raise Forbidden(
            str(
                _l(
                    "Cette version publiait des données personnelles dont le consentement a été retiré depuis : seuls l’auteur de la fiche et les modérateurs peuvent la rétablir."
                )
            )
        )
    defs = form_fields(record.form)
    record.data = dict(old.snapshot["data"])
    record.title = _title_of(record.form, defs, record.data)
    record.revision_number += 1
    record.updated_at = utcnow()
    _index(db, record, defs)
    revision = save_revision(
        db,
        "record",
        record.id,
        _record_snapshot(record),
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


# --- who reads and who changes which values (the rule itself: wiki.records.disclosure) ---------------


def visible_to(actor: Any, field: F.FieldDef, record: Record) -> bool:
    """Tell whether ``actor`` may read a field's value in ``record`` (a ticked consent box counts)."""
    return disclosure(record.form).shows(field, record.data, permissions.reader_level(actor, record))


def readable_fields(actor: Any, form: Form) -> list[F.FieldDef]:
    """Return the fields of a form whose values some record may show to ``actor``: the columns of lists."""
    return disclosure(form).columns(permissions.reader_level(actor))


def readable_values(actor: Any, record: Record) -> dict[str, Any]:
    """Return the values of ``record`` that ``actor`` may read, by field id."""
    return disclosure(record.form).values(record.data, permissions.reader_level(actor, record))


def visible_in_history(actor: Any, field: F.FieldDef, record: Record) -> bool:
    """Tell whether ``actor`` may read a field's old values: consent opens current values only."""
    return D.shows_always(field, permissions.reader_level(actor, record))


def editable_by(actor: Any, field: F.FieldDef, record: Record | None = None) -> bool:
    """Tell whether ``actor`` may fill or change a field (consent does not count).

    In a new record (``record`` None) the contributor fills its personal and
    private values too, and members-only ones with an account; later,
    personal and private values are changed by the record's author and
    moderators only, members-only values by accounts.
    """
    if record is None:
        return field.visibility != "members" or permissions.reader_level(actor) != "public"
    return D.shows_always(field, permissions.reader_level(actor, record))


def _consents_given(actor: Any, record: Record, data: dict[str, Any]) -> list[F.FieldDef]:
    """Return the consent boxes that ``data`` ticks in ``record`` and ``actor`` may not tick.

    Ticking a box publishes personal values, so only who may change them
    (the record's author, moderators) may say the person agreed; anyone who
    may edit the record may untick it.
    """
    if permissions.can_give_consent(actor, record):
        return []
    return [
        box
        for box in disclosure(record.form).consent_fields()
        if data.get(box.id) is True and record.data.get(box.id) is not True
    ]


def _by_key(record: Record) -> dict[str, Any]:
    return {d.key: record.data.get(d.id) for d in form_fields(record.form)}


def public_values(record: Record, actor: Any) -> dict[str, Any]:
    """Return the record's values the actor may read, keyed by field key."""
    rule, level = disclosure(record.form), permissions.reader_level(actor, record)
    return {d.key: record.data.get(d.id) for d in rule.fields if rule.shows(d, record.data, level)}
