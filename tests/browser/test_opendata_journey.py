"""The open-data catalog in a real browser: accessible, and metadata edited through the CSRF-protected form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from wiki.db import Database

pytestmark = pytest.mark.browser


def _demo(app):
    from wiki.demo import load_demo

    session = Database.new_session(app)
    load_demo(session)
    make_user(session, "Modératrice", role="moderator")
    session.commit()
    session.close()


@pytest.mark.parametrize("path", ["/donnees", "/donnees/initiative", "/donnees/pages"])
def test_catalog_pages_have_no_serious_accessibility_violations(live_server, sqlite_app, page, path):
    _demo(sqlite_app)
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_moderator_changes_the_licence_of_a_dataset(live_server, sqlite_app, page):
    _demo(sqlite_app)
    base = live_server.url
    page.goto(base + "/-/connexion")
    page.get_by_label("Nom d’utilisateur").fill("Modératrice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(base + "/donnees/initiative")
    page.get_by_role("link", name="Modifier les métadonnées").click()
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
    page.get_by_label("Courriel de contact (une adresse générique)").fill("pas un courriel")
    page.get_by_label("Licence").select_option("odbl-1.0")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Adresse de courriel invalide")
    expect(page.get_by_label("Courriel de contact (une adresse générique)")).to_have_value("pas un courriel")
    page.get_by_label("Courriel de contact (une adresse générique)").fill("contact@cdd.example.org")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les métadonnées du jeu de données sont enregistrées.")).to_be_visible()
    expect(page.get_by_role("link", name="Open Database License (ODbL) 1.0").first).to_be_visible()
    page.get_by_role("link", name="Données ouvertes").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV pour tableur — Initiative").click()
    assert download.value.suggested_filename == "initiative-tableur.csv"
