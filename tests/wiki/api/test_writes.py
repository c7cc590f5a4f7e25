"""Write side of the API: bearer tokens, If-Match, permissions, errors."""

from __future__ import annotations

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.auth import tokens
from wiki.demo import seed


def bearer(db, name="Camille", role="contributor"):
    """Create an account and a token; return the Authorization header."""
    user = make_user(db, name, role=role)
    secret = tokens.create_token(db, user, "tests").secret
    return {"Authorization": f"Bearer {secret}"}


def test_put_page_creates_then_needs_if_match(client, db):
    auth = bearer(db)
    db.commit()
    created = client.put(
        "/api/v1/pages/jardin-partage", json={"text": "Premier texte.\n", "comment": "départ"}, headers=auth
    )
    assert created.status_code == 201
    assert created.headers["Location"].endswith("/api/v1/pages/jardin-partage")
    assert created.json["content_markdown"] == "Premier texte.\n" and created.json["title"] == "Jardin partage"
    etag = created.headers["ETag"]
    assert client.get("/api/v1/pages/jardin-partage").headers["ETag"] == etag

    missing = client.put("/api/v1/pages/jardin-partage", json={"text": "Autre.\n"}, headers=auth)
    assert missing.status_code == 428 and missing.json["error"] == "precondition_required"
    assert missing.headers["ETag"] == etag

    saved = client.put(
        "/api/v1/pages/jardin-partage", json={"text": "Deuxième texte.\n"}, headers=auth | {"If-Match": etag}
    )
    assert saved.status_code == 200 and saved.json["revision"] == 2
    assert saved.headers["ETag"] != etag

    stale = client.put("/api/v1/pages/jardin-partage", json={"text": "Troisième.\n"}, headers=auth | {"If-Match": etag})
    assert stale.status_code == 412 and stale.json["error"] == "precondition_failed"
    assert stale.headers["ETag"] == saved.headers["ETag"] == stale.json["etag"]
    assert client.get("/api/v1/pages/jardin-partage").json["content_markdown"] == "Deuxième texte.\n"


def test_put_page_title_must_match_the_address(client, db):
    auth = bearer(db)
    db.commit()
    refused = client.put("/api/v1/pages/jardin", json={"text": "x", "title": "Autre chose"}, headers=auth)
    assert refused.status_code == 400 and refused.json["error"] == "validation"
    assert "autre-chose" in refused.json["errors"]["title"]
    assert client.get("/api/v1/pages/jardin").status_code == 404


def test_writes_need_a_valid_token(client, db, auth):
    make_user(db, "Camille")
    page = make_page(db, "Accueil")
    user = make_user(db, "Révoquée")
    revoked = tokens.create_token(db, user, "vieux")
    tokens.revoke_token(db, user, revoked.token.id)
    db.commit()
    etag = client.get("/api/v1/pages/accueil").headers["ETag"]
    anonymous = client.put("/api/v1/pages/accueil", json={"text": "vandalisme"}, headers={"If-Match": etag})
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    # A logged-in browser session never authorises an API write (no CSRF exposure).
    auth.login()
    assert (
        client.put("/api/v1/pages/accueil", json={"text": "via cookie"}, headers={"If-Match": etag}).status_code == 401
    )
    for header in (f"Bearer {revoked.secret}", "Bearer ldt_inconnu", "Basic Y2FtaWxsZTp4"):
        refused = client.get("/api/v1/pages/accueil", headers={"Authorization": header})
        assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
        assert refused.json["error"] == "unauthorized" and refused.json["message"]
    assert page.current_revision.body == client.get("/api/v1/pages/accueil").json["content_markdown"]


