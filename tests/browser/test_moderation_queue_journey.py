"""A moderator empties the queue in a browser: accepts a page edit, refuses a record with a reason the author reads;
at 1280 and 390 px, without horizontal scroll and without serious accessibility violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_page
from tests.factories import make_user
from tests.support.browser import axe_violations
from tests.support.browser import fits_viewport
from tests.support.browser import format_violations
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.pages import services as pages
from wiki.records import form_services
from wiki.records import services as records

pytestmark = pytest.mark.browser

SIZES = {"large": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
FIELDS = [{"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True}]


def _seed(app) -> None:
    """A pre-moderated page and form, and two contributions of a newcomer waiting for review."""
    with app.app_context():
        session = Database.new_session()
        moderator = make_user(session, "Modo", role="moderator")
        newcomer = make_user(session, "Nouveau")
        page = make_page(session, "Lavoir", "Le lavoir du bourg.\n", actor=moderator)
        form = form_services.create_form(session, key="lieux", title="Lieux", fields=FIELDS, actor=moderator)
        page.edit_policy = form.edit_policy = "premoderated"
        session.commit()
        pages.save_page(
            session, page, body="Le lavoir du bourg, restauré en 2024.\n", comment="date de restauration",
            actor=newcomer, base_revision_id=page.current_revision_id, policy="account",
        )  # fmt: skip
        records.create_record(session, form, {"title": "Achetez des montres"}, actor=newcomer, policy="account")
        session.commit()
        session.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_moderator_accepts_one_item_and_refuses_another(live_server, sqlite_app, browser, size):
    _seed(sqlite_app)
    context = new_context(browser, viewport=SIZES[size])
    tab = context.new_page()
    log_in(tab, live_server.url, "Modo")
    tab.get_by_role("link", name="Modération").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Contributions en attente")
    expect(tab.get_by_text("2 contributions attendent une relecture.")).to_be_visible()
    assert fits_viewport(tab), "the queue scrolls sideways"
    violations = axe_violations(tab)
    assert violations == [], format_violations(violations)

    edit = tab.locator("article.queue-item", has_text="Lavoir")
    expect(edit).to_contain_text("restauré en 2024")  # the diff
    expect(edit).to_contain_text("Nouveau")
    expect(edit).to_contain_text("date de restauration")
    edit.get_by_role("button", name="Accepter").click()
    expect(tab.get_by_text("« Lavoir » acceptée.")).to_be_visible()

    spam = tab.locator("article.queue-item", has_text="Achetez des montres")
    spam.get_by_role("button", name="Refuser").click()  # without a reason: refused, the form says why
    expect(tab.get_by_text("Donnez la raison du refus").first).to_be_visible()
    spam = tab.locator("article.queue-item", has_text="Achetez des montres")
    spam.get_by_label("Raison (obligatoire pour refuser, lue par l’auteur)").fill("Publicité sans rapport.")
    spam.get_by_role("button", name="Refuser").click()
    expect(tab.get_by_text("« Achetez des montres » refusée.")).to_be_visible()
    expect(tab.get_by_text("Rien n’attend : la file est vide.")).to_be_visible()
    assert fits_viewport(tab)

    tab.goto(live_server.url + "/pages/lavoir")
    expect(tab.get_by_text("restauré en 2024")).to_be_visible()
    context.close()

    author_context = new_context(browser, viewport=SIZES[size])
    author = author_context.new_page()
    log_in(author, live_server.url, "Nouveau")
    author.goto(live_server.url + "/-/compte")
    author.get_by_role("link", name="Mes contributions relues").click()
    expect(author.get_by_text("Publicité sans rapport.")).to_be_visible()
    expect(author.locator("main li", has_text="Lavoir").first).to_contain_text("acceptée")
    assert fits_viewport(author)
    violations = axe_violations(author)
    assert violations == [], format_violations(violations)
    author_context.close()


def test_the_queue_works_with_the_keyboard_and_without_javascript(live_server, sqlite_app, browser):
    _seed(sqlite_app)
    context = new_context(browser, java_script_enabled=False)
    tab = context.new_page()
    log_in(tab, live_server.url, "Modo")
    tab.goto(live_server.url + "/-/moderation")
    edit = tab.locator("article.queue-item", has_text="Lavoir")
    edit.get_by_label("Raison (obligatoire pour refuser, lue par l’auteur)").focus()
    tab.keyboard.type("Merci !")
    tab.keyboard.press("Tab")  # to « Accepter »
    tab.keyboard.press("Enter")
    expect(tab.get_by_text("« Lavoir » acceptée.")).to_be_visible()
    context.close()
