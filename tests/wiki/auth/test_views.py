"""Account pages: register, log in, safe redirects, sessions, role admin."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.factories import make_user

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: forms, redirects and sessions


def _register(client, name="Camille", password=PASSWORD, **extra):
    data = {"name": name, "password": password, "password2": password, "email": ""} | extra
    return client.post("/-/inscription", data=data)


def test_register_logs_in_as_contributor(client, db):
    response = _register(client)
    assert response.status_code == 302
    page = client.get("/-/compte")
    assert "Camille" in page.text and "contributeur" in page.text


def test_register_errors_keep_what_was_typed(client):
    response = _register(client, name="Bo", email="pas-une-adresse", password2="autre")
    assert response.status_code == 400
    assert 'value="Bo"' in response.text and 'value="pas-une-adresse"' in response.text
    assert 'aria-invalid="true"' in response.text


def test_honeypot_refuses_bots(client):
    assert _register(client, website="http://spam").status_code == 400


def test_registration_can_be_closed(make_app):
    client = make_app(REGISTRATION_OPEN=False).test_client()
    assert client.get("/-/inscription").status_code == 404


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.tld",
        "//evil.tld",
        "/\\evil.tld",
        "\\\\evil.tld",
        "/%5Cevil.tld",
        "https:evil.tld",
        "javascript:alert(1)",
        "/%0d%0aLocation:x",
        "//%2fevil.tld",
    ],
)
def test_login_next_only_allows_local_paths(client, db, target):
    make_user(db, "Camille")
    db.commit()
    response = client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.location in ("/", "http://wiki.test/")


def test_login_next_local_path(client, db):
    make_user(db, "Camille")
    db.commit()
    response = client.post(
        "/-/connexion", data={"name": "Camille", "password": PASSWORD, "next": "/pages/accueil/edit"}
    )
    assert response.location.endswith("/pages/accueil/edit")


def test_failed_login_says_nothing_about_existence(client, db):
    make_user(db, "Camille")
    db.commit()
    unknown = client.post("/-/connexion", data={"name": "Personne", "password": "x"})
    wrong = client.post("/-/connexion", data={"name": "Camille", "password": "x"})
    assert unknown.status_code == wrong.status_code == 400
    strip = lambda html: re.sub(r'name="csrf_token" value="[^"]*"', "", html)  # noqa: E731
    assert strip(unknown.text).replace("Personne", "Camille") == strip(wrong.text)


def test_throttled_login_answers_429(make_app):
    app = make_app(LOGIN_FREE_ATTEMPTS=2)
    client = app.test_client()
    from wiki.db import Database

    with app.app_context():
        session = Database.new_session()
        make_user(session, "Camille")
        session.commit()
    for _ in range(3):
        client.post("/-/connexion", data={"name": "Camille", "password": "faux"})
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 429


def test_logout_everywhere_invalidates_other_sessions(app, db):
    make_user(db, "Camille")
    db.commit()
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert second.get("/-/compte").status_code == 200
    first.post("/-/compte", data={"action": "logout_all"})
    assert second.get("/-/compte").status_code == 302  # back to the login page


def test_logout_is_post_only(client, db):
    make_user(db, "Camille")
    db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert client.get("/-/deconnexion").status_code == 405
    assert client.get("/-/compte").status_code == 200


def test_user_admin_is_for_admins(client, db):
    user = make_user(db, "Camille")
    make_user(db, "Admin", role="admin")
    db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert client.get("/-/comptes").status_code == 403
    assert client.post("/-/comptes", data={"user_id": user.id, "role": "admin", "is_active": "1"}).status_code == 403
    client.post("/-/deconnexion")
    client.post("/-/connexion", data={"name": "Admin", "password": PASSWORD})
    assert (
        client.post("/-/comptes", data={"user_id": user.id, "role": "moderator", "is_active": "1"}).status_code == 302
    )
    db.expire_all()
    assert db.get(type(user), user.id).role == "moderator"


def test_anonymous_pages_require_login(client):
    assert client.get("/-/compte").status_code == 302
    assert client.get("/-/comptes").status_code == 302


def test_a_cookie_replayed_after_logout_opens_nothing_and_other_browsers_stay_logged_in(app, db):
    from sqlalchemy import select

    from wiki.auth.models import LoginSession

    make_user(db, "Camille")
    db.commit()
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    stolen = first.get_cookie("session", domain="wiki.test").value
    assert first.get("/-/compte").status_code == 200
    first.post("/-/deconnexion")
    replay = app.test_client()
    replay.set_cookie("session", stolen, domain="wiki.test")
    assert replay.get("/-/compte").status_code == 302  # back to the login page
    assert second.get("/-/compte").status_code == 200  # logging out here ends this browser's login only
    hashes = db.scalars(select(LoginSession.token_hash)).all()
    assert len(hashes) == 1 and all(len(h) == 64 for h in hashes)  # only a hash of the secret is kept
    assert not any(h in stolen for h in hashes)


def test_refusals_reach_the_security_log_without_secrets(client, db, caplog):
    import logging

    make_user(db, "Camille")
    db.commit()
    with caplog.at_level(logging.WARNING, logger="lieudit.security"):
        client.post("/-/connexion", data={"name": "Camille", "password": "secret-xyz-123"})
        client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
        assert client.get("/-/comptes").status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "lieudit.security"]
    assert any("login refused account_name='Camille'" in line for line in lines)
    assert any(line.startswith("refused 403 GET /-/comptes") for line in lines)
    assert not any("secret-xyz" in line or PASSWORD in line or "127.0.0.1" in line for line in lines)
