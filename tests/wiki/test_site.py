"""Health check, robots.txt, simple search and the language switch."""

from __future__ import annotations

import pytest

from tests.factories import make_page

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: health, robots, language and HTTP caching headers


def test_health(client):
    response = client.get("/-/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_reports_a_dead_database(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = app.test_client().get("/-/health")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def test_robots(client):
    assert "Disallow: /-/" in client.get("/robots.txt").text


def test_search_finds_pages(client, db):
    make_page(db, "Médiathèque de Redon", "Horaires d'ouverture\n")
    make_page(db, "Marché", "Le samedi matin\n")
    db.commit()
    response = client.get("/-/recherche?q=samedi")
    assert "Marché" in response.text and "Médiathèque" not in response.text
    assert client.get("/-/recherche?q=").status_code == 200
    hostile = client.get("/-/recherche?q=%3Cscript%3Ealert(1)%3C/script%3E")
    assert hostile.status_code == 200 and "<script>alert(1)" not in hostile.text


def test_language_switch(client, db):
    make_page(db, "Accueil", "x\n")
    db.commit()
    assert "Toutes les pages" in client.get("/").text
    response = client.get("/-/langue/en?next=/")
    assert response.status_code == 302
    assert "All pages" in client.get("/").text
    hostile = client.get("/-/langue/xx?next=https://evil.tld")
    assert hostile.location in ("/", "http://wiki.test/")
    assert "All pages" in client.get("/").text


def test_anonymous_page_views_set_no_cookie(client, db):
    make_page(db, "Accueil", "x\n")
    make_page(db, "Simple", "texte\n")
    db.commit()
    assert "Set-Cookie" not in client.get("/pages/simple").headers


def test_if_modified_since_and_last_modified(client, db):
    make_page(db, "Simple", "voir [[Autre]]\n")
    db.commit()
    first = client.get("/pages/simple")
    assert client.get("/pages/simple", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    other = make_page(db, "Autre", "x\n")  # the red link turns blue: the page changed
    # HTTP dates count whole seconds: make the change visibly later.
    from datetime import timedelta

    other.updated_at = other.updated_at + timedelta(seconds=2)
    db.commit()
    assert client.get("/pages/simple", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 200


def test_accept_language_english(client, db):
    make_page(db, "Accueil", "x\n")
    db.commit()
    assert "All pages" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert "Toutes les pages" in client.get("/", headers={"Accept-Language": "fr-FR"}).text


def test_dates_are_french(client, db):
    make_page(db, "Accueil", "x\n")
    db.commit()
    import re

    text = client.get("/").text
    assert re.search(r"modifiée le \d{1,2} \w+\.? \d{4}", text), text
