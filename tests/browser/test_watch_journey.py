"""Follow a page and read « Mes suivis », list stale records, confirm a record by its signed link, at 1280 and
390 px: no sideways scroll, no serious accessibility violation, every step by keyboard-reachable buttons."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.test_stats_journey import SIZES
from tests.factories import make_page
from tests.factories import make_user
from tests.support.browser import assert_fits_and_accessible
from tests.support.browser import log_in
from tests.support.browser import new_context
from wiki.db import Database
from wiki.freshness import services as freshness
from wiki.records import form_services
from wiki.records import services as records

pytestmark = pytest.mark.browser

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "courriel", "type": "email", "label": "Courriel"},
    {"id": "f_00000003", "key": "horaires", "type": "text", "label": "Horaires"},
]


def _seed(app) -> int:
    with app.app_context():
        session = Database.new_session()
        modo = make_user(session, "Modo", role="moderator")
        make_page(session, "Lavoir du bourg", "Le lavoir.\n", actor=modo)
        form = form_services.create_form(session, key="lieux", title="Lieux", fields=FIELDS, actor=modo)
        values = {"title": "Médiathèque de Redon", "courriel": "media@example.org", "horaires": "10h-18h"}
        record = records.create_record(session, form, values, actor=modo, policy="account")
        record.verified_at = date(2020, 1, 15)
        session.commit()
        record_id = record.id
        session.close()
        return record_id


@pytest.mark.parametrize("size", SIZES)
def test_follow_list_stale_records_and_confirm_by_link(live_server, sqlite_app, browser, size):
    record_id = _seed(sqlite_app)
    context = new_context(browser, viewport=SIZES[size])
    tab = context.new_page()
    log_in(tab, live_server.url, "Modo")

    tab.goto(live_server.url + "/pages/lavoir-du-bourg")
    tab.get_by_role("button", name="Suivre").focus()
    tab.keyboard.press("Enter")
    tab.wait_for_load_state()
    expect(tab.get_by_role("button", name="Ne plus suivre")).to_be_visible()
    assert_fits_and_accessible(tab)
    tab.goto(live_server.url + "/-/suivis")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Mes suivis")
    expect(tab.locator(".watch-list")).to_contain_text("Lavoir du bourg")
    assert_fits_and_accessible(tab)

    tab.goto(live_server.url + "/-/fraicheur")
    expect(tab.get_by_role("cell", name="Médiathèque de Redon")).to_be_visible()
    assert_fits_and_accessible(tab)
    tab.goto(live_server.url + f"/fiches/{record_id}")
    expect(tab.locator(".badge-stale")).to_have_text("À vérifier")

    anonymous = new_context(browser, viewport=SIZES[size])
    visitor = anonymous.new_page()
    token = freshness.make_token(sqlite_app.config["SECRET_KEY"], record_id)
    visitor.goto(live_server.url + f"/-/fraicheur/lien/{token}")
    expect(visitor.get_by_label("Horaires")).to_have_value("10h-18h")
    assert_fits_and_accessible(visitor)
    visitor.get_by_role("button", name="Toujours exact").click()
    expect(visitor.get_by_role("status")).to_contain_text("vérifiée aujourd’hui")
    assert_fits_and_accessible(visitor)
    anonymous.close()
    context.close()
