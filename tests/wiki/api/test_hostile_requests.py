"""Hostile API requests of issue 17: lone surrogates, deep JSON, ``If-Match: *``, a busy database, a forged Host."""

from __future__ import annotations

import json

import pytest

from tests.factories import make_page
from tests.factories import make_user
from tests.support.locks import write_lock_held
from tests.wiki.records.test_views import FIELDS
from wiki.auth import tokens
from wiki.db import Database
from wiki.records import form_services


def _token(db, name="Camille", role="contributor"):
    user = make_user(db, name, role=role)
    return {"Authorization": f"Bearer {tokens.create_token(db, user, 'tests').secret}"}


def _put(client, path, raw, headers):
    return client.put(path, data=raw, content_type="application/json", headers=headers)


def test_lone_surrogates_are_refused_with_400(client, db):
    auth = _token(db)
    moderator = make_user(db, "Modo", role="moderator")
    form_services.create_form(db, key="producteurs", title="Producteurs", fields=FIELDS, actor=moderator)
    db.commit()
    created = _put(client, "/api/v1/pages/brouillon", '{"text": "avant \\ud800 apr\\u00e8s"}', auth)
    assert created.status_code == 400 and created.json["error"] == "validation"
    assert "demi-codet" in created.json["message"]
    record = client.post(
        "/api/v1/forms/producteurs/records",
        data='{"values": {"title": "Ferme \\udfff"}}',
        content_type="application/json",
        headers=auth,
    )
    assert record.status_code == 400 and "demi-codet" in record.json["message"]
    assert client.get("/api/v1/pages/brouillon").status_code == 404


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deeply_nested_json_is_refused_with_400(client, db, depth):
    auth = _token(db)
    db.commit()
    raw = '{"text": "x", "comment": ' + "[" * depth + "]" * depth + "}"
    refused = _put(client, "/api/v1/pages/profonde", raw, auth)
    assert refused.status_code == 400 and refused.json["error"] == "validation"
    assert "imbriqué" in refused.json["message"]


def test_if_match_star_is_not_a_version(client, db):
    auth = _token(db)
    make_page(db, "Accueil")
    moderator = make_user(db, "Modo", role="moderator")
    form = form_services.create_form(db, key="producteurs", title="Producteurs", fields=FIELDS, actor=moderator)
    db.commit()
    etag = client.get("/api/v1/pages/accueil").headers["ETag"]
    blind = _put(client, "/api/v1/pages/accueil", json.dumps({"text": "écrasé"}), auth | {"If-Match": "*"})
    assert blind.status_code == 428 and blind.json["error"] == "precondition_required"
    assert blind.headers["ETag"] == etag
    assert client.get("/api/v1/pages/accueil").json["content_markdown"] != "écrasé"
    created = client.post(f"/api/v1/forms/{form.key}/records", json={"values": {"title": "Ferme"}}, headers=auth)
    url = f"/api/v1/records/{created.json['id']}"
    blind = client.put(url, json={"values": {"title": "Écrasée"}}, headers=auth | {"If-Match": "*"})
    assert blind.status_code == 428
    assert client.get(url).json["title"] == "Ferme"
    # A real ETag still saves; "*" stays accepted where If-Match is optional (delete).
    saved = _put(client, "/api/v1/pages/accueil", json.dumps({"text": "Nouveau.\n"}), auth | {"If-Match": etag})
    assert saved.status_code == 200


@pytest.mark.sqlite_only
def test_a_write_on_a_busy_database_gets_503_with_retry_after(make_app):
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=100)
    db = Database.new_session(app)
    auth = _token(db)
    make_page(db, "Accueil")
    db.commit()
    db.close()
    client = app.test_client()
    etag = client.get("/api/v1/pages/accueil").headers["ETag"]
    with write_lock_held(app):
        busy = _put(client, "/api/v1/pages/accueil", json.dumps({"text": "Plus tard.\n"}), auth | {"If-Match": etag})
        # Reads go on meanwhile.
        assert client.get("/api/v1/pages/accueil", headers=auth).status_code == 200
    assert busy.status_code == 503 and busy.json["error"] == "busy"
    assert busy.json["message"] == "Le wiki est occupé, réessayez dans un instant."
    assert busy.headers["Retry-After"] == "5"
    again = _put(client, "/api/v1/pages/accueil", json.dumps({"text": "Plus tard.\n"}), auth | {"If-Match": etag})
    assert again.status_code == 200


def test_absolute_urls_name_the_base_url_not_the_host_header(make_app):
    app = make_app(SERVER_NAME=None, BASE_URL="https://wiki.example.org/")
    db = Database.new_session(app)
    make_page(db, "Accueil")
    db.commit()
    db.close()
    client = app.test_client()
    listed = client.get("/api/v1/pages", headers={"Host": "evil.tld"})
    assert listed.status_code == 200
    assert listed.json["items"][0]["api_url"] == "https://wiki.example.org/api/v1/pages/accueil"
    feed = client.get("/-/modifications.atom", headers={"Host": "evil.tld"})
    assert feed.status_code == 200 and "evil.tld" not in feed.text
    assert "https://wiki.example.org/" in feed.text
    searched = client.get("/api/v1/search?q=accueil", headers={"Host": "evil.tld"})
    assert "evil.tld" not in searched.text


def test_trusted_hosts_refuse_any_other_host(make_app):
    app = make_app(SERVER_NAME=None, TRUSTED_HOSTS=["wiki.example.org"])
    client = app.test_client()
    assert client.get("/api/v1/pages", headers={"Host": "wiki.example.org"}).status_code == 200
    refused = client.get("/api/v1/pages", headers={"Host": "evil.tld"})
    assert refused.status_code == 400 and refused.json["error"] == "bad_request"
    assert "evil.tld" not in refused.text


def test_a_base_url_with_a_path_is_refused_at_start(make_app):
    with pytest.raises(ValueError, match="BASE_URL"):
        make_app(BASE_URL="https://wiki.example.org/sous-dossier")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_save_waiting_too_long_for_a_postgresql_row_lock_gets_503(make_app, database_url):
    from sqlalchemy import create_engine
    from sqlalchemy import text

    app = make_app(PG_LOCK_TIMEOUT_MS=200)
    db = Database.new_session(app)
    auth = _token(db)
    page = make_page(db, "Accueil")
    db.commit()
    page_id = page.id
    db.close()
    client = app.test_client()
    etag = client.get("/api/v1/pages/accueil").headers["ETag"]
    holder = create_engine(database_url)
    try:
        with holder.connect() as other:
            other.execute(text("SELECT id FROM pages WHERE id = :id FOR UPDATE"), {"id": page_id})
            busy = _put(
                client, "/api/v1/pages/accueil", json.dumps({"text": "Plus tard.\n"}), auth | {"If-Match": etag}
            )
            other.rollback()
    finally:
        holder.dispose()
    assert busy.status_code == 503 and busy.json["error"] == "busy" and busy.headers["Retry-After"]
    again = _put(client, "/api/v1/pages/accueil", json.dumps({"text": "Plus tard.\n"}), auth | {"If-Match": etag})
    assert again.status_code == 200
