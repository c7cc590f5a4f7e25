"""The demo initiatives: initiatives of the Pays de Redon only, each in one of its communes and on its map.

The territory's *Initiative* directory, map and commune facets must hold
what happens there. The sources (``shared/seeds/source-documents``) describe
two local actions, the wiki du Pays de Redon and its wiki-parties; the other
files are illustrative examples that the sources do not give, marked as
fictional in their title, their summary and their source (``SOURCES.md``).
Each is a Markdown file of ``initiatives/`` (front matter for the short
values, a ``## key`` section per long text), created in file name order;
``initiatives/README.md`` gives the format and what was left out on purpose
(personal data). The guides' experiences from elsewhere are the demo's
« Inspirations d'ailleurs » (:mod:`wiki.demo.inspirations`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.demo.data import read_records
from wiki.errors import NotFound
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record
from wiki.records.seeding import seed_builtin

DATA_DIR = Path(__file__).parent / "initiatives"
#: The two source documents: every real initiative's and inspiration's ``source`` starts with one of them.
GUIDE_2022 = "Guide « Smart village », Réseau rural national / ADRETS, 2022"
RECUEIL_2018 = "Recueil « L’impact des usages du numérique sur le développement rural », Réseau rural national, 2018"
#: The ``source`` of the illustrative examples the documents do not give; their title ends with FICTION_MARK.
FICTION = "Exemple fictif de démonstration, écrit pour montrer une fiche : cette initiative n’existe pas."
FICTION_MARK = "(exemple fictif)"
DEMO_COMMENT = "Fiche de démonstration"
#: The initiatives, keyed by field key of the built-in ``initiative`` form.
INITIATIVES: tuple[dict[str, Any], ...] = read_records(DATA_DIR)


def load_demo_initiatives(db: Session, actor: Any) -> int:
    """Create the demo initiatives that do not exist yet, published; return how many were created.

    Idempotent: an initiative whose title is already that of a live record of
    the ``initiative`` form is skipped (a volunteer may since have edited it).
    The built-in forms, lists and themes are seeded first when the form is
    missing. ``actor`` is a moderator or administrator (``demo_author``).

    :raises NotFound: the ``initiative`` form was deleted (its key stays taken).
    :raises ValidationError: the form was edited so that the demo values no
        longer fit it (a field removed is fine; a new required field is not).
    """
    try:
        form = form_services.get_form(db, "initiative")
    except NotFound:
        seed_builtin(db, actor)
        form = form_services.get_form(db, "initiative")
    return create_missing(db, form, INITIATIVES, actor)


def create_missing(db: Session, form: Any, entries: Any, actor: Any, comment: str = DEMO_COMMENT) -> int:
    """Publish in ``form`` the demo ``entries`` whose title no live record of it has yet; return how many."""
    existing = set(db.scalars(select(Record.title).where(Record.form_id == form.id, Record.deleted_at.is_(None))))
    ctx = taxonomy.cleaning_context(db)
    created = 0
    for values in entries:
        if values["title"] in existing:
            continue
        services.create_record(db, form, dict(values), actor=actor, policy="account", ctx=ctx, status="published",
                               comment=comment)  # fmt: skip
        existing.add(values["title"])
        created += 1
    return created
