"""Personal API tokens: stored hashed, shown once, revocable, on the account page and the CLI."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.factories import make_user
from wiki.auth import tokens
from wiki.auth.models import ApiToken

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: token hashing, forms and the CLI


def test_only_a_hash_is_stored_and_the_token_authenticates(db):
    user = make_user(db, "Camille")
    created = tokens.create_token(db, user, "  script   de la médiathèque ")
    db.commit()
    stored = db.scalar(select(ApiToken))
    assert created.secret.startswith("ldt_") and len(created.secret) > 40
    assert created.secret not in (stored.token_hash, stored.prefix) and created.secret.startswith(stored.prefix)
    assert stored.token_hash == tokens.hash_token(created.secret) and stored.name == "script de la médiathèque"
    assert tokens.authenticate_token(db, created.secret).user is user
    assert tokens.authenticate_token(db, created.secret[:-1] + "x") is None
    assert tokens.authenticate_token(db, "pas un jeton") is None


def test_read_only_tokens_read_but_never_write(client, db):
    from tests.factories import make_page

    user = make_user(db, "Lectrice")
    make_page(db, "Accueil")
    reader = tokens.create_token(db, user, "tableau de bord", can_write=False)
    db.commit()
    headers = {"Authorization": f"Bearer {reader.secret}"}
    read = client.get("/api/v1/pages/accueil", headers=headers)
    assert read.status_code == 200
    refused = client.put(
        "/api/v1/pages/accueil", json={"text": "x"}, headers=headers | {"If-Match": read.headers["ETag"]}
    )
    assert refused.status_code == 403 and refused.json["message"] == "Ce jeton est en lecture seule."
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert client.get("/api/v1/pages/accueil").json["revision"] == 1


def test_revoking_and_limits(db):
    import pytest

    from wiki.errors import NotFound
    from wiki.errors import ValidationError

    alix, other = make_user(db, "Alix"), make_user(db, "Autre")
    created = tokens.create_token(db, alix, "x")
    with pytest.raises(NotFound):
        tokens.revoke_token(db, other, created.token.id)
    tokens.revoke_token(db, alix, created.token.id)
    assert tokens.authenticate_token(db, created.secret) is None
    assert tokens.active_tokens(db, alix) == [] and len(tokens.list_tokens(db, alix)) == 1
    for name, days in (("", None), ("x" * 101, None), ("ok", 0), ("ok", 5000)):
        with pytest.raises(ValidationError):
            tokens.create_token(db, alix, name, expires_in_days=days)


def test_cli_prints_a_working_token(runner, db, client):
    make_user(db, "Camille")
    db.commit()
    result = runner.invoke(args=["token", "create", "camille", "--label", "import nocturne", "--read-only"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[0]
    assert secret.startswith("ldt_")
    assert client.get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    unknown = runner.invoke(args=["token", "create", "personne"])
    assert unknown.exit_code != 0 and "introuvable" in unknown.output

    listed = runner.invoke(args=["token", "list", "Camille"])
    assert (
        listed.exit_code == 0
        and "import nocturne" in listed.output
        and "actif" in listed.output
        and "lecture seule" in listed.output
    )
    assert secret not in listed.output
    token_id = listed.output.split("\t", 1)[0]
    assert runner.invoke(args=["token", "revoke", "Camille", "999"]).exit_code != 0
    revoked = runner.invoke(args=["token", "revoke", "Camille", token_id])
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert "révoqué" in runner.invoke(args=["token", "list", "Camille"]).output


def test_account_page_creates_shows_once_and_revokes(client, db, auth):
    make_user(db, "Camille")
    db.commit()
    auth.login()
    assert "Jetons d'API" in client.get("/-/compte").text
    refused = client.post("/-/compte/jetons", data={"action": "create", "token_name": "", "expires": "abc"})
    assert refused.status_code == 400 and "Entre 1 et 3650 jours" in refused.text
    created = client.post(
        "/-/compte/jetons", data={"action": "create", "token_name": "Tableur", "expires": "30", "can_write": "1"}
    )
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(ldt_[^"]+)"', created.text).group(1)
    assert secret not in client.get("/-/compte").text  # shown once
    api = client.get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 200
    token_id = db.scalar(select(ApiToken.id))
    db.rollback()  # end the read transaction before the next writer
    assert client.post("/-/compte/jetons", data={"action": "revoke", "token_id": str(token_id)}).status_code == 302
    assert "révoqué" in client.get("/-/compte").text
    assert client.get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_tokens_page_needs_login_and_csrf(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/-/compte/jetons", data={"token_name": "x"}).status_code in (302, 400)
    make_user(db, "Camille")
    db.commit()
    client.get("/-/connexion")
    assert client.post("/-/compte/jetons", data={"action": "create", "token_name": "x"}).status_code == 400
    assert db.scalar(select(ApiToken)) is None
