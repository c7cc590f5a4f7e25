"""An administrator erases an account on a phone, by keyboard, with and without JavaScript; the person first downloads their data.

Every screen fits 390 px without horizontal scroll; axe (which needs
JavaScript to run its checks) passes on each in the run with JavaScript.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import make_page
from tests.factories import make_user
from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _fits_the_phone(tab, js: bool) -> None:
    wide = tab.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 40))"
    )
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (tab.url, wide)
    if js:
        violations = axe_violations(tab)
        assert violations == [], format_violations(violations)


@pytest.mark.parametrize("js", [False, True], ids=["sans-js", "js"])
def test_download_then_erasure_on_a_phone(live_server, sqlite_app, browser, js):
    db = Database.new_session(sqlite_app)
    make_user(db, "Admine", role="admin")
    jeanne = make_user(db, "Jeanne Testelin", email="jeanne@example.org")
    make_page(db, "Lavoir de Bains", "Le lavoir est restauré.\n", actor=jeanne)
    db.commit()
    db.close()
    context = new_context(browser, viewport=PHONE, java_script_enabled=js, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        tab.goto(live_server.url + "/-/confidentialite")
        expect(tab.get_by_role("heading", name="Les adresses IP")).to_be_visible()
        _fits_the_phone(tab, js)

        log_in(tab, live_server.url, "Jeanne Testelin")
        tab.goto(live_server.url + "/-/compte")
        _fits_the_phone(tab, js)
        with tab.expect_download() as download:
            tab.get_by_role("link", name="Télécharger mes données").click()
        data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert (
            data["account"]["email"] == "jeanne@example.org" and data["page_revisions"][0]["page"] == "lavoir-de-bains"
        )
        tab.get_by_role("button", name="Me déconnecter partout").click()

        log_in(tab, live_server.url, "Admine")
        tab.goto(live_server.url + "/-/comptes")
        link = tab.get_by_role("link", name="Données personnelles de Jeanne Testelin")
        link.focus()
        tab.keyboard.press("Enter")
        expect(tab.get_by_role("heading", name="Données personnelles de Jeanne Testelin")).to_be_visible()
        _fits_the_phone(tab, js)
        tab.get_by_label("Pour confirmer, tapez le nom du compte").focus()
        tab.keyboard.type("Jeanne Testelin")
        tab.get_by_role("button", name="Effacer ce compte").focus()
        tab.keyboard.press("Enter")
        pseudonym = f"Contributeur effacé n°{jeanne.id}"
        expect(tab.get_by_text(f"il s'appelle désormais « {pseudonym} »")).to_be_visible()
        _fits_the_phone(tab, js)
        tab.goto(live_server.url + "/pages/lavoir-de-bains/history")
        expect(tab.locator("main")).to_contain_text(pseudonym)
        expect(tab.locator("main")).not_to_contain_text("Jeanne")
    finally:
        context.close()
