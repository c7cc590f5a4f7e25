"""A volunteer's first journey in a real browser, and accessibility checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from wiki.db import Database
from wiki.demo import load_demo

pytestmark = pytest.mark.browser


def _demo(app):
    with app.app_context():
        session = Database.new_session()
        load_demo(session)
        session.commit()
        session.close()


def test_register_edit_and_see_the_diff(live_server, sqlite_app, page):
    _demo(sqlite_app)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Nom d’utilisateur").fill("Camille Bénévole")
    page.get_by_label("Mot de passe (8 caractères au moins)").fill("un mot de passe sûr")
    page.get_by_label("Mot de passe, à nouveau").fill("un mot de passe sûr")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Votre compte est créé")).to_be_visible()

    page.goto(live_server.url + "/pages/redon")
    page.get_by_role("link", name="Modifier", exact=True).click()
    text = page.get_by_label("Texte de la page")
    text.fill(text.input_value() + "\n## Marché\n\nLe marché a lieu le lundi matin.\n")
    page.get_by_label("Résumé de la modification").fill("ajout du marché")
    page.get_by_role("button", name="Aperçu").click()
    expect(page.locator(".preview").get_by_text("Le marché a lieu le lundi matin.")).to_be_visible()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", name="Marché")).to_be_visible()

    page.get_by_role("link", name="Historique").first.click()
    expect(page.get_by_text("ajout du marché")).to_be_visible()
    page.get_by_role("button", name="Comparer les versions choisies").click()
    expect(page.locator("table.diff")).to_be_visible()
    inserted = page.locator("table.diff ins")
    assert inserted.count() > 0
    assert "lundi" in " ".join(inserted.all_inner_texts())
    assert errors == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/pages/comment-contribuer",
        "/pages/redon/history",
        "/-/connexion",
        "/-/inscription",
        "/-/modifications",
        "/pages",
    ],
)
def test_key_pages_have_no_serious_accessibility_violations(live_server, sqlite_app, page, path):
    _demo(sqlite_app)
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)


def test_editor_is_accessible_when_logged_in(live_server, sqlite_app, page):
    _demo(sqlite_app)
    page.goto(live_server.url + "/-/inscription")
    page.get_by_label("Nom d’utilisateur").fill("Lou")
    page.get_by_label("Mot de passe (8 caractères au moins)").fill("un mot de passe sûr")
    page.get_by_label("Mot de passe, à nouveau").fill("un mot de passe sûr")
    page.get_by_role("button", name="Créer mon compte").click()
    for path in ("/pages/redon/edit", "/pages/redon/diff?from=1&to=1"):
        page.goto(live_server.url + path)
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)


def test_pages_work_without_javascript(live_server, sqlite_app, browser):
    """Reading and editing need no script at all (the CSP allows none inline)."""
    from tests.support.browser import new_context

    _demo(sqlite_app)
    context = new_context(browser, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server.url + "/-/inscription")
    tab.get_by_label("Nom d’utilisateur").fill("Sans Script")
    tab.get_by_label("Mot de passe (8 caractères au moins)").fill("un mot de passe sûr")
    tab.get_by_label("Mot de passe, à nouveau").fill("un mot de passe sûr")
    tab.get_by_role("button", name="Créer mon compte").click()
    tab.goto(live_server.url + "/-/nouvelle-page")
    tab.get_by_label("Titre de la nouvelle page").fill("Jardin partagé")
    tab.get_by_role("button", name="Continuer").click()
    tab.get_by_label("Texte de la page").fill("Un jardin ouvert à tous.")
    tab.get_by_role("button", name="Enregistrer").click()
    expect(tab.get_by_role("heading", name="Jardin partagé")).to_be_visible()
    context.close()
