"""A moderator imports a spreadsheet on a 390 px phone without JavaScript: upload, map, preview, confirm; axe passes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.shared import DATA
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.records.seeding import seed_builtin

pytestmark = pytest.mark.browser
ANTENNES = DATA / "csv-fr/data-fair/Antennes du CD22.csv"
PHONE = {"width": 390, "height": 844}


def _setup(app):
    session = Database.new_session(app)
    seed_builtin(session, make_user(session, "Modératrice", role="moderator"))
    session.commit()
    session.close()


def _fits(page):
    """Nothing but the scrolling tables is wider than the phone."""
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def _to_mapping(page, base):
    page.goto(base + "/tableur/importer")
    _fits(page)
    page.get_by_label("Fichier").set_input_files(str(ANTENNES))
    page.get_by_label("Formulaire de destination").select_option("lieu")
    page.get_by_role("button", name="Voir la correspondance et l’aperçu").click()


def test_import_a_spreadsheet_on_a_phone_without_javascript(live_server, sqlite_app, browser):
    _setup(sqlite_app)
    context = new_context(browser, java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "Modératrice")
        _to_mapping(page, live_server.url)
        expect(page.get_by_role("alert")).to_contain_text("aucune colonne ne remplit ces champs obligatoires")
        _fits(page)
        page.get_by_label("Sites").select_option("title")
        page.get_by_role("button", name="Actualiser l’aperçu").click()
        expect(page.get_by_text("4 ligne(s) à importer, 0 refusée(s).")).to_be_visible()
        expect(page.get_by_role("table", name="Aperçu : les premières lignes telles qu’elles seront enregistrées")
               ).to_contain_text("Agence Technique Départementale de Dinan")  # fmt: skip
        _fits(page)
        page.get_by_role("button", name="Importer 4 lignes dans « Lieu »").click()
        expect(page.get_by_role("status")).to_contain_text("4 créé(s)")
        expect(page.get_by_role("link", name="Télécharger le rapport ligne à ligne (.csv)")).to_be_visible()
        _fits(page)
    finally:
        context.close()


def test_the_mapping_screen_passes_axe(live_server, sqlite_app, browser):
    from tests.support.browser import axe_violations
    from tests.support.browser import format_violations

    _setup(sqlite_app)
    context = new_context(browser, for_axe=True, viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "Modératrice")
        _to_mapping(page, live_server.url)
        page.get_by_label("Sites").select_option("title")
        page.get_by_role("button", name="Actualiser l’aperçu").click()
        expect(page.get_by_text("4 ligne(s) à importer")).to_be_visible()
        violations = axe_violations(page)
        assert violations == [], format_violations(violations)
    finally:
        context.close()
