"""An administrator reads the visit statistics, then puts the wiki to sleep and wakes it, at 1280 and 390 px:
no sideways scroll, no serious accessibility violation, and the charts' figures reachable without a mouse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import make_page
from tests.factories import make_user
from tests.support.browser import assert_fits_and_accessible
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.stats import counter

pytestmark = pytest.mark.browser

SIZES = {"large": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def _seed(app) -> None:
    """An admin, a page, and two weeks of counted views and downloads."""
    with app.app_context():
        session = Database.new_session()
        admin = make_user(session, "Admin", role="admin")
        make_page(session, "Lavoir du bourg", "Le lavoir.\n", actor=admin)
        session.commit()
        session.close()
        today = counter.today()
        counts = {(today - timedelta(days=i), "page", "/pages/lavoir-du-bourg"): 3 + i for i in range(14)}
        counts[(today, "download", "lieu.csv")] = 5
        counter.write_counts(Database.engine(), counts)


@pytest.mark.parametrize("size", SIZES)
def test_statistics_then_sleep_and_wake(live_server, sqlite_app, browser, size):
    _seed(sqlite_app)
    context = new_context(browser, viewport=SIZES[size])
    tab = context.new_page()
    log_in(tab, live_server.url, "Admin")

    tab.goto(live_server.url + "/-/statistiques")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Statistiques de visite")
    expect(tab.get_by_role("img", name="Vues par jour")).to_be_visible()
    assert_fits_and_accessible(tab)
    summary = tab.locator("summary").first
    summary.focus()
    tab.keyboard.press("Enter")  # the figures open by keyboard
    expect(tab.locator("details.chart-data").first.locator("table")).to_be_visible()
    expect(tab.get_by_role("cell", name="/pages/lavoir-du-bourg")).to_be_visible()
    assert_fits_and_accessible(tab)

    tab.goto(live_server.url + "/-/sommeil")
    assert_fits_and_accessible(tab)
    tab.get_by_role("button", name="Mettre le wiki en sommeil").click()
    tab.goto(live_server.url + "/pages/lavoir-du-bourg")
    expect(tab.locator(".hibernation-banner")).to_contain_text("Ce wiki est en sommeil")
    assert_fits_and_accessible(tab)
    tab.goto(live_server.url + "/-/sommeil")
    tab.get_by_role("button", name="Réveiller le wiki").click()
    tab.goto(live_server.url + "/pages/lavoir-du-bourg")
    expect(tab.locator(".hibernation-banner")).to_have_count(0)
    context.close()
