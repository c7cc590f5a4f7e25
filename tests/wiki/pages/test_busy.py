"""A page save that cannot get the write lock in time: 503 « réessayez » with the typed text, never a 500."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from tests.support.locks import write_lock_held

pytestmark = pytest.mark.sqlite_only  # the lock is held with SQLite's own BEGIN IMMEDIATE


@pytest.fixture
def busy_app(make_app):
    """An app that waits only 100 ms for the write lock."""
    return make_app(SQLITE_BUSY_TIMEOUT_MS=100)


def test_a_page_save_refused_for_a_busy_database_keeps_the_text_and_can_be_sent_again(busy_app):
    from wiki.db import Database

    db = Database.new_session(busy_app)
    make_user(db, "Camille")
    page = make_page(db, "Accueil")
    db.commit()
    base = page.current_revision_id
    db.close()
    client = busy_app.test_client()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
    typed = {"body": "Un texte <b>précieux</b>\nsur deux lignes.", "comment": "ajout", "base_revision_id": str(base)}

    with write_lock_held(busy_app):
        refused = client.post("/pages/accueil/edit", data=typed)

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    html = refused.text
    assert "Le wiki est occupé, réessayez dans un instant." in html
    assert "Un texte &lt;b&gt;précieux&lt;/b&gt;\nsur deux lignes." in html  # kept, escaped
    assert '<form method="post" action="/pages/accueil/edit">' in html
    assert f'<input type="hidden" name="base_revision_id" value="{base}">' in html
    # Sent again once the database is free, the same fields save the page.
    kept = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', html))
    assert kept["base_revision_id"] == str(base) and kept["comment"] == "ajout"
    again = client.post("/pages/accueil/edit", data=typed)
    assert again.status_code == 302
    assert "précieux" in client.get("/api/v1/pages/accueil").json["content_markdown"]


def test_a_login_refused_for_a_busy_database_shows_no_password(busy_app):
    from wiki.db import Database

    db = Database.new_session(busy_app)
    make_user(db, "Camille")
    db.commit()
    db.close()
    client = busy_app.test_client()
    with write_lock_held(busy_app):
        refused = client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert refused.status_code == 503
    assert "réessayez" in refused.text and PASSWORD not in refused.text
    assert '<form method="post" action="/-/connexion">' not in refused.text
