"""The templates' ``url_for`` that keeps the links it built (``wiki.theming.kept_url_for``)."""

from __future__ import annotations

import re

from tests.exports_support import login
from tests.factories import make_page
from tests.factories import make_user

URLS = ("/pages/lavoir", "/pages/lavoir/history", "/pages", "/-/modifications", "/-/compte", "/-/recherche?q=lavoir")


def _html(client, url, **kwargs):
    """Status and HTML of ``url``, per-session CSRF tokens blanked."""
    answer = client.get(url, **kwargs)
    return answer.status_code, re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", answer.text)


def test_kept_links_are_the_links_flask_builds(app, client, db):
    make_page(db, "Lavoir", "Voir [[Moulin]].\n")
    make_user(db, "Lectrice", role="admin")
    db.commit()
    login(client, "Lectrice")
    client.get("/pages/lavoir")  # the welcome message, once
    kept = [_html(client, url) for url in URLS + URLS]
    app.jinja_env.globals["url_for"] = app.url_for
    assert [_html(client, url) for url in URLS + URLS] == kept


def test_a_link_kept_for_one_path_prefix_is_not_given_to_another(app, client, db):
    make_page(db, "Lavoir", "Texte.\n")
    make_user(db, "Lectrice")
    db.commit()
    login(client, "Lectrice")  # logged in: whole answers are never kept, each is built
    for _ in range(2):
        assert 'href="/pages/lavoir/history"' in client.get("/pages/lavoir").text
        behind = client.get("/pages/lavoir", environ_overrides={"SCRIPT_NAME": "/wiki"}).text
        assert 'href="/wiki/pages/lavoir/history"' in behind and 'href="/pages/lavoir/history"' not in behind
