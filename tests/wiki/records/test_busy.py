"""A record save that cannot get the write lock in time: 503 « réessayez » with every typed value."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.locks import write_lock_held
from tests.wiki.records.test_views import FIELDS
from wiki.db import Database
from wiki.records import form_services

pytestmark = pytest.mark.sqlite_only  # the lock is held with SQLite's own BEGIN IMMEDIATE


def test_a_record_save_refused_for_a_busy_database_keeps_every_value(make_app):
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=100)
    db = Database.new_session(app)
    moderator = make_user(db, "Modo", role="moderator")
    form_services.create_form(db, key="producteurs", title="Producteurs locaux", fields=FIELDS, actor=moderator)
    make_user(db, "Camille")
    db.commit()
    db.close()
    client = app.test_client()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
    typed = {"title": "Ferme du Bois", "prix": "12", "categorie": "bio", "presentation": "Légumes\net œufs."}

    with write_lock_held(app):
        refused = client.post("/annuaire/producteurs/nouvelle", data=typed)

    assert refused.status_code == 503 and refused.headers["Retry-After"]
    html = refused.text
    assert "Le wiki est occupé, réessayez dans un instant." in html
    assert 'value="Ferme du Bois"' in html and 'value="12"' in html and 'value="bio"' in html
    assert "Légumes\net œufs.</textarea>" in html
    assert '<form method="post" action="/annuaire/producteurs/nouvelle">' in html
    assert client.post("/annuaire/producteurs/nouvelle", data=typed).status_code == 302
