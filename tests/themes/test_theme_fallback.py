"""Themes override a few templates and fall back to the default for the rest."""

from __future__ import annotations

import pytest

from tests.factories import make_page
from wiki.theming import available_themes
from wiki.theming import theme_info

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: template lookup and page weight


def _status(client, path):
    with client.get(path) as response:
        return response.status_code


def test_themes_are_described():
    assert {"default", "bocage"} <= set(available_themes())
    for name in available_themes():
        info = theme_info(name)
        assert info["name"] and info["description"] and info["licence"]


def test_second_theme_overrides_and_falls_back(make_app, db):
    make_page(db, "Accueil", "Bienvenue\n")
    db.commit()
    default = make_app().test_client()
    bocage = make_app(THEME="bocage").test_client()
    themed_home = bocage.get("/").text
    assert "bocage.css" in themed_home and "bocage.css" not in default.get("/").text
    # A template the theme does not override comes from the default theme.
    assert (
        bocage.get("/-/connexion").text == default.get("/-/connexion").text
        or "Se connecter" in bocage.get("/-/connexion").text
    )
    # Static files fall back too.
    assert _status(bocage, "/-/static/css/lieudit.css") == 200
    assert _status(bocage, "/-/static/css/bocage.css") == 200
    assert _status(default, "/-/static/css/bocage.css") == 404


def test_unknown_theme_falls_back_to_default(make_app):
    client = make_app(THEME="inexistant").test_client()
    assert client.get("/-/connexion").status_code == 200


def test_page_weight_is_small(make_app, db):
    """A typical page (HTML + CSS) weighs under 60 KB."""
    from wiki.demo import load_demo

    load_demo(db)
    db.commit()
    client = make_app().test_client()
    html = client.get("/pages/comment-contribuer").data
    with client.get("/-/static/css/lieudit.css") as response:
        css = response.data
    assert len(html) + len(css) < 60_000, (len(html), len(css))


def test_patterns_page(client):
    response = client.get("/-/patterns")
    assert response.status_code == 200 and "wikilink missing" in response.text
