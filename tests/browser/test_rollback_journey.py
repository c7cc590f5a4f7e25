"""A moderator finds a spammer in recent changes, previews and applies the mass rollback, then undoes it from
the public moderation log; at 1280 and 390 px, without horizontal scroll and without serious accessibility violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_page
from tests.factories import make_user
from tests.support.browser import assert_fits_and_accessible
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.pages import services as pages

pytestmark = pytest.mark.browser

SIZES = {"large": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _seed(app) -> None:
    """Alix's page, vandalised by « Vendeur », who also made a page of their own."""
    with app.app_context():
        session = Database.new_session()
        make_user(session, "Modo", role="moderator")
        alix, spam = make_user(session, "Alix"), make_user(session, "Vendeur")
        page = make_page(session, "Lavoir", "Le lavoir du bourg.\n", actor=alix)
        session.commit()
        pages.save_page(
            session, page, body="MONTRES PAS CHÈRES\n", comment="", actor=spam,
            base_revision_id=page.current_revision_id, policy="account",
        )  # fmt: skip
        pages.create_page(session, title="Montres", body="Achetez", comment="", actor=spam, policy="account")
        session.commit()
        session.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_moderator_rolls_a_spammer_back_and_undoes_it(live_server, sqlite_app, browser, size):
    _seed(sqlite_app)
    context = new_context(browser, viewport=SIZES[size])
    tab = context.new_page()
    log_in(tab, live_server.url, "Modo")

    tab.goto(live_server.url + "/-/modifications?auteur=Vendeur")
    assert_fits_and_accessible(tab)
    tab.get_by_role("link", name="Annuler en masse tout ce que cette personne a fait").click()
    expect(tab.get_by_role("heading", name="Aperçu")).to_be_visible()
    expect(tab.locator("table.rollback-plan")).to_contain_text("retour à la version 1")
    expect(tab.locator("table.rollback-plan")).to_contain_text("suppression (restaurable)")
    assert_fits_and_accessible(tab)
    tab.get_by_label("Motif (public, dans le journal de modération)").fill("vente de montres")
    tab.get_by_role("button", name="Tout annuler").click()

    expect(tab.get_by_role("heading", level=1)).to_have_text("Journal de modération")
    entry = tab.locator("li.journal-rollback")
    expect(entry).to_contain_text("Vendeur")
    expect(entry).to_contain_text("vente de montres")
    assert_fits_and_accessible(tab)
    tab.goto(live_server.url + "/pages/lavoir")
    expect(tab.locator("main")).to_contain_text("Le lavoir du bourg.")

    tab.goto(live_server.url + "/-/journal")
    tab.locator("li.journal-rollback").get_by_role("button", name="Rétablir ce qui a été annulé").click()
    expect(tab.locator("li.journal-rollback")).to_contain_text("rétablie")
    tab.goto(live_server.url + "/pages/lavoir")
    expect(tab.locator("main")).to_contain_text("MONTRES PAS CHÈRES")
    context.close()
