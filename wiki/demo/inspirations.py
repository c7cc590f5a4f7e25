"""The demo's « Inspirations d'ailleurs »: real experiences of other rural territories, apart from the territory's own.

31 of the 32 "fiches" of the two Réseau rural national guides happened
elsewhere in France (one in Germany). They are the point of those guides,
ideas to borrow, but they are not initiatives of the Pays de Redon: shown in
its *Initiative* directory, its map and its commune facets, they would pass
for local ones. So the demo keeps them in a form of their own, ``inspiration``,
with the Initiative fields except those that place a record on the territory
(communes, départements as zones, the map position) and the contact person:
where an experience took place is told as text (territory, départements,
région, country), and its source is required. Without a geometry or commune
field the form has no map layer and no commune facet. The records are the
Markdown files of ``inspirations/`` (format: ``initiatives/README.md``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.demo.data import read_records
from wiki.demo.initiatives import create_missing
from wiki.errors import NotFound
from wiki.records import form_services
from wiki.records.builtin import FORMS
from wiki.records.models import Form
from wiki.records.seeding import seed_builtin

DATA_DIR = Path(__file__).parent / "inspirations"
FORM_KEY = "inspiration"
FORM_TITLE = "Inspirations d’ailleurs"
FORM_DESCRIPTION = (
    "Des expériences menées dans d’autres territoires ruraux, décrites par deux guides du Réseau rural national, "
    "pour donner des idées au Pays de Redon. Elles ne sont pas sur le territoire : chaque fiche dit en toutes "
    "lettres où elle a eu lieu et cite sa source."
)
DEMO_COMMENT = "Inspiration de démonstration"
#: Initiative fields the inspirations leave out: what places a record on the territory, and the contact person.
LEFT_OUT = frozenset(
    {"communes", "localisation", "contact_nom", "contact_email", "contact_telephone", "contact_consentement"}
)
#: Initiative fields the inspirations take with other settings (``departements`` is text, not a zone).
CHANGED: dict[str, dict[str, Any]] = {
    "territoire": {"help": "Où l’expérience a eu lieu, en toutes lettres (ex. « Arvieu (Aveyron) »)."},
    "departements": {
        "type": "text",
        "label": "Départements",
        "help": "Leur nom et leur numéro (ex. « Aveyron (12) »).",
        "options": {},
    },
    "source": {"required": True, "help": "Le document qui décrit l’expérience, avec sa page."},
}
#: The inspirations, keyed by field key of the ``inspiration`` form.
INSPIRATIONS: tuple[dict[str, Any], ...] = read_records(DATA_DIR)


def _field_id(key: str) -> str:
    """A field id derived from its key, so that two demo instances share the form's ids."""
    return "f_" + hashlib.sha1(f"{FORM_KEY}:{key}".encode()).hexdigest()[:8]


def inspiration_fields() -> list[dict[str, Any]]:
    """The field definitions of the ``inspiration`` form, from those of the built-in Initiative form."""
    initiative = next(form for form in FORMS if form["key"] == "initiative")
    return [
        dict(field) | CHANGED.get(field["key"], {}) | {"id": _field_id(field["key"])}
        for field in initiative["fields"]
        if field["key"] not in LEFT_OUT
    ]


def inspiration_form(db: Session, actor: Any) -> Any:
    """Return the ``inspiration`` form, created first if missing (``actor``: a moderator or administrator).

    :raises NotFound: the form was deleted (its key stays taken): the administrators chose so.
    """
    try:
        return form_services.get_form(db, FORM_KEY)
    except NotFound:
        if db.scalar(select(Form.id).where(Form.key == FORM_KEY)) is not None:
            raise
    seed_builtin(db, actor)  # the themes and choice lists the fields name
    return form_services.create_form(
        db, key=FORM_KEY, title=FORM_TITLE, description=FORM_DESCRIPTION, fields=inspiration_fields(), actor=actor,
        comment="Formulaire de démonstration",
    )  # fmt: skip


def load_demo_inspirations(db: Session, actor: Any) -> int:
    """Create the form and the inspirations that do not exist yet, published; return how many were created.

    Idempotent like the initiatives: a title already that of a live record of the form is skipped.
    """
    return create_missing(db, inspiration_form(db, actor), INSPIRATIONS, actor, DEMO_COMMENT)
