"""A volunteer announces a weekly event and finds it in the month grid, without JavaScript tricks."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from wiki.db import Database
from wiki.demo import seed

pytestmark = pytest.mark.browser
PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _next_tuesday() -> dt.date:
    today = dt.datetime.now(PARIS).date()
    return today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)


def test_create_a_weekly_event_and_see_it_in_the_month_grid(live_server, sqlite_app, page):
    session = Database.new_session(sqlite_app)
    seed(session)
    make_user(session, "Bénévole")
    session.commit()
    session.close()
    base = live_server.url
    page.goto(base + "/-/connexion")
    page.get_by_label("Nom d’utilisateur").fill("Bénévole")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Bienvenue, Bénévole")).to_be_visible()

    first = _next_tuesday()
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.get_by_role("link", name="Annoncer un événement").click()
    page.get_by_label("Nom de l’événement").fill("Atelier vélo solidaire")
    page.get_by_label("Date de début").fill(first.isoformat())
    page.get_by_label("Heure de début").fill("18:00")
    page.get_by_label("Heure de fin").fill("20:00")
    page.locator("details.recurrence summary").click()
    page.get_by_label("Fréquence").select_option("WEEKLY")
    page.get_by_label("mardi", exact=True).check()
    page.get_by_label("ou nombre de fois").fill("4")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("heading", name="Atelier vélo solidaire")).to_be_visible()

    page.goto(base + f"/agenda/mois/{first.strftime('%Y-%m')}")
    grid = page.locator("table.month-grid")
    expect(grid.get_by_role("link", name="Atelier vélo solidaire").first).to_be_visible()
    dates = [first + dt.timedelta(weeks=n) for n in range(4)]
    visible = [d for d in dates if d <= _grid_end(first)]  # the grid runs to the Sunday after the month
    shown = grid.locator("td", has=page.get_by_role("link", name="Atelier vélo solidaire"))
    expect(shown).to_have_count(len(visible))
    expect(grid.get_by_text("18:00").first).to_be_visible()
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    grid.get_by_role("link", name="Atelier vélo solidaire").first.click()
    expect(page.get_by_text("Tous les mardis, 4 fois")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter à mon agenda")).to_be_visible()
    page.goto(base + "/agenda")
    violations = axe_violations(page)
    assert not violations, format_violations(violations)


def _grid_end(first: dt.date) -> dt.date:
    """Last day shown by the month grid (the Sunday after the month's end)."""
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    last = following - dt.timedelta(days=1)
    return last + dt.timedelta(days=6 - last.weekday())
