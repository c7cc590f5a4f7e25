"""Every key page on a phone and on a desktop: no horizontal scroll, no serious axe violation, light budgets.

One demo site and one browser serve the whole module (``tests/support/demo_site.py``
lists the key pages): each check walks through all the pages in one test.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from tests.support.browser import new_context
from tests.support.demo_site import DemoSite
from tests.support.demo_site import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
#: Bytes transferred (headers and bodies, tiles and images left out), issue 18.
BUDGETS = {"/pages/redon": 60_000, "/carte": 300_000}
#: Tiles answer 404 at once from the test server: no request leaves the machine (the map says tiles failed).
NO_TILES = "/-/sans-tuiles/{z}/{x}/{y}.png"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Any) -> Iterator[DemoSite]:
    """The demo territory, served for the whole module."""
    demo = DemoSite.start(tmp_path_factory.mktemp("phones"), sqlite_template, MAP_TILE_URL=NO_TILES)
    yield demo
    demo.stop()


@pytest.fixture(scope="module")
def contexts(browser: Any, site: DemoSite) -> Iterator[Any]:
    """Browser contexts by (width, JavaScript, signed in, colour scheme), made on first use."""
    made: dict[tuple[int, bool, bool, str], Any] = {}

    def get(width: int, js: bool = True, signed_in: bool = False, scheme: str = "light") -> Any:
        key = (width, js, signed_in, scheme)
        if key not in made:
            viewport = PHONE if width == PHONE["width"] else DESKTOP
            made[key] = new_context(browser, viewport=viewport, java_script_enabled=js, color_scheme=scheme)
            if signed_in:
                log_in(made[key], site.url)
        return made[key]

    yield get
    for context in made.values():
        context.close()


def _open(contexts: Any, site: DemoSite, path: str, *, logged_in: bool = False, **options: Any) -> Any:
    tab = contexts(signed_in=logged_in, **options).new_page()
    tab.set_default_timeout(15_000)
    response = tab.goto(site.url + path)
    assert response is not None and response.status == 200, f"{path}: {response and response.status}"
    return tab


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "sans-javascript"])
def test_every_key_page_fits_a_phone_without_horizontal_scroll(contexts, site, js):
    too_wide = {}
    for key in site.key_pages():
        tab = _open(contexts, site, key.path, logged_in=key.logged_in, width=390, js=js)
        widths = tab.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            too_wide[key.path] = widths
        tab.close()
    assert too_wide == {}


@pytest.mark.parametrize(("width", "scheme"), [(1280, "light"), (390, "dark")], ids=["1280-clair", "390-sombre"])
def test_every_key_page_has_no_serious_accessibility_violation(contexts, site, width, scheme):
    """axe-core on every key page, on a desktop in light colours and on a phone in dark mode (system preference)."""
    report = []
    for key in site.key_pages():
        tab = _open(contexts, site, key.path, logged_in=key.logged_in, width=width, scheme=scheme)
        if scheme == "dark":
            background = tab.evaluate("() => getComputedStyle(document.body).backgroundColor")
            assert background != "rgb(251, 250, 247)", f"{key.path}: still the light paper in dark mode"
        violations = axe_violations(tab)
        if violations:
            report.append(f"{key.path}\n{format_violations(violations)}")
        tab.close()
    assert report == [], "\n\n".join(report)


def test_login_links_stay_on_the_one_navigation_row_at_1280(contexts, site):
    tab = _open(contexts, site, "/agenda/mois", width=1280)
    tops = tab.eval_on_selector_all(
        ".site-nav li", "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops
    tab.close()


def test_agenda_filters_fit_their_column_at_1280(contexts, site):
    tab = _open(contexts, site, "/agenda/mois", width=1280)
    overflow = tab.evaluate(
        """() => { const column = document.querySelector('.agenda-filters').getBoundingClientRect();
        return [...document.querySelectorAll('.agenda-filters :is(select, input, button)')]
          .filter(e => e.getBoundingClientRect().right > column.right + 0.5).map(e => e.name); }"""
    )
    assert overflow == []
    tab.close()


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "sans-javascript"])
def test_filters_fold_behind_a_button_on_phones_and_open_on_desktops(contexts, site, js):
    for path, first_filter in (("/annuaire/initiative", ".facets input[type=checkbox]"),
                               ("/agenda", "#filter-theme"), ("/carte", "#filtre-theme"),
                               ("/-/recherche?q=redon", ".facet-values a")):  # fmt: skip
        phone = _open(contexts, site, path, width=390, js=js)
        assert phone.locator(first_filter).first.is_hidden(), path
        phone.locator(".fold > summary").click()
        assert phone.locator(first_filter).first.is_visible(), path
        phone.close()
        desktop = _open(contexts, site, path, width=1280, js=js)
        assert desktop.locator(first_filter).first.is_visible(), path
        assert desktop.locator(".fold > summary").is_hidden(), path
        desktop.close()


def test_month_grid_becomes_a_list_of_days_on_phones(contexts, site):
    tab = _open(contexts, site, "/agenda/mois", width=390, js=False)
    assert tab.locator(".month-grid thead").is_hidden()
    days = tab.locator(".month-grid td")
    shown = [days.nth(i) for i in range(days.count()) if days.nth(i).is_visible()]
    assert shown, "no day listed"
    assert all(day.locator("li").count() > 0 for day in shown), "an empty day is listed"
    assert any("Marché de Redon" in day.inner_text() for day in shown)  # the weekly market
    tab.close()
    wide = _open(contexts, site, "/agenda/mois", width=1280, js=False)
    assert wide.locator(".month-grid thead").is_visible()
    wide.close()


@pytest.mark.parametrize("path", list(BUDGETS))
def test_page_weight_budget(contexts, site, path):
    """Bytes on the wire for a first visit (empty cache), tiles and images excluded."""
    context = contexts(width=1280, js=True, signed_in=False, scheme="no-preference")
    tab = context.new_page()
    responses: list[Any] = []
    tab.on("response", lambda response: responses.append(response))
    tab.goto(site.url + path)
    tab.wait_for_load_state("load")
    counted = [r for r in responses if r.request.resource_type != "image" and r.url.startswith(site.url)]
    total = 0
    for response in counted:
        response.finished()
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    tab.close()
    print(f"{path}: {total} bytes in {len(counted)} responses")
    assert total < BUDGETS[path], f"{path}: {total} bytes"


def test_switching_from_the_directory_to_the_map_or_the_agenda_keeps_the_filters(contexts, site):
    """List, cards, table, map and calendar show the same records: the links carry the filters."""
    tab = _open(contexts, site, "/annuaire/initiative?themes=outils_numeriques&vue=fiches", width=1280, js=False)
    tab.get_by_role("navigation", name="Présentation").get_by_role("link", name="Tableau").click()
    assert "themes=outils_numeriques" in tab.url
    tab.get_by_role("navigation", name="Présentation").get_by_role("link", name="Carte").click()
    assert "/carte/initiative" in tab.url and "theme=outils_numeriques" in tab.url
    assert tab.locator("#filtre-theme").input_value() == "outils_numeriques"
    tab.get_by_role("link", name="Voir ces fiches dans l’annuaire (liste, fiches ou tableau)").click()
    assert "/annuaire/initiative" in tab.url and "themes=outils_numeriques" in tab.url
    tab.goto(site.url + "/annuaire/evenement?themes=culture")
    tab.get_by_role("navigation", name="Présentation").get_by_role("link", name="Agenda").click()
    assert "/agenda" in tab.url and "theme=culture" in tab.url and "formulaire=evenement" in tab.url
    tab.get_by_role("navigation", name="Vues de l’agenda").get_by_role("link", name="Annuaire").click()
    assert "/annuaire/evenement" in tab.url and "=culture" in tab.url
    tab.close()


def test_an_agenda_month_prints_on_one_a4_page(contexts, site):
    """The mairie's notice board: the month grid fits one A4 sheet; the directory prints without its filters."""
    tab = _open(contexts, site, "/agenda/mois", width=1280)
    pdf = tab.pdf(format="A4", prefer_css_page_size=True)
    tab.emulate_media(media="print")
    assert tab.locator(".agenda-filters").is_hidden()
    assert tab.locator(".month-grid thead").is_visible()
    tab.close()
    assert _pdf_pages(pdf) == 1
    directory = _open(contexts, site, "/annuaire/initiative?vue=tableau", width=1280)
    directory.emulate_media(media="print")
    assert directory.locator(".facets").is_hidden() and directory.locator(".records-table").is_visible()
    directory.close()


def _pdf_pages(pdf: bytes) -> int:
    """Number of pages of a PDF Chromium wrote (its page objects)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
