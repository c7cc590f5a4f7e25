"""A wiki-party on a phone: join by code, add a place by its coordinates, see it appear on the projected board
(live, by server-sent events), then read the end report; at 390 px without sideways scroll, axe-clean.

Screenshots of the board and the report at phone and projector sizes go to ``/tmp/party-*.png``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.browser import assert_fits_and_accessible
from tests.support.browser import new_context
from tests.wiki.parties.conftest import open_now
from wiki.db import Database
from wiki.demo.places import load_demo_zones
from wiki.records.seeding import seed_builtin

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1280, "height": 800}


def _seed(app) -> str:
    session = Database.new_session(app)
    mentor = make_user(session, "Mentor", role="moderator")
    seed_builtin(session, mentor)
    load_demo_zones(session)
    session.commit()
    code = open_now(session, mentor, goals="ajouter 1 lieu\ncréer la fiche de la médiathèque").code
    session.close()
    return code


#: Bytes on the wire for a first visit (a rural connection), as for a wiki page.
BUDGET = 60_000


def _weight(browser, url: str) -> int:
    """Bytes of a first visit of ``url`` on a phone (the event stream, which never ends, left out)."""
    tab = new_context(browser, viewport=PHONE).new_page()
    responses: list = []
    tab.on("response", lambda response: responses.append(response))
    tab.goto(url)
    tab.wait_for_load_state("load")
    total = 0
    for response in responses:
        if response.request.resource_type in ("image", "eventsource"):
            continue
        response.finished()
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    tab.context.close()
    return total


def test_join_by_code_on_a_phone_add_a_place_and_see_it_on_the_board(live_server, sqlite_app, browser):
    sqlite_app.config.update(PARTY_STREAM_POLL_SECONDS=0.5, PARTY_STREAM_SECONDS=20)
    code = _seed(sqlite_app)
    base = live_server.url

    projector = new_context(browser, viewport=PROJECTOR).new_page()
    projector.goto(f"{base}/-/atelier/{code}/tableau")
    expect(projector.get_by_role("heading", level=1)).to_have_text("Wiki-party de la médiathèque")
    expect(projector.locator(".board-map")).to_contain_text("Aucun lieu pour l’instant.")
    assert_fits_and_accessible(projector)

    phone_context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    phone.goto(base + "/-/atelier")
    assert_fits_and_accessible(phone)
    phone.get_by_label("Code de l’atelier").fill(f"{code[:3].lower()} {code[3:].lower()}")
    phone.get_by_role("button", name="Continuer").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Wiki-party de la médiathèque")
    assert_fits_and_accessible(phone)
    phone.get_by_label("Votre pseudonyme").fill("Gwenola")
    phone.get_by_role("button", name="Rejoindre l’atelier").click()
    expect(phone.get_by_text("Bienvenue, Gwenola !")).to_be_visible()
    assert_fits_and_accessible(phone)
    phone.get_by_role("link", name="Ajouter un lieu").click()
    phone.get_by_label("Nom du lieu").fill("Médiathèque de Redon")
    phone.get_by_label("Localisation sur la carte").fill("47.6513, -2.0846")
    phone.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Médiathèque de Redon")

    # The projected board updates by itself (server-sent events), without a reload.
    expect(projector.locator(".board-feed")).to_contain_text("Gwenola", timeout=15_000)
    expect(projector.locator(".board-map circle.map-dot")).to_have_count(1)
    expect(projector.locator(".board-goals li.goal-done")).to_contain_text("ajouter 1 lieu")
    assert_fits_and_accessible(projector)
    projector.screenshot(path="/tmp/party-board-projector.png", full_page=True)

    phone.goto(f"{base}/-/atelier/{code}/tableau")
    expect(phone.locator(".board-map circle.map-dot")).to_have_count(1)
    assert_fits_and_accessible(phone)
    phone.screenshot(path="/tmp/party-board-phone.png", full_page=True)

    # Without JavaScript (a phone on a poor connection): the board reloads by a meta refresh.
    bare = new_context(browser, viewport=PHONE, java_script_enabled=False).new_page()
    bare.goto(f"{base}/-/atelier/{code}/tableau")
    expect(bare.locator("head meta[http-equiv=refresh]")).to_have_count(1)
    expect(bare.locator(".board-map circle.map-dot")).to_have_count(1)
    bare.context.close()

    phone.goto(f"{base}/-/atelier/{code}/bilan")
    expect(phone.locator(".party-report")).to_contain_text("Gwenola")
    expect(phone.locator(".party-report")).to_contain_text("Médiathèque de Redon")
    assert_fits_and_accessible(phone)
    phone.screenshot(path="/tmp/party-report-phone.png", full_page=True)
    projector.goto(f"{base}/-/atelier/{code}/bilan")
    assert_fits_and_accessible(projector)
    projector.screenshot(path="/tmp/party-report-projector.png", full_page=True)
    projector.emulate_media(media="print")
    projector.screenshot(path="/tmp/party-report-print.png", full_page=True)
    expect(projector.locator(".site-header")).to_be_hidden()
    phone_context.close()
    for path in (
        "/-/atelier",
        f"/-/atelier/{code}/rejoindre",
        f"/-/atelier/{code}/tableau",
        f"/-/atelier/{code}/bilan",
    ):
        weight = _weight(browser, base + path)
        print(f"{path}: {weight} bytes")
        assert weight < BUDGET, f"{path}: {weight} bytes"


def test_a_mentor_opens_a_party_and_prints_its_qr_code_on_a_phone(live_server, sqlite_app, browser):
    session = Database.new_session(sqlite_app)
    make_user(session, "Mentor", role="moderator")
    session.commit()
    session.close()
    base = live_server.url
    tab = new_context(browser, viewport=PHONE).new_page()
    tab.goto(base + "/-/connexion")
    tab.get_by_label("Nom d’utilisateur").fill("Mentor")
    tab.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    tab.locator("main form button[type=submit]").click()
    tab.get_by_role("link", name="Wiki-parties").click()
    expect(tab.get_by_label("Titre")).to_be_visible()
    assert_fits_and_accessible(tab)
    tab.get_by_label("Titre").fill("Wiki-party de janvier")
    tab.get_by_label("Jour").fill("2027-01-16")
    tab.get_by_label("Début (heure)").fill("14:00")
    tab.get_by_label("Fin (heure)").fill("17:30")
    tab.get_by_label("Objectifs (un par ligne)").fill("ajouter 10 lieux\ncompléter l’agenda de janvier")
    tab.get_by_role("button", name="Ouvrir l’atelier").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Wiki-party de janvier")
    expect(tab.locator(".party-qr img")).to_be_visible()
    expect(tab.get_by_role("button", name="Cocher « compléter l’agenda de janvier »")).to_be_visible()
    assert_fits_and_accessible(tab)
    tab.screenshot(path="/tmp/party-organiser-phone.png", full_page=True)
