"""An inhabitant searches the demo territory from the header box, narrows with facets, opens a result."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from tests.support.browser import new_context
from wiki.db import Database
from wiki.demo import load_demo

pytestmark = pytest.mark.browser


def _demo(app):
    session = Database.new_session(app)
    load_demo(session)
    session.commit()
    session.close()


def test_search_narrow_and_open_a_result_without_javascript(live_server, sqlite_app, browser):
    _demo(sqlite_app)
    context = new_context(browser, java_script_enabled=False)
    tab = context.new_page()
    tab.goto(live_server.url + "/")
    tab.get_by_role("searchbox", name="Rechercher dans le wiki").fill("covoit")
    tab.get_by_role("button", name="Rechercher", exact=True).click()
    expect(tab.get_by_role("heading", name="Recherche", exact=True)).to_be_visible()
    heading = tab.locator("#results-title")
    expect(heading).to_contain_text("résultats")
    assert tab.locator(".hits mark").count() > 0  # the matching passages are highlighted
    total = int(heading.inner_text().split()[0])
    facets = tab.get_by_role("navigation", name="Affiner")
    facets.get_by_role("link", name="Fiche").click()
    expect(tab.locator(".facet-values a.selected")).to_have_count(1)
    narrowed = int(tab.locator("#results-title").inner_text().split()[0])
    assert 0 < narrowed < total and "type=record" in tab.url
    first = tab.locator(".hits h3 a").first
    title = first.inner_text()
    first.click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(title)
    context.close()


def test_a_typo_offers_a_correction(live_server, sqlite_app, page):
    _demo(sqlite_app)
    page.goto(live_server.url + "/-/recherche?q=mobolité")
    expect(page.locator("#results-title")).to_have_text("Aucun résultat")
    page.get_by_role("link", name="mobilite").click()
    expect(page.locator("#results-title")).not_to_have_text("Aucun résultat")
    expect(page.locator(".hits mark").first).to_be_visible()


@pytest.mark.parametrize(
    "path",
    [
        "/-/recherche",
        "/-/recherche?q=tiers-lieux",
        "/-/recherche?q=velo&type=record&theme=mobilite",
        "/-/recherche?q=zzzzzz",
        '/-/recherche?q="unclosed',
    ],
)
def test_search_pages_have_no_serious_accessibility_violations(live_server, sqlite_app, page, path):
    _demo(sqlite_app)
    page.goto(live_server.url + path)
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)
