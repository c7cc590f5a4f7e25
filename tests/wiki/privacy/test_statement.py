"""The privacy page states what this instance keeps, from its actual settings and forms."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_user
from tests.wiki.exports.test_privacy import CONSENT_FIELDS
from wiki.demo import PAGES_DIR
from wiki.demo import parse_front_matter
from wiki.pages import services as pages
from wiki.records import form_services

pytestmark = pytest.mark.sqlite_only  # rendering of settings, no dialect-specific SQL


def _text(html: str) -> str:
    """The page's visible text, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_defaults_are_stated(client):
    response = client.get("/-/confidentialite")
    assert response.status_code == 200
    text = _text(response.text)
    assert "chaque ligne en est effacée au bout de 30 jours" in text
    assert "Aucun suivi des visites" in text and "Lire le wiki ne dépose aucun cookie" in text
    assert "sans cookie et sans garder ni adresse IP ni navigateur" in text  # the daily view counts (wiki.stats)
    assert "Un cookie de session (« session »)" in text and "il dure 365 jours" in text
    assert "Chacun peut créer un compte." in text and "Ce wiki n'envoie aucun e-mail." in text
    assert "Il faut un compte pour contribuer." in text
    assert "Aucun formulaire de ce wiki n'a de champ personnel." in text or "Champs personnels" in text
    assert "Set-Cookie" not in response.headers  # reading the privacy page sets no cookie either


def test_the_page_follows_the_settings(make_app):
    app = make_app(IP_RETENTION_DAYS=7, MAIL_SERVER="smtp.example.org", BASE_URL="https://wiki.test", REGISTRATION_OPEN=False, EDIT_POLICY="open",
                   SESSION_COOKIE_NAME="lieudit", SESSION_COOKIE_SECURE=True)  # fmt: skip
    text = _text(app.test_client().get("/-/confidentialite").text)
    assert "chaque ligne en est effacée au bout de 7 jours" in text and "30 jours" not in text
    assert "Les comptes sont créés par les administrateurs." in text and "Ce wiki n'envoie aucun e-mail." not in text
    assert "réinitialiser votre mot de passe" in text
    assert "signée d'un pseudonyme de session, jamais d'une adresse IP" in text
    assert "Un cookie de session (« lieudit »)" in text and "chiffrée (HTTPS)" in text


def test_personal_fields_and_their_consent_boxes_are_listed(client, db, seeded):
    form = seeded.form
    fields = [form.fields[0], *CONSENT_FIELDS, *form.fields[1:]]
    form_services.update_form(db, form, title=form.title, fields=fields, actor=seeded.moderator)
    db.commit()
    text = _text(client.get("/-/confidentialite").text)
    assert "Fermes Courriel du responsable jamais publié" in text
    assert "Fermes Organisatrice ou organisateur case « La personne accepte d’être nommée »" in text
    assert "Téléphone privé" not in text  # private, but not personal data


def test_the_footer_links_to_it(client):
    assert 'href="/-/confidentialite"' in client.get("/-/connexion").text


def test_the_demo_page_states_the_same_facts(make_app, db):
    app = make_app(IP_RETENTION_DAYS=12)
    meta, body = parse_front_matter((PAGES_DIR / "confidentialite.md").read_text(encoding="utf-8"))
    pages.create_page(db, title=meta["title"], body=body, comment="démo", actor=make_user(db), policy="account")
    db.commit()
    client = app.test_client()
    page = _text(client.get("/pages/confidentialite").text)
    assert "chaque ligne en est effacée au bout de 12 jours" in page and "Aucun suivi des visites" in page
    assert "Macro inconnue" not in page
