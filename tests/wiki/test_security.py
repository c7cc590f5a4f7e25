"""HTTP hardening: headers on every response, CSRF, safe redirects, hidden files."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.security import safe_next

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: response headers, CSRF, redirects

REQUIRED = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/pages",
        "/-/health",
        "/api/v1/pages",
        "/-/modifications.atom",
        "/nexiste/pas",
        "/pages/inconnue",
        "/-/static/css/lieudit.css",
        "/robots.txt",
    ],
)
def test_security_headers_on_every_response(client, path):
    with client.get(path) as response:
        pass
    for header in REQUIRED:
        assert header in response.headers, (path, header)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_headers_on_304(client, db):
    make_page(db, "Accueil", "x\n")
    db.commit()
    etag = client.get("/").headers["ETag"]
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "https://evil.tld",
        "//evil.tld",
        "/\\evil.tld",
        "\\\\evil",
        "/%5Cevil",
        "/%2F/evil",
        "javascript:alert(1)",
        "/a\r\nLocation: x",
        "http:/evil",
        "x" * 3000,
    ],
)
def test_safe_next_refuses_foreign_targets(value):
    assert safe_next(value) == "/"


def test_safe_next_keeps_local_paths():
    assert safe_next("/pages/accueil?x=1#y") == "/pages/accueil?x=1#y"


def test_csrf_is_enforced_and_text_is_given_back(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    from wiki.db import Database

    with app.app_context():
        session = Database.new_session()
        make_user(session, "Camille")
        make_page(session, "Accueil", "x\n")
        session.commit()
    refused = client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert refused.status_code == 400
    assert PASSWORD not in refused.text  # passwords are never echoed
    response = client.post("/pages/accueil/edit", data={"body": "Mon long texte précieux", "comment": "résumé"})
    assert response.status_code == 400
    assert "Mon long texte précieux" in response.text


def test_session_cookie_flags(client, db):
    make_user(db, "Camille")
    db.commit()
    response = client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}, base_url="https://wiki.test")
    assert "Secure" in secure.headers.get("Set-Cookie", "")


@pytest.mark.parametrize(
    "path",
    [
        "/.git/config",
        "/.env",
        "/instance/lieudit.db",
        "/lieudit.db",
        "/-/static/../../wiki/config.py",
        "/-/static/%2e%2e/%2e%2e/setup.cfg",
        "/__pycache__/x",
    ],
)
def test_private_files_are_not_served(client, path):
    assert client.get(path).status_code in (404, 308)


def test_errors_do_not_echo_input(client):
    response = client.get("/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.text


def test_unexpected_errors_show_no_traceback(make_app):
    app = make_app(TESTING=False)

    @app.route("/-/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/-/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
