"""A volunteer who forgot a password after a workshop gets it back on a phone, by keyboard, without JavaScript.

The mail goes through a real SMTP server started by the test; the link in it is opened in the browser.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.conftest import TEST_STORAGE
from tests.conftest import base_config
from tests.factories import make_user
from tests.support.browser import LiveServer
from tests.support.browser import axe_violations
from tests.support.browser import format_violations
from tests.support.browser import new_context
from tests.support.smtp import body_of
from tests.support.speedups import share_template_code
from wiki import create_app
from wiki.db import Database

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "un nouveau mot de passe"


@pytest.fixture
def mail_site(tmp_path: Path, sqlite_template: Path, smtp_server: Any) -> Iterator[tuple[Flask, LiveServer]]:
    """A live app whose mail goes to the test's SMTP server and whose links name the live server."""
    target = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, target)
    settings = base_config(tmp_path / "instance") | TEST_STORAGE | smtp_server.settings()
    app = create_app(
        settings
        | {"DATABASE_URL": f"sqlite:///{target}", "WTF_CSRF_ENABLED": True, "SERVER_NAME": None, "TESTING": False}
    )
    share_template_code(app)
    with LiveServer(app) as server:
        app.config["BASE_URL"] = server.url  # links in mails open the live server
        yield app, server
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()


def _fits_the_phone(browser: Any, url: str) -> None:
    """The page at ``url`` has no horizontal scroll at 390 px and no serious axe violation (checked with JavaScript on)."""
    context = new_context(browser, viewport=PHONE)
    tab = context.new_page()
    try:
        assert tab.goto(url) is not None
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
        violations = axe_violations(tab)
        assert violations == [], format_violations(violations)
    finally:
        context.close()


def test_forgotten_password_on_a_phone_by_keyboard(mail_site, smtp_server, browser):
    app, server = mail_site
    db = Database.new_session(app)
    make_user(db, "Camille Bénévole", email="camille@example.org")
    db.commit()
    db.close()
    _fits_the_phone(browser, server.url + "/-/mot-de-passe-oublie")
    context = new_context(browser, viewport=PHONE, java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        tab.goto(server.url + "/-/connexion")
        tab.get_by_role("link", name="Mot de passe oublié ?").focus()
        tab.keyboard.press("Enter")
        expect(tab.get_by_role("heading", name="Mot de passe oublié")).to_be_visible()
        tab.get_by_label("Nom du compte ou adresse e-mail").focus()
        tab.keyboard.type("camille@example.org")
        tab.keyboard.press("Enter")
        expect(tab.get_by_role("status")).to_contain_text("Si un compte correspond")

        [mail] = smtp_server.wait_for(1)
        url = re.search(r"(http://127\.0\.0\.1:\d+/-/mot-de-passe/\S+)", body_of(mail))
        assert url, body_of(mail)
        _fits_the_phone(browser, url.group(1))  # showing the form does not use the link
        tab.goto(url.group(1))
        expect(tab.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
        tab.get_by_label("Nouveau mot de passe (8 caractères au moins)").focus()
        tab.keyboard.type(NEW_PASSWORD)
        tab.keyboard.press("Tab")
        tab.keyboard.type(NEW_PASSWORD)
        tab.keyboard.press("Enter")
        expect(tab.get_by_text("Mot de passe changé. Connectez-vous avec le nouveau.")).to_be_visible()

        tab.get_by_label("Nom d’utilisateur").fill("Camille Bénévole")
        tab.get_by_label("Mot de passe", exact=True).fill(NEW_PASSWORD)
        tab.keyboard.press("Enter")
        expect(tab.get_by_text("Bienvenue, Camille Bénévole !")).to_be_visible()

        tab.goto(url.group(1))  # the link served once
        expect(tab.get_by_role("heading", name="Lien expiré ou déjà utilisé")).to_be_visible()
        _fits_the_phone(browser, url.group(1))
    finally:
        context.close()


def test_register_then_confirm_the_address_on_a_phone(mail_site, smtp_server, browser):
    _app, server = mail_site
    context = new_context(browser, viewport=PHONE)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    try:
        tab.goto(server.url + "/-/inscription")
        tab.get_by_label("Nom d’utilisateur").fill("Dominique")
        tab.get_by_label("Adresse e-mail").fill("dominique@example.org")
        tab.get_by_label("Mot de passe (8 caractères au moins)").fill("un mot de passe sûr")
        tab.get_by_label("Mot de passe, à nouveau").fill("un mot de passe sûr")
        tab.get_by_role("button", name="Créer mon compte").click()
        expect(tab.get_by_text("Un lien de confirmation a été envoyé")).to_be_visible()
        tab.goto(server.url + "/-/compte")
        expect(tab.get_by_text("En attente de confirmation")).to_be_visible()
        wide = tab.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth)"
            ".map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + e.getBoundingClientRect().right)"
        )
        assert wide == []
        violations = axe_violations(tab)
        assert violations == [], format_violations(violations)

        [mail] = smtp_server.wait_for(1)
        url = re.search(r"(http://127\.0\.0\.1:\d+/-/adresse/\S+)", body_of(mail))
        assert url, body_of(mail)
        tab.goto(url.group(1))
        _fits_the_phone(browser, url.group(1))
        tab.get_by_role("button", name="Confirmer cette adresse").click()
        expect(tab.get_by_text("Adresse confirmée.")).to_be_visible()
        expect(tab.locator("#adresse + dl.facts")).to_contain_text("Adresse confirméedominique@example.org")
        expect(tab.get_by_text("En attente de confirmation")).to_have_count(0)
    finally:
        context.close()
