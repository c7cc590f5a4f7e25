"""``lieudit user list|passwd|role|disable|enable``: what an operator does to accounts from the shell."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.factories import make_user
from wiki.auth import tokens
from wiki.auth.models import User

#: Plain reads and writes of accounts; the dialect-specific paths are tested elsewhere.
pytestmark = pytest.mark.sqlite_only


def _user(db, name="Camille") -> User:
    db.expire_all()
    user = db.scalar(select(User).where(User.name == name))
    db.commit()
    return user


def _login(client, name="Camille", password=PASSWORD):
    return client.post("/-/connexion", data={"name": name, "password": password})


def test_user_list_shows_role_address_state_and_last_login(app, runner, db):
    make_user(db, "Camille", email="camille@example.org", role="moderator")
    waiting = make_user(db, "Dominique")
    waiting.email_pending = "dominique@example.org"
    db.commit()
    _login(app.test_client())
    runner.invoke(args=["user", "disable", "Dominique"])
    result = runner.invoke(args=["user", "list"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.split("\t") == ["nom", "rôle", "adresse", "état", "créé", "dernière connexion"]
    camille, dominique = (row.split("\t") for row in rows)
    assert camille[:4] == ["Camille", "moderator", "camille@example.org", "actif"]
    assert camille[5] != "jamais"
    assert dominique[:4] == ["Dominique", "contributor", "dominique@example.org (à confirmer)", "désactivé"]
    assert dominique[5] == "jamais"


def test_user_passwd_sets_a_password_and_ends_sessions(app, runner, db):
    make_user(db, "Camille")
    db.commit()
    client = app.test_client()
    _login(client)
    result = runner.invoke(args=["user", "passwd", "camille", "--password-stdin"], input="  un nouveau secret \n")
    assert result.exit_code == 0, result.output
    assert client.get("/-/compte").status_code == 302  # the session ended
    assert _login(client).status_code == 400
    assert _login(client, password="  un nouveau secret ").status_code == 302  # kept exactly as typed


def test_user_passwd_prompts_and_refuses_bad_passwords(runner, db):
    make_user(db, "Camille")
    db.commit()
    prompted = runner.invoke(args=["user", "passwd", "Camille"], input="nouveau-secret\nnouveau-secret\n")
    assert prompted.exit_code == 0, prompted.output
    short = runner.invoke(args=["user", "passwd", "Camille", "--password-stdin"], input="court\n")
    assert short.exit_code == 1 and "Mot de passe invalide" in short.output
    missing = runner.invoke(args=["user", "passwd", "Personne", "--password-stdin"], input="nouveau-secret\n")
    assert missing.exit_code == 1 and "Compte introuvable" in missing.output


def test_user_passwd_tells_the_verified_address(make_app, smtp_server, db):
    app = make_app(**smtp_server.settings())
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    result = app.test_cli_runner().invoke(args=["user", "passwd", "Camille", "--password-stdin"], input="neuf-secret\n")
    assert result.exit_code == 0, result.output
    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == "[Lieudit] Votre mot de passe a été changé"
    assert "http://wiki.test/-/mot-de-passe-oublie" in mail.get_body().get_content()


def test_user_role_changes_the_role(runner, db):
    make_user(db, "Camille")
    db.commit()
    result = runner.invoke(args=["user", "role", "Camille", "admin"])
    assert result.exit_code == 0 and "contributor → admin" in result.output
    assert _user(db).role == "admin"
    assert runner.invoke(args=["user", "role", "Camille", "roi"]).exit_code == 2
    assert runner.invoke(args=["user", "role", "Personne", "admin"]).exit_code == 1


def test_user_disable_stops_logins_sessions_and_tokens_and_enable_restores(app, runner, db):
    user = make_user(db, "Camille")
    secret = tokens.create_token(db, user, "script").secret
    db.commit()
    client = app.test_client()
    _login(client)
    assert runner.invoke(args=["user", "disable", "Camille"]).exit_code == 0
    assert client.get("/-/compte").status_code == 302
    assert _login(client).status_code == 400
    api = app.test_client().get("/api/v1/pages", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 401
    assert runner.invoke(args=["user", "enable", "Camille"]).exit_code == 0
    assert _user(db).is_active
    assert _login(client).status_code == 302