def test_expired_token_and_blocked_account_are_refused(client, db):
    from datetime import timedelta

    from wiki.db import utcnow

    user = make_user(db, "Alix")
    expired = tokens.create_token(db, user, "court", expires_in_days=1)
    expired.token.expires_at = utcnow() - timedelta(seconds=1)
    blocked = make_user(db, "Bloqué")
    blocked_token = tokens.create_token(db, blocked, "x")
    blocked.is_active = False
    db.commit()
    for secret in (expired.secret, blocked_token.secret):
        assert client.get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_token_acts_with_the_owner_role_and_records_its_use(client, db):
    from wiki.auth.models import ApiToken

    auth = bearer(db, "Lecteur", role="visitor")
    make_page(db, "Accueil")
    db.commit()
    etag = client.get("/api/v1/pages/accueil").headers["ETag"]
    refused = client.put("/api/v1/pages/accueil", json={"text": "non"}, headers=auth | {"If-Match": etag})
    assert refused.status_code == 403 and refused.json["error"] == "forbidden"
    db.rollback()
    assert db.query(ApiToken).one().last_used_at is None  # written after the answer, not in the request
    db.rollback()
    refused.close()  # what a server does once the answer is sent
    used = db.query(ApiToken).one().last_used_at
    assert used is not None
    db.rollback()
    # Used again within a few minutes: nothing more to write.
    client.get("/api/v1/pages/accueil", headers=auth).close()
    assert db.query(ApiToken).one().last_used_at == used


def test_protected_page_and_readonly_instance(make_app, db):
    from wiki.pages import moderation

    app = make_app(EDIT_POLICY="readonly")
    client = app.test_client()
    contributor = bearer(db, "Contributrice")
    page = make_page(db, "Charte")
    moderation.protect_page(db, page, True, actor=make_user(db, "Modo", role="moderator"))
    db.commit()
    etag = client.get("/api/v1/pages/charte").headers["ETag"]
    assert (
        client.put("/api/v1/pages/charte", json={"text": "x"}, headers=contributor | {"If-Match": etag}).status_code
        == 403
    )
    assert client.put("/api/v1/pages/nouvelle", json={"text": "x"}, headers=contributor).status_code == 403


def test_bad_bodies_are_refused_clearly(make_app, db):
    app = make_app(MAX_CONTENT_LENGTH=2000)
    client = app.test_client()
    auth = bearer(db)
    db.commit()
    not_json = client.put("/api/v1/pages/x", data="text=bonjour", headers=auth)
    assert not_json.status_code == 400 and not_json.json["error"] == "validation" and not_json.json["message"]
    wrong_type = client.put("/api/v1/pages/x", json={"text": 3}, headers=auth)
    assert wrong_type.status_code == 400 and "text" in wrong_type.json["errors"]
    huge = client.put("/api/v1/pages/x", json={"text": "é" * 5000}, headers=auth)
    assert huge.status_code == 413 and huge.json["error"] == "too_large"


@pytest.fixture
def forms(db):
    seed(db)
    db.commit()


def _initiative(name="Repair café de Redon"):
    return {
        "values": {
            "title": name,
            "resume": "Réparer ensemble plutôt que jeter.",
            "porteur": "Association Répar'Redon",
            "description": "Un samedi par mois.",
            "themes": ["economie"],
            "communes": ["35236"],
        }
    }


def test_record_create_update_delete(client, db, forms):
    contributor = bearer(db, "Camille")
    moderator = bearer(db, "Modo", role="moderator")
    db.commit()
    form = client.get("/api/v1/forms/initiative").json
    required = [f["key"] for f in form["fields"] if f["required"]]
    body = _initiative()
    assert set(required) <= set(body["values"]), required
    created = client.post("/api/v1/forms/initiative/records", json=body, headers=contributor)
    assert created.status_code == 201, created.json
    record_url = created.headers["Location"]
    assert created.json["status"] == "published" and created.json["title"] == "Repair café de Redon"
    etag = created.headers["ETag"]

    changed = dict(body["values"], title="Repair café du pays de Redon")
    assert client.put(record_url, json={"values": changed}, headers=contributor).status_code == 428
    updated = client.put(
        record_url, json={"values": changed, "comment": "nom complet"}, headers=contributor | {"If-Match": etag}
    )
    assert updated.status_code == 200 and updated.json["title"] == "Repair café du pays de Redon"
    assert updated.json["revision"] == 2
    stale = client.put(record_url, json={"values": body["values"]}, headers=contributor | {"If-Match": etag})
    assert stale.status_code == 412 and stale.headers["ETag"] == updated.headers["ETag"]

    assert client.delete(record_url, headers=contributor).status_code == 403
    assert client.delete(record_url, headers=moderator | {"If-Match": etag}).status_code == 412
    assert client.delete(record_url, headers=moderator | {"If-Match": updated.headers["ETag"]}).status_code == 204
    assert client.get(record_url).status_code == 404
    # Found by Schemathesis: an id beyond 32 bits is a 404, not a database error.
    assert client.get("/api/v1/records/21998857283").status_code == 404


