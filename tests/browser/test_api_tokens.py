"""A volunteer creates an API token in the browser, uses it, then revokes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_violations
from tests.support.browser import format_violations

pytestmark = pytest.mark.browser


def test_create_use_and_revoke_a_token(live_server, sqlite_app, page):
    page.goto(live_server.url + "/-/inscription")
    page.get_by_label("Nom d’utilisateur").fill("Script Bénévole")
    page.get_by_label("Mot de passe (8 caractères au moins)").fill("un mot de passe sûr")
    page.get_by_label("Mot de passe, à nouveau").fill("un mot de passe sûr")
    page.get_by_role("button", name="Créer mon compte").click()
    page.goto(live_server.url + "/-/compte")
    page.get_by_label("Nom du jeton (à quoi il sert)").fill("Tableur de l'association")
    page.get_by_label("Valide pendant (jours, vide : sans limite)").fill("90")
    page.get_by_label("Lecture et écriture (avec vos droits)").check()
    page.get_by_role("button", name="Créer un jeton").click()
    token = page.get_by_label("Jeton", exact=True).input_value()
    assert token.startswith("ldt_")
    violations = axe_violations(page)
    assert violations == [], format_violations(violations)

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    created = page.request.put(
        live_server.url + "/api/v1/pages/essai-api", headers=headers, data='{"text": "Écrit par un script."}'
    )
    assert created.status == 201
    page.goto(live_server.url + "/pages/essai-api")
    expect(page.get_by_text("Écrit par un script.")).to_be_visible()

    page.goto(live_server.url + "/-/compte")
    expect(page.get_by_role("table", name="Vos jetons")).to_contain_text("Tableur de l'association")
    page.get_by_role("button", name="Révoquer le jeton « Tableur de l'association »").click()
    expect(page.get_by_text("révoqué le")).to_be_visible()
    refused = page.request.get(live_server.url + "/api/v1/pages", headers=headers)
    assert refused.status == 401
