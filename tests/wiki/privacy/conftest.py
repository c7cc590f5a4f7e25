"""A person to erase: an account that wrote pages and records holding personal values, with a token and a twin import."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import update

from tests.factories import make_page
from tests.factories import make_user
from tests.wiki.exports.conftest import record_values
from tests.wiki.exports.conftest import seeded  # noqa: F401 - the fixture
from tests.wiki.exports.test_privacy import CONSENT_FIELDS
from wiki.auth import tokens
from wiki.pages import services as pages
from wiki.pages.models import PageRevision
from wiki.records import form_services
from wiki.records import services

NAME, EMAIL = "Jeanne Testelin", "jeanne.testelin@example.org"
#: Personal values of her records: an e-mail without consent, an organiser she agreed to publish.
PERSONAL_EMAIL, CONSENTED = "perso-1a2b@example.org", "ORGA-5e5e"
#: Every trace of her that must be gone after the erasure (compared without case).
TRACES = (NAME, "Testelin", EMAIL, PERSONAL_EMAIL, CONSENTED, "5e5e")


@pytest.fixture
def person(db, seeded):  # noqa: F811 - the imported fixture
    """Jeanne wrote a page, edited another, created a record (edited twice) and holds an API token.

    An imported revision is signed with her name in other letters' case; a
    record of the moderator holds the same kind of personal value, which must stay.
    """
    form = seeded.form
    fields = [form.fields[0], *CONSENT_FIELDS, *form.fields[1:]]
    form_services.update_form(db, form, title=form.title, fields=fields, actor=seeded.moderator)
    jeanne = make_user(db, NAME, email=EMAIL)
    page = make_page(db, "Lavoir de Bains", "Le lavoir est restauré.\n", actor=jeanne)
    other = pages.find_page(db, "marche-de-redon")
    pages.save_page(db, other, body="Le marché a lieu le lundi matin.\n", comment="précision", actor=jeanne,
                    base_revision_id=other.current_revision_id, policy="account")  # fmt: skip
    imported = make_page(db, "Vieux pont", "Un pont de pierre.\n", actor=seeded.moderator)
    db.execute(update(PageRevision).where(PageRevision.id == imported.current_revision_id)
               .values(imported_author="jeanne TESTELIN", author_id=None))  # fmt: skip
    values = record_values(11, title="Ferme des Saules", courriel_perso=PERSONAL_EMAIL,
                           organisateur=f"Paule {CONSENTED}", accord_organisateur="on")  # fmt: skip
    record = services.create_record(db, form, values, actor=jeanne, policy="account")
    for price in (20, 21):
        services.update_record(
            db, record, {**values, "prix": price}, actor=jeanne, policy="account", base_revision=None
        )
    kept = services.create_record(db, form, record_values(12, title="Ferme du Modo", courriel_perso="modo-perso@example.org"),
                                  actor=seeded.moderator, policy="account")  # fmt: skip
    token = tokens.create_token(db, jeanne, "script de Jeanne")
    db.commit()
    return SimpleNamespace(user=jeanne, page=page, other=other, imported=imported, record=record, kept=kept,
                           form=form, token=token.secret, moderator=seeded.moderator)  # fmt: skip