def test_record_validation_errors_name_the_fields(client, db, forms):
    auth = bearer(db)
    db.commit()
    refused = client.post(
        "/api/v1/forms/initiative/records", json={"values": {"title": "", "site_web": "pas une adresse"}}, headers=auth
    )
    assert refused.status_code == 400 and refused.json["error"] == "validation"
    assert {"title", "site_web"} <= set(refused.json["errors"]) and refused.json["message"]
    assert client.get("/api/v1/forms/initiative/records").json["total"] == 0
    not_object = client.post("/api/v1/forms/initiative/records", json={"values": ["x"]}, headers=auth)
    assert not_object.status_code == 400 and "values" in not_object.json["errors"]
    assert client.post("/api/v1/forms/inconnu/records", json=_initiative(), headers=auth).status_code == 404


def test_drafts_and_private_values_stay_private(client, db, forms):
    author = bearer(db, "Autrice")
    other = bearer(db, "Autre")
    db.commit()
    draft = client.post(
        "/api/v1/forms/initiative/records",
        json={"values": {"title": "Projet secret"}, "status": "draft"},
        headers=author,
    )
    assert draft.status_code == 201 and draft.json["status"] == "draft"
    url = draft.headers["Location"]
    assert client.get(url, headers=author).status_code == 200
    assert client.get(url).status_code == 404
    assert client.get(url, headers=other).status_code == 404
    assert client.get("/api/v1/forms/initiative/records?statut=draft").json["total"] == 0
    # Personal fields (the contact e-mail) are shown to the author only.
    body = _initiative("Épicerie solidaire")
    form = client.get("/api/v1/forms/initiative").json
    personal = [f for f in form["fields"] if f["personal"] or f["visibility"] != "public"]
    assert personal, "the built-in initiative form has non-public fields"
    field = next(f for f in personal if f["type"] in ("email", "text", "phone"))
    body["values"][field["key"]] = (
        "contact@example.org"
        if field["type"] == "email"
        else "06 12 34 56 78"
        if field["type"] == "phone"
        else "Dominique"
    )
    created = client.post("/api/v1/forms/initiative/records", json=body, headers=author)
    assert created.status_code == 201, created.json
    assert field["key"] in created.json["values"]
    public = client.get(created.headers["Location"]).json
    assert field["key"] not in public["values"]
    listed = client.get("/api/v1/forms/initiative/records").json["items"]
    assert all(field["key"] not in item["values"] for item in listed)


def test_cors_and_preflight(client, db):
    make_page(db, "Accueil")
    db.commit()
    read = client.get("/api/v1/pages/accueil", headers={"Origin": "https://ailleurs.example"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in read.headers
    assert "ETag" in read.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        "/api/v1/pages/accueil", headers={"Origin": "https://ailleurs.example", "Access-Control-Request-Method": "PUT"}
    )
    assert preflight.status_code == 200
    assert "PUT" in preflight.headers["Access-Control-Allow-Methods"]
    assert "If-Match" in preflight.headers["Access-Control-Allow-Headers"]
    assert client.get("/pages/accueil").headers.get("Access-Control-Allow-Origin") is None


def test_too_long_text_is_a_validation_error_on_text(make_app, db):
    client = make_app(MAX_PAGE_BYTES=10).test_client()
    auth = bearer(db)
    db.commit()
    refused = client.put("/api/v1/pages/long", json={"text": "Un texte bien trop long."}, headers=auth)
    assert refused.status_code == 400 and set(refused.json["errors"]) == {"text"}
    assert client.get("/api/v1/pages/long").status_code == 404
