"""The territory's vocabulary: shared choice lists, the theme taxonomy, and
the validation context built from them.

Forms refer to these by key; ``cleaning_context`` hands them to the pure
field validators (``fields.py``). Every change of a list is a revision.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records.models import ChoiceList
from wiki.records.models import Theme
from wiki.records.references import record_finder
from wiki.records.references import zone_book
from wiki.revisions import save_revision


def _check_key_title(key: str, title: str) -> None:
    errors = {}
    if not F.KEY_RE.match(key or ""):
        errors["key"] = str(_l("Identifiant invalide : lettres minuscules, chiffres et _ ; commence par une lettre."))
    if not (title or "").strip() or len(title) > 200:
        errors["title"] = str(_l("Titre obligatoire (200 caractères au plus)."))
    if errors:
        raise ValidationError(str(_l("La liste n'a pas été enregistrée.")), errors)


def cleaning_context(db: Session, *, default_timezone: str = "Europe/Paris", references: bool = False) -> F.Context:
    """Build the validation context: choice lists and the theme taxonomy.

    ``references``: also check zone codes against the loaded zones (a level
    without any loaded accepts any well-formed code) and read names typed
    instead of codes and words typed to find a linked record (the record form
    and the API; importers keep codes as their sources give them).
    """
    lists = {cl.key: [item["value"] for item in cl.items] for cl in db.scalars(select(ChoiceList))}
    themes = list(db.scalars(select(Theme)))
    lookup: dict[str, str] = {}
    for theme in themes:
        for name in [theme.key, theme.label, *theme.synonyms]:
            lookup[F.fold(name)] = theme.key
    exists, find = zone_book(db) if references else (None, None)
    return F.Context(
        choice_lists=lists,
        theme_keys=frozenset(t.key for t in themes),
        theme_lookup=lookup,
        default_timezone=default_timezone,
        zone_exists=exists,
        zone_find=find,
        record_find=record_finder(db) if references else None,
    )


def save_choice_list(
    db: Session, *, key: str, title: str, items: list[dict[str, str]], actor: Any, comment: str = ""
) -> ChoiceList:
    """Create or replace a shared list of choices (a revision each time).

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: bad key or items.
    """
    if not permissions.can_manage_forms(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent modifier une liste.")))
    _check_key_title(key, title)
    try:
        clean = F.validate_choices(items)
    except F.SchemaError as err:
        raise ValidationError(str(_l("La liste est invalide.")), {"items": " ; ".join(err.errors)}) from err
    existing = db.scalar(select(ChoiceList).where(ChoiceList.key == key))
    if existing is None:
        existing = ChoiceList(key=key, title=title.strip(), items=clean, created_at=utcnow(), updated_at=utcnow())
        db.add(existing)
        db.flush()
        action = "create"
    else:
        if (existing.title, existing.items) == (title.strip(), clean):
            return existing
        existing.title, existing.items = title.strip(), clean
        existing.revision_number += 1
        existing.updated_at = utcnow()
        action = "edit"
    save_revision(
        db,
        "list",
        existing.id,
        {"key": key, "title": existing.title, "items": clean},
        actor=actor,
        comment=comment,
        action=action,
    )
    return existing


def list_choice_lists(db: Session) -> list[ChoiceList]:
    """Return the shared choice lists by title."""
    return list(db.scalars(select(ChoiceList).order_by(ChoiceList.title)))


def list_themes(db: Session) -> list[Theme]:
    """Return the theme taxonomy in display order."""
    return list(db.scalars(select(Theme).order_by(Theme.position, Theme.label)))


def save_theme(
    db: Session,
    *,
    key: str,
    label: str,
    actor: Any,
    parent_key: str | None = None,
    synonyms: list[str] | None = None,
    description: str = "",
    position: int | None = None,
) -> Theme:
    """Create or update a theme of the taxonomy.

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: bad key, label or parent.
    """
    if not permissions.can_manage_forms(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent modifier les thématiques.")))
    if not F.KEY_RE.match(key or "") or not (label or "").strip() or len(label) > 120:
        raise ValidationError(
            str(_l("Thématique invalide.")), {"label": str(_l("Libellé obligatoire (120 caractères au plus)."))}
        )
    theme = db.scalar(select(Theme).where(Theme.key == key)) or Theme(key=key)
    parent = db.scalar(select(Theme).where(Theme.key == parent_key)) if parent_key else None
    if parent_key and (parent is None or parent.key == key):
        raise ValidationError(
            str(_l("Thématique parente inconnue.")), {"parent": str(_l("Thématique parente inconnue."))}
        )
    theme.label, theme.description = label.strip(), description
    theme.parent_id = parent.id if parent else None
    theme.synonyms = [s.strip() for s in (synonyms or []) if s.strip()][:20]
    if position is not None:
        theme.position = position
    db.add(theme)
    db.flush()
    return theme
