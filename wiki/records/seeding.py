"""Seed and upgrade the built-in forms, choice lists and themes (:mod:`wiki.records.builtin`).

:func:`seed_builtin` creates what is missing through the services and never
touches what exists, so an administrator's edits survive a re-install.

A change to a built-in form shipped after installs exist is an *upgrade*
(:data:`UPGRADES`): :func:`seed_builtin` applies it once to an existing
form, through the same services as the form editor (a new revision, signals
to search, map and agenda), only to fields still as shipped, and never again
once the form's history shows it (so administrators who undo it keep their
choice). Service layer: no request globals; the caller commits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.records import form_services
from wiki.records import models as record_models
from wiki.records import taxonomy
from wiki.records.builtin import CHOICE_LISTS
from wiki.records.builtin import FORMS
from wiki.records.builtin import THEMES
from wiki.revisions import Revision

#: The contact fields of the Initiative form, and the box that records the person's consent.
_CONTACT_IDS = ("f_7f7fb7a6", "f_83a29ecc", "f_86926e23")
_CONSENT_ID = "f_8944f15c"
#: Help texts shipped before :func:`_contact_consent`, which promised what the record form now says by
#: itself (replaced only where nobody changed them).
_OLD_CONTACT_HELP = {
    "f_7f7fb7a6": "Nom et rôle. Visible seulement par les modérateurs, sauf si la personne accepte la publication.",
    "f_83a29ecc": "Visible seulement par les modérateurs, sauf si la personne accepte la publication.",
    "f_86926e23": "Visible seulement par les modérateurs, sauf si la personne accepte la publication.",
}


def _contact_consent(db: Session, form: record_models.Form, actor: Any) -> bool:
    """Initiative: publish the contact person's details where the consent box is ticked, as its help always said.

    Forms installed before consent existed keep the contact fields private.
    Each one still personal and without consent box is put under the box
    (a private one becomes public: the box decides); a field the
    administrators made something else is left alone. Never applied twice:
    once any revision of the form links a contact field to a consent box,
    the form's history has it and the administrators decide from then on.
    """
    if form.key != "initiative" or form.deleted_at is not None:
        return False
    history = db.scalars(select(Revision.snapshot).where(Revision.kind == "form", Revision.object_id == form.id))
    if any(
        f.get("consent_field")
        for snapshot in history
        for f in snapshot.get("fields") or []
        if f.get("id") in _CONTACT_IDS
    ):
        return False
    fields = [dict(f) for f in form.fields]
    box = next(
        (f for f in fields if f.get("id") == _CONSENT_ID and f.get("type") == "boolean" and not f.get("personal")), None
    )
    contacts = [
        f for f in fields if f.get("id") in _CONTACT_IDS and f.get("personal") is True and not f.get("consent_field")
    ]
    if box is None or not contacts:
        return False
    shipped = {f["id"]: f for f in next(spec for spec in FORMS if spec["key"] == "initiative")["fields"]}
    for field in contacts:
        field["consent_field"] = box["key"]
        if field.get("visibility") == "private":
            field["visibility"] = "public"
        if field.get("help") == _OLD_CONTACT_HELP[field["id"]]:
            field["help"] = shipped[field["id"]]["help"]
    return form_services.update_form(
        db,
        form,
        title=form.title,
        description=form.description,
        fields=fields,
        actor=actor,
        comment="Mise à jour du formulaire intégré : les coordonnées de la personne de contact sont publiées "
        "seulement si la case de consentement est cochée",
    )


#: Upgrades of built-in forms, oldest first: ``(db, form, actor) -> whether the form changed``.
UPGRADES: tuple[Callable[[Session, record_models.Form, Any], bool], ...] = (_contact_consent,)


def upgrade_builtin(db: Session, actor: Any) -> int:
    """Apply the upgrades of built-in forms to the forms that still need them; return how many forms changed."""
    changed = 0
    for form in db.scalars(
        select(record_models.Form).where(record_models.Form.builtin.is_(True)).order_by(record_models.Form.id)
    ):
        results = [upgrade(db, form, actor) for upgrade in UPGRADES]  # every upgrade runs, in order
        changed += any(results)
    return changed


def seed_builtin(db: Session, actor: Any) -> dict[str, int]:
    """Create the missing themes, choice lists and built-in forms, then upgrade existing built-in forms.

    Returns how many themes, lists and forms were created, and how many forms
    were upgraded (:func:`upgrade_builtin`). Idempotent: anything that
    already exists (by key) is otherwise left exactly as it is, even a form
    deleted or edited by the administrators. ``actor`` must be a moderator or
    an administrator (the services check it).

    :raises Forbidden: the actor is not a moderator.
    """
    counts = {"themes": 0, "choice_lists": 0, "forms": 0}
    existing = set(db.scalars(select(record_models.Theme.key)))
    for position, (key, label, synonyms) in enumerate(THEMES):
        if key not in existing:
            taxonomy.save_theme(db, key=key, label=label, synonyms=list(synonyms), position=position, actor=actor)
            counts["themes"] += 1
    existing = set(db.scalars(select(record_models.ChoiceList.key)))
    for key, title, items in CHOICE_LISTS:
        if key not in existing:
            taxonomy.save_choice_list(
                db, key=key, title=title, items=items, actor=actor, comment="Liste fournie à l’installation"
            )
            counts["choice_lists"] += 1
    existing = set(db.scalars(select(record_models.Form.key)))  # deleted forms too: their key stays taken
    for form in FORMS:
        if form["key"] not in existing:
            form_services.create_form(
                db, **form, actor=actor, builtin=True, comment="Formulaire fourni à l’installation"
            )
            counts["forms"] += 1
    counts["upgraded_forms"] = upgrade_builtin(db, actor)
    return counts
