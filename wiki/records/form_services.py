"""Form services: the directory's forms, their field definitions and how they evolve.

A form's ``fields`` are parsed and validated once per definition
(:func:`form_fields`, an app cache keyed by the definition itself) and give
the form's disclosure rule (:func:`disclosure`). Creating or changing a form
appends a ``Revision`` snapshot and sends ``form_saved``; a change of who
reads a field refreshes the derived rows of its records
(:mod:`wiki.records.facets`). Records themselves are :mod:`wiki.records.services`.

No request globals (STYLE R6): views, the API, importers and the demo loader
call these with a session and an actor; the rights are
:mod:`wiki.auth.permissions`'.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
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
from wiki.records import facets
from wiki.records import fields as F
from wiki.records import references
from wiki.records import taxonomy
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.revisions import get_revision
from wiki.revisions import save_revision

#: Form keys that would collide with fixed addresses (``/-/formulaires/nouveau``…).
RESERVED_FORM_KEYS = frozenset({"nouveau", "nouvelle", "catalog", "catalogue", "datapackage", "pages"})
#: Types that may change into each other without touching stored values.
COMPATIBLE = {frozenset({"text", "longtext"}), frozenset({"choice", "multichoice"}), frozenset({"file", "image"})}

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


def _parse_schema(items: Sequence[Mapping[str, Any]]) -> list[F.FieldDef]:
    try:
        return F.validate_schema(list(items))
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
    action: str = "edit",
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
        facets.refresh_form(db, form, defs)
    save_revision(db, "form", form.id, _form_snapshot(form), actor=actor, comment=comment, action=action)
    signals.form_saved.send(form, session=db, form=form, action=action, actor=actor, comment=comment)
    return True


def revert_form(db: Session, form: Form, number: int, *, actor: Any, comment: str = "") -> bool:
    """Make revision ``number`` of a form's definition current again, as a new revision; return whether it changed.

    The old definition goes through the same checks as any edit: a field
    whose type differs while records hold values for it is refused.

    :raises Forbidden: the actor is not a moderator.
    :raises NotFound: no such revision.
    :raises ValidationError: the old definition is refused today.
    """
    if not permissions.can_manage_forms(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent modifier un formulaire.")))
    old = get_revision(db, "form", form.id, number)
    if old is None:
        raise NotFound(str(_l("Cette version n'existe pas.")))
    snapshot = old.snapshot
    return update_form(
        db,
        form,
        title=snapshot.get("title") or form.title,
        description=snapshot.get("description") or "",
        fields=list(snapshot.get("fields") or []),
        title_field=snapshot.get("title_field") or None,
        actor=actor,
        comment=comment or str(_l("Retour à la version %(n)d", n=number)),
        action="revert",
    )


def _audiences(defs: list[F.FieldDef]) -> dict[str, tuple[str, str | None]]:
    """Who reads each field, by id: its level without consent, and the id of its consent box."""
    rule = D.Disclosure(defs)
    return {d.id: (D.level(d), box.id if (box := rule.consent_field(d)) else None) for d in defs}


def value_labels(db: Session, form: Form) -> dict[str, dict[str, str]]:
    """Return, per choice, theme or zone field key, the display label of each value (zones: their names)."""
    lists = {cl.key: cl.items for cl in taxonomy.list_choice_lists(db)}
    themes = {t.key: t.label for t in taxonomy.list_themes(db)}
    labels: dict[str, dict[str, str]] = {}
    for field in form_fields(form):
        if field.type == "theme":
            labels[field.key] = dict(themes)
        elif field.type in ("choice", "multichoice"):
            items = field.options.get("choices") or lists.get(field.options.get("list", ""), [])
            labels[field.key] = {item["value"]: item["label"] for item in items}
    labels.update(references.zone_facet_labels(db, form_fields(form)))
    return labels


def set_form_policy(db: Session, form: Form, policy: str | None, *, actor: Any) -> None:
    """Give the records of ``form`` their own edit policy (None: as the instance).

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: unknown policy.
    """
    if not permissions.can_set_edit_policy(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent modifier un formulaire.")))
    if policy is not None and policy not in permissions.POLICIES:
        raise ValidationError(str(_l("Règle de modification inconnue.")), {"edit_policy": str(_l("Choix inconnu."))})
    form.edit_policy = policy
    db.flush()
