"""A volunteer on a phone creates an initiative and picks its commune by name, with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.support.browser import fits_viewport
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.demo.places import load_demo_zones
from wiki.records.seeding import seed_builtin

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _setup(app):
    session = Database.new_session(app)
    moderator = make_user(session, "Modératrice", role="moderator")
    make_user(session, "Bénévole")
    seed_builtin(session, moderator)
    load_demo_zones(session)
    session.commit()
    session.close()


def _fill_initiative(page, title):
    page.locator("#f-title").fill(title)
    page.locator("#f-resume").fill("Un atelier de réparation de vélos, ouvert à tous.")
    page.locator("#f-porteur").fill("Association Vélo Redon")
    page.locator("#f-description").fill("Chaque samedi, on répare ensemble.")
    page.locator("input[name='themes']").first.check()


@pytest.mark.parametrize("javascript", [True, False], ids=["with_js", "without_js"])
def test_create_an_initiative_picking_its_commune_by_name_on_a_phone(live_server, sqlite_app, browser, javascript):
    _setup(sqlite_app)
    base = live_server.url
    context = new_context(browser, viewport=PHONE, java_script_enabled=javascript)
    page = context.new_page()
    try:
        log_in(page, base, "Bénévole")
        page.goto(base + "/annuaire/initiative/nouvelle")
        title = "Atelier vélo " + ("avec" if javascript else "sans") + " JavaScript"
        _fill_initiative(page, title)
        communes = page.locator("select[name='communes']")
        expect(communes.locator("option", has_text="Guémené-Penfao (44)")).to_have_count(1)
        assert "35236" not in communes.inner_text()  # names, not codes
        if javascript:
            search = page.get_by_label("Rechercher une commune par son nom").first
            search.fill("guemene")
            search.press("Enter")
            search.fill("redon")
            expect(communes.locator("option:not([hidden])")).to_have_count(2)  # Redon, Saint-Nicolas-de-Redon
            communes.locator("option", has_text="Redon (35)").click()
            expect(page.locator(".picker-chosen").first).to_contain_text("Guémené-Penfao (44), Redon (35)")
        else:
            communes.select_option(label=["Guémené-Penfao (44)", "Redon (35)"])
        assert fits_viewport(page)
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        field = page.locator("dd.field-zone").first
        expect(field).to_contain_text("Guémené-Penfao")
        expect(field).to_contain_text("Redon")
        expect(field).not_to_contain_text("44067")
        assert fits_viewport(page)
    finally:
        context.close()
