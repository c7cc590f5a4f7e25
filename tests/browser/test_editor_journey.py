"""Editing a page with the toolbar, inserting an image by upload, with and without JavaScript, at 1280 and 390 px."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import make_user
from tests.support.browser import axe_violations
from tests.support.browser import fits_viewport
from tests.support.browser import format_violations
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.demo import load_demo

pytestmark = pytest.mark.browser

SIZES = {"large": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _demo_with_account(app) -> None:
    with app.app_context():
        session = Database.new_session()
        load_demo(session)
        make_user(session, "Camille")
        session.commit()
        session.close()


def _photo(tmp_path) -> str:
    path = tmp_path / "port de Redon.png"
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 90, 160)).save(out, "PNG")
    path.write_bytes(out.getvalue())
    return str(path)


def _append_at_end(text) -> None:
    text.focus()
    text.press("Control+End")
    text.press_sequentially("\n\n")


@pytest.mark.parametrize("size", SIZES)
def test_edit_with_the_toolbar_and_insert_an_uploaded_image(live_server, sqlite_app, browser, tmp_path, size):
    _demo_with_account(sqlite_app)
    context = new_context(browser, viewport=SIZES[size])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    log_in(tab, live_server.url, "Camille")
    tab.goto(live_server.url + "/pages/redon/edit")
    toolbar = tab.get_by_role("toolbar", name="Mise en forme du texte")
    expect(toolbar).to_be_visible()
    assert fits_viewport(tab)
    text = tab.get_by_label("Texte de la page")

    # Bold: the placeholder is inserted selected, typing replaces it.
    _append_at_end(text)
    toolbar.get_by_role("button", name="Gras").click()
    tab.keyboard.type("Marché du lundi")
    assert text.input_value().endswith("**Marché du lundi**")

    # Wiki link, with page names suggested as they are typed.
    text.press("Control+End")
    text.press_sequentially(" voir ")
    toolbar.get_by_role("button", name="Lien vers une page").click()
    name = tab.get_by_label("Nom de la page")
    expect(name).to_be_focused()
    name.press_sequentially("pays de")
    expect(tab.locator("#editor-wiki-pages option[value='Le Pays de Redon']")).to_be_attached()
    name.fill("Le Pays de Redon")
    tab.get_by_role("button", name="Insérer le lien").click()
    assert text.input_value().endswith("**Marché du lundi** voir [[Le Pays de Redon]]")
    expect(text).to_be_focused()

    # Image: pick a file, describe it, it is attached and its Markdown inserted at the cursor.
    text.press("Control+End")
    text.press_sequentially("\n\n")
    toolbar.get_by_role("button", name="Image").click()
    tab.get_by_label(re.compile("^Image \\(PNG")).set_input_files(_photo(tmp_path))
    tab.get_by_label("Description de l’image").fill("Le port de Redon au printemps")
    tab.get_by_role("button", name="Envoyer et insérer").click()
    expect(text).to_have_value(
        re.compile(r"!\[Le port de Redon au printemps\]\(/-/fichiers/\d+/port%20de%20Redon\.png\)$")
    )
    expect(tab.locator("#editor-image")).to_be_hidden()

    # Preview beside the text box, rendered by the server.
    tab.get_by_role("button", name="Aperçu").click()
    preview = tab.locator("#editor-preview")
    expect(preview.locator("strong", has_text="Marché du lundi")).to_be_visible()
    expect(preview.get_by_role("img", name="Le port de Redon au printemps")).to_be_attached()
    # The syntax help opens in place, with the wiki's full help page read into it.
    tab.locator(".syntax-help > summary").click()
    expect(tab.locator(".syntax-help").get_by_role("heading", name="Notes de bas de page")).to_be_visible()
    assert tab.url.endswith("/pages/redon/edit")
    assert fits_viewport(tab)
    violations = axe_violations(tab)
    assert violations == [], format_violations(violations)

    tab.get_by_label("Résumé de la modification").fill("marché et photo")
    tab.get_by_role("button", name="Enregistrer").click()
    content = tab.locator(".prose").first
    expect(content.locator("strong", has_text="Marché du lundi")).to_be_visible()
    expect(content.get_by_role("link", name="Le Pays de Redon")).to_be_visible()
    expect(content.get_by_role("img", name="Le port de Redon au printemps")).to_be_visible()
    tab.goto(live_server.url + "/pages/redon/files")
    expect(tab.get_by_role("link", name="port de Redon.png")).to_be_visible()
    assert errors == []
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_the_same_page_edited_without_javascript(live_server, sqlite_app, browser, size):
    _demo_with_account(sqlite_app)
    context = new_context(browser, viewport=SIZES[size], java_script_enabled=False)
    tab = context.new_page()
    log_in(tab, live_server.url, "Camille")
    tab.goto(live_server.url + "/pages/redon/edit")
    expect(tab.locator("[data-editor]")).to_be_hidden()  # the toolbar needs the script; the text box does not
    assert fits_viewport(tab)
    tab.locator(".syntax-help > summary").click()  # the help opens in place, the text stays
    expect(tab.locator(".syntax-help td", has_text="[[Nom d’une page]]")).to_be_visible()
    text = tab.get_by_label("Texte de la page")
    text.fill(text.input_value() + "\n\n**Marché du lundi**, voir [[Le Pays de Redon]].\n")
    tab.get_by_role("button", name="Aperçu").click()
    expect(tab.locator("section.preview").first.locator("strong", has_text="Marché du lundi")).to_be_visible()
    tab.get_by_role("button", name="Enregistrer").click()
    expect(tab.locator(".prose").first.get_by_role("link", name="Le Pays de Redon")).to_be_visible()
    # Files still have their own tab.
    tab.goto(live_server.url + "/pages/redon/files")
    expect(tab.get_by_role("button", name="Envoyer")).to_be_visible()
    context.close()


def test_the_toolbar_with_the_keyboard_only(live_server, sqlite_app, browser):
    _demo_with_account(sqlite_app)
    context = new_context(browser)
    tab = context.new_page()
    log_in(tab, live_server.url, "Camille")
    tab.goto(live_server.url + "/pages/redon/edit")
    text = tab.get_by_label("Texte de la page")
    _append_at_end(text)
    # Ctrl+B in the text box.
    tab.keyboard.press("Control+b")
    tab.keyboard.type("important")
    assert text.input_value().endswith("**important**")
    tab.keyboard.press("End")
    tab.keyboard.type(" ")
    # The toolbar is one tab stop before the text box; arrows move inside it.
    tab.keyboard.press("Shift+Tab")
    expect(tab.get_by_role("button", name="Gras")).to_be_focused()
    for _ in range(4):
        tab.keyboard.press("ArrowRight")
    expect(tab.get_by_role("button", name="Lien vers une page")).to_be_focused()
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("button", name="Lien vers une page")).to_have_attribute("aria-expanded", "true")
    expect(tab.get_by_label("Nom de la page")).to_be_focused()
    tab.keyboard.type("Redon")
    tab.keyboard.press("Enter")  # inserts the link, does not save the page
    expect(text).to_be_focused()
    assert text.input_value().endswith("**important** [[Redon]]")
    # Escape closes a panel and gives the cursor back to the text.
    tab.keyboard.press("Control+k")
    expect(tab.get_by_label("Texte du lien")).to_be_focused()
    tab.keyboard.press("Escape")
    expect(tab.locator("#editor-link")).to_be_hidden()
    expect(text).to_be_focused()
    assert tab.url.endswith("/pages/redon/edit")
    context.close()


def test_markdown_fields_of_a_record_form_get_the_toolbar(live_server, sqlite_app, browser):
    _demo_with_account(sqlite_app)
    context = new_context(browser, viewport=SIZES["phone"])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    log_in(tab, live_server.url, "Camille")
    tab.goto(live_server.url + "/annuaire/initiative/nouvelle")
    summary = tab.locator("#f-resume")
    toolbar = tab.locator("[data-editor='f-resume'] [role=toolbar]")
    expect(toolbar).to_be_visible()
    assert toolbar.get_by_role("button", name="Image").count() == 0  # a record's images are fields of their own
    summary.focus()
    tab.keyboard.press("Control+b")
    tab.keyboard.type("Covoiturage")
    assert summary.input_value() == "**Covoiturage**"
    tab.keyboard.press("End")
    tab.keyboard.type(" entre ")
    toolbar.get_by_role("button", name="Lien vers une page").click()
    tab.locator("#f-resume-editor-wiki-page").fill("Redon")
    tab.locator("[data-editor='f-resume']").get_by_role("button", name="Insérer le lien").click()
    assert summary.input_value() == "**Covoiturage** entre [[Redon]]"
    assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    violations = axe_violations(tab)
    assert violations == [], format_violations(violations)
    assert errors == []
    context.close()
