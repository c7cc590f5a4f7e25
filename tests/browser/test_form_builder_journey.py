"""The form builder in a browser: one field at a time, reordering by keyboard and by drag and drop, retyping in place."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from tests.support.browser import new_context
from wiki.db import Database
from wiki.records import form_services
from wiki.records.seeding import seed_builtin

pytestmark = pytest.mark.browser

SIZES = {"large": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _seed(app) -> None:
    with app.app_context():
        session = Database.new_session()
        seed_builtin(session, make_user(session, "Modo", role="moderator"))
        session.commit()
        session.close()


def _keys(app) -> list[str]:
    with app.app_context():
        session = Database.new_session()
        try:
            return [f.key for f in form_services.form_fields(form_services.get_form(session, "initiative"))]
        finally:
            session.close()


def _open_builder(browser, live_server, size="large"):
    context = new_context(browser, viewport=SIZES[size])
    tab = context.new_page()
    tab.goto(live_server.url + "/-/connexion")
    tab.get_by_label("Nom d’utilisateur").fill("Modo")
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    tab.goto(live_server.url + "/-/formulaires/initiative")
    return context, tab


@pytest.mark.parametrize("size", SIZES)
def test_the_builder_fits_and_is_accessible(live_server, sqlite_app, browser, size):
    _seed(sqlite_app)
    context, tab = _open_builder(browser, live_server, size)
    assert tab.evaluate("() => document.querySelectorAll('input, select, textarea').length") <= 110
    assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    violations = axe_violations(tab)
    assert violations == [], format_violations(violations)
    context.close()


def test_reorder_with_the_keyboard_then_save(live_server, sqlite_app, browser):
    _seed(sqlite_app)
    before = _keys(sqlite_app)
    context, tab = _open_builder(browser, live_server)
    first = before[0]
    down = tab.get_by_role(
        "button", name=f"Descendre le champ « {tab.locator('li[data-row]').first.get_attribute('data-label')} »"
    )
    down.focus()
    tab.keyboard.press("Enter")
    tab.keyboard.press("Enter")  # focus stays on the button: press again to go one further
    expect(down).to_be_focused()
    expect(tab.locator("#builder-status")).to_contain_text("est maintenant en position 3")
    assert tab.url.endswith("/-/formulaires/initiative")  # moved in place, nothing posted
    tab.get_by_role("button", name="Enregistrer").first.click()
    expect(tab.get_by_text("Formulaire enregistré.")).to_be_visible()
    after = _keys(sqlite_app)
    assert after.index(first) == 2 and sorted(after) == sorted(before)
    # The history offers the earlier definition back; restoring it is one more version.
    tab.get_by_role("link", name="Historique").first.click()
    violations = axe_violations(tab)
    assert violations == [], format_violations(violations)
    tab.get_by_role("button", name="Rétablir cette version (n° 1)").click()
    expect(tab.get_by_text("La version 1 du formulaire a été rétablie.")).to_be_visible()
    assert _keys(sqlite_app) == before
    context.close()


def test_modifier_opens_a_field_where_it_is(live_server, sqlite_app, browser):
    _seed(sqlite_app)
    context, tab = _open_builder(browser, live_server, "phone")
    row = tab.locator("li[data-row]").nth(30)
    label = row.get_attribute("data-label")
    row.get_by_role("button", name=f"Modifier le champ « {label} »").click()
    opened = tab.locator("li.field-row-open")
    expect(opened).to_have_count(1)
    expect(opened.get_by_label("Libellé")).to_have_value(label)
    expect(opened).to_be_in_viewport()
    expect(opened.get_by_label("Libellé")).to_be_focused()
    assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    opened.get_by_role("button", name=f"Replier le champ « {label} »").click()
    expect(tab.locator("li.field-row-open")).to_have_count(0)
    expect(row.get_by_role("button", name=f"Modifier le champ « {label} »")).to_be_focused()
    context.close()


def test_modifier_without_javascript_lands_on_the_field(live_server, sqlite_app, browser):
    _seed(sqlite_app)
    context = new_context(browser, viewport=SIZES["phone"], java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server.url + "/-/connexion")
    tab.get_by_label("Nom d’utilisateur").fill("Modo")
    tab.get_by_label("Mot de passe").fill(PASSWORD)
    tab.get_by_role("button", name="Se connecter").click()
    tab.goto(live_server.url + "/-/formulaires/initiative")
    row = tab.locator("li[data-row]").nth(30)
    label = row.get_attribute("data-label")
    row_id = row.get_attribute("id")
    row.get_by_role("button", name=f"Modifier le champ « {label} »").click()
    assert tab.url.endswith(f"#{row_id}")  # the re-rendered page lands on the field, not at its top
    expect(tab.locator(f"#{row_id}").get_by_label("Libellé")).to_have_value(label)
    expect(tab.locator(f"#{row_id}")).to_be_in_viewport()
    context.close()


def test_reorder_by_drag_and_drop(live_server, sqlite_app, browser):
    _seed(sqlite_app)
    before = _keys(sqlite_app)
    context, tab = _open_builder(browser, live_server)
    rows = tab.locator("li[data-row]")
    rows.nth(0).locator(".drag-handle").drag_to(rows.nth(3), target_position={"x": 20, "y": 30})
    expect(tab.locator("#builder-status")).to_contain_text("Enregistrez pour garder le nouvel ordre")
    tab.get_by_role("button", name="Enregistrer").first.click()
    expect(tab.get_by_text("Formulaire enregistré.")).to_be_visible()
    after = _keys(sqlite_app)
    assert after != before and after.index(before[0]) > 0 and sorted(after) == sorted(before)
    context.close()


def test_a_new_type_shows_its_settings_in_place(live_server, sqlite_app, browser):
    _seed(sqlite_app)
    context, tab = _open_builder(browser, live_server)
    tab.get_by_label("Libellé").fill("Public visé")
    tab.get_by_role("button", name="Ajouter et régler ce champ").click()
    expect(tab.locator("#champ-nouveau [name$='-label']")).to_be_focused()  # opened in place, focus on it
    expect(tab.locator("#champ-nouveau")).to_be_in_viewport()
    kind = tab.locator("li.field-row-open select[data-retype]")
    expect(tab.locator("li.field-row-open [name$='-max_length']")).to_be_visible()
    kind.select_option("choice")
    expect(tab.locator("li.field-row-open [name$='-choices']")).to_be_visible()
    expect(tab.locator("li.field-row-open [name$='-max_length']")).to_have_count(0)
    expect(tab.locator("li.field-row-open select[data-retype]")).to_be_focused()
    expect(tab.locator("li.field-row-open [name$='-label']")).to_have_value("Public visé")
    tab.locator("li.field-row-open [name$='-choices']").fill("Enfants\nAdultes")
    tab.get_by_role("button", name="Enregistrer").first.click()
    expect(tab.get_by_text("Formulaire enregistré.")).to_be_visible()
    assert "public_vise" in _keys(sqlite_app)
    context.close()
