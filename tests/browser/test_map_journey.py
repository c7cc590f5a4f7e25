"""Contribute on the map: draw a polygon in a record form and find it on the map; the same without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_user
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.demo.places import load_demo_zones
from wiki.records.seeding import seed_builtin

pytestmark = pytest.mark.browser
TITLE = "<img src=x onerror=alert(1)> Marais du Pâtis"


def _setup(app):
    session = Database.new_session(app)
    moderator = make_user(session, "Modératrice", role="moderator")
    make_user(session, "Bénévole")
    seed_builtin(session, moderator)
    load_demo_zones(session)
    session.commit()
    session.close()


def _offline_tiles(page):
    """A wiki-party without internet: every tile request fails."""
    page.route(re.compile(r"https://tile\.openstreetmap\.org/.*"), lambda route: route.abort())


def test_draw_a_polygon_move_a_vertex_and_see_it_on_the_map(live_server, sqlite_app, page):
    _setup(sqlite_app)
    base = live_server.url
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "tile.openstreetmap" not in m.text and "ERR_FAILED" not in m.text
            else None
        ),
    )
    _offline_tiles(page)
    log_in(page, base, "Bénévole")

    page.goto(base + "/annuaire/lieu/nouvelle")
    page.get_by_label("Nom du lieu").fill(TITLE)
    editor = page.locator(".geo-editor .map")
    expect(editor).to_be_visible()
    page.get_by_role("button", name="Placer un point").click()
    box = editor.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator("textarea[name=localisation]")).to_have_value(re.compile(r"^4\d\.\d{6}, -\d\.\d{6}$"))
    page.get_by_role("button", name="Tracer un polygone").click()
    box = editor.bounding_box()
    for dx, dy in ((0.3, 0.3), (0.7, 0.3), (0.6, 0.7)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    field = page.locator("textarea[name=localisation]")
    expect(field).to_have_value(re.compile(r'^\{"type":"Polygon"'))
    before = field.input_value()
    vertex = page.locator(".geo-vertex").nth(2)
    handle = vertex.bounding_box()
    page.mouse.move(handle["x"] + 7, handle["y"] + 7)
    page.mouse.down()
    page.mouse.move(handle["x"] + 60, handle["y"] + 40, steps=5)
    page.mouse.up()
    expect(field).not_to_have_value(before)
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marais du Pâtis")
    expect(page.locator(".map-record path.map-shape")).to_have_count(1)  # the record page shows it too
    expect(page.locator(".map-record")).to_have_attribute("role", "region")  # controls inside: not a picture

    page.goto(base + "/carte/lieu")
    expect(page.locator("table.map-list")).to_contain_text("Marais du Pâtis")
    expect(page.locator(".map-status")).to_contain_text("Fond de carte indisponible")  # data still shown offline
    shape = page.locator("path.map-shape")
    expect(shape).to_have_count(1)
    shape.click(force=True)
    popup = page.locator(".map-popup h3")
    expect(popup).to_have_text(TITLE)  # the markup is text, never HTML
    expect(page.locator(".map-popup img")).to_have_count(0)
    assert dialogs == [] and errors == []


def test_the_same_contribution_without_javascript(live_server, sqlite_app, browser):
    _setup(sqlite_app)
    base = live_server.url
    context = new_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, base, "Bénévole")
        page.goto(base + "/carte")
        page.get_by_role("link", name="Ajouter : Lieu").click()
        page.get_by_label("Nom du lieu").fill("Lavoir de Rieux")
        page.get_by_label("Localisation sur la carte").fill("47.6052, -2.1294")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Lavoir de Rieux")
        page.goto(base + "/annuaire/lieu/nouvelle")
        page.get_by_label("Nom du lieu").fill("Salle de Redon")
        page.locator("select[name='commune']").select_option(label="Redon (35)")
        page.get_by_label("Adresse").fill("Place de la mairie")
        page.get_by_role("button", name="Enregistrer", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Salle de Redon")
        page.goto(base + "/carte/lieu")
        expect(page.locator("table.map-list")).to_contain_text("Lavoir de Rieux")
        page.goto(base + "/carte?zone=35236")
        expect(page.locator("table.map-list")).to_contain_text("Salle de Redon")
        expect(page.locator("table.map-list")).to_contain_text("position approximative")
    finally:
        context.close()


def test_map_zone_and_editor_pages_pass_axe(live_server, sqlite_app, browser):
    from tests.support.browser import axe_violations
    from tests.support.browser import format_violations
    from wiki.demo.places import load_demo_places

    _setup(sqlite_app)
    session = Database.new_session(sqlite_app)
    from wiki.demo import demo_author

    load_demo_places(session, demo_author(session))
    session.commit()
    session.close()
    context = new_context(browser, for_axe=True)
    page = context.new_page()
    _offline_tiles(page)
    try:
        log_in(page, live_server.url, "Bénévole")
        for path in ("/carte", "/zones/35236", "/annuaire/lieu/nouvelle"):
            page.goto(live_server.url + path)
            page.wait_for_selector(".leaflet-container")
            violations = axe_violations(page)
            assert violations == [], f"{path}: {format_violations(violations)}"
    finally:
        context.close()
