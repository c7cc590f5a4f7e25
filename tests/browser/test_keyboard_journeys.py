"""Volunteers' journeys done with the keyboard only: Tab to move, Enter to follow or send, letters to type.

Each journey runs on a desktop (1280 px), on a phone (390 px) and on a phone
without JavaScript. No click anywhere: a journey that needs the mouse fails.
One demo site serves the whole module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.support.browser import new_context
from tests.support.demo_site import DemoSite

pytestmark = pytest.mark.browser

VARIANTS = [
    pytest.param((1280, True), id="1280"),
    pytest.param((390, True), id="390"),
    pytest.param((390, False), id="390-sans-javascript"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Any) -> Iterator[DemoSite]:
    """The demo territory; forms may be sent as fast as a test types."""
    demo = DemoSite.start(
        tmp_path_factory.mktemp("keyboard"),
        sqlite_template,
        FORM_MIN_SECONDS=0,
        MAP_TILE_URL="/-/sans-tuiles/{z}/{x}/{y}.png",
    )
    yield demo
    demo.stop()


@pytest.fixture(params=VARIANTS)
def tab(request: pytest.FixtureRequest, browser: Any, site: DemoSite) -> Iterator[Any]:
    """A fresh tab at one width, with or without JavaScript."""
    width, js = request.param
    context = new_context(browser, viewport={"width": width, "height": 800}, java_script_enabled=js)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = site.url  # type: ignore[attr-defined]
    yield page
    context.close()


def tab_to(page: Any, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches ``selector`` (fail if it never does)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def follow(page: Any, selector: str) -> None:
    """Tab to a link or button and press Enter, waiting for the next page."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_read_a_page(tab):
    tab.goto(tab.base + "/")
    follow(tab, ".site-nav a[href='/pages']")
    follow(tab, "main a[href='/pages/redon']")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Redon")
    follow(tab, "main a[href='/pages/redon/history']")
    expect(tab.get_by_role("heading", level=1)).to_contain_text("historique")


def test_register_then_log_in(tab):
    name = f"Clavier {tab.viewport_size['width']} {tab.evaluate('() => Math.random()')}"[:40]
    tab.goto(tab.base + "/")
    follow(tab, ".site-nav a[href^='/-/inscription']")
    tab_to(tab, "#name")
    tab.keyboard.type(name)
    tab_to(tab, "#password")
    tab.keyboard.type("un mot de passe sûr")
    tab_to(tab, "#password2")
    tab.keyboard.type("un mot de passe sûr")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    expect(tab.get_by_text("Votre compte est créé")).to_be_visible()
    follow(tab, ".site-nav form[action='/-/deconnexion'] button")
    follow(tab, ".site-nav a[href^='/-/connexion']")
    tab_to(tab, "#name")
    tab.keyboard.type(name)
    tab_to(tab, "#password")
    tab.keyboard.type("un mot de passe sûr")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    expect(tab.locator(".nav-account a[href='/-/compte']")).to_have_text(name)


def test_search_then_narrow_with_a_facet(tab):
    tab.goto(tab.base + "/")
    tab_to(tab, "#q")
    tab.keyboard.type("marché")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert "/-/recherche" in tab.url
    before = tab.locator(".hits > li").count()
    assert before > 0
    if tab.locator(".facets summary").is_visible():  # on a phone the facets fold behind a button
        tab_to(tab, ".facets summary")
        tab.keyboard.press("Enter")
    follow(tab, ".facets li a")
    assert "&" in tab.url
    assert 0 < tab.locator(".hits > li").count() <= before


def test_download_a_dataset(tab):
    tab.goto(tab.base + "/")
    follow(tab, ".site-nav a[href='/donnees']")
    follow(tab, "main a[href='/donnees/initiative']")
    tab_to(tab, "main a[href$='/donnees/initiative.csv']")
    with tab.expect_download() as caught:
        tab.keyboard.press("Enter")
    download = caught.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as data:
        assert "Le wiki du Pays de Redon" in data.read()
