"""« Mot de passe oublié » end to end through a real SMTP server: links that work once, expire, and tell nothing."""

from __future__ import annotations

import re
import statistics
import time
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.smtp import body_of
from wiki.auth.models import User
from wiki.mail import delivery
from wiki.mail.models import OutgoingMail

#: HTTP flows over plain reads and writes; the outbox's SQL runs on both databases in tests/wiki/mail.
pytestmark = pytest.mark.sqlite_only

NEW_PASSWORD = "un-tout-nouveau-secret"


@pytest.fixture
def mail_app(make_app, smtp_server):
    """An app that sends its mail to the test's SMTP server."""
    return make_app(**smtp_server.settings())


def _link(message, path: str) -> str:
    """The path of the first link to ``path`` in a received message (absolute on BASE_URL)."""
    found = re.search(r"(http://wiki\.test" + re.escape(path) + r"\S+)", body_of(message))
    assert found, body_of(message)
    return urlsplit(found.group(1)).path


def _forgot(client, identifier: str):
    return client.post("/-/mot-de-passe-oublie", data={"identifier": identifier})


def _login(client, name="Camille", password=PASSWORD):
    return client.post("/-/connexion", data={"name": name, "password": password})


def test_password_reset_end_to_end(mail_app, db, smtp_server):
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    client, elsewhere = mail_app.test_client(), mail_app.test_client()
    assert _login(elsewhere).status_code == 302
    assert "Mot de passe oublié" in client.get("/-/connexion").text

    answer = _forgot(client, "camille@example.org")
    assert answer.status_code == 200 and "Si un compte correspond" in answer.text
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "camille@example.org"
    assert mail["Subject"] == "[Lieudit] Choisir un nouveau mot de passe"
    assert "« Camille »" in body_of(mail) and "dans l'heure" in body_of(mail)
    path = _link(mail, "/-/mot-de-passe/")

    form = client.get(path)
    assert form.status_code == 200 and "Choisir un nouveau mot de passe" in form.text
    assert form.headers["Referrer-Policy"] == "no-referrer" and form.headers["Cache-Control"] == "no-store"
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "password2": "autre chose"})
    assert mismatch.status_code == 400 and "ne correspondent pas" in mismatch.text
    done = client.post(path, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.location.endswith("/-/connexion")

    assert elsewhere.get("/-/compte").status_code == 302  # every other session ended
    assert _login(client).status_code == 400  # the old password no longer works
    assert _login(client, password=NEW_PASSWORD).status_code == 302
    notice = smtp_server.wait_for(2)[1]
    assert notice["Subject"] == "[Lieudit] Votre mot de passe a été changé"

    again = client.get(path)  # single use: the password it was bound to changed
    assert again.status_code == 400 and "déjà utilisé" in again.text
    assert client.post(path, data={"password": "encore-un-autre", "password2": "encore-un-autre"}).status_code == 400


def test_reset_by_name_lifts_the_login_back_off(make_app, smtp_server, db):
    app = make_app(**smtp_server.settings(), LOGIN_FREE_ATTEMPTS=1)
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    client = app.test_client()
    for _ in range(3):
        _login(client, password="pas le bon")
    assert _login(client).status_code == 429
    _forgot(client, "camille")
    path = _link(smtp_server.wait_for(1)[0], "/-/mot-de-passe/")
    client.post(path, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert _login(client, password=NEW_PASSWORD).status_code == 302


def test_a_reset_link_expires_after_an_hour(mail_app, db, smtp_server, monkeypatch):
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    client = mail_app.test_client()
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() - 3601)  # the link was made an hour ago
    _forgot(client, "camille@example.org")
    path = _link(smtp_server.wait_for(1)[0], "/-/mot-de-passe/")
    monkeypatch.undo()
    response = client.get(path)
    assert response.status_code == 400 and "plus d’une heure" in response.text


def test_forged_or_mangled_links_are_refused(mail_app, db):
    user = make_user(db, "Camille", email="camille@example.org")
    db.commit()
    from wiki.auth import links

    forged = links.reset_token(user, "not-the-secret")
    client = mail_app.test_client()
    for path in (f"/-/mot-de-passe/{forged}", "/-/mot-de-passe/abc", "/-/mot-de-passe/" + "x" * 600):
        assert client.get(path).status_code == 400


def test_reset_answers_the_same_whatever_exists(mail_app, db, smtp_server):
    make_user(db, "Camille", email="camille@example.org")
    make_user(db, "Dominique", email="dominique@example.org")
    waiting = make_user(db, "Sacha")
    waiting.email_pending = "sacha@example.org"  # typed, never confirmed
    db.commit()
    client = mail_app.test_client()
    answers = [
        _forgot(client, identifier)
        for identifier in (
            "camille@example.org",
            "personne@example.org",
            "Dominique",
            "Personne",
            "sacha@example.org",
            "Sacha",
        )
    ]
    assert {a.status_code for a in answers} == {200}
    assert len({a.text for a in answers}) == 1
    delivery.wait_for_sender(mail_app)
    assert sorted(m["To"] for m in smtp_server.wait_for(2)) == ["camille@example.org", "dominique@example.org"]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(OutgoingMail)) == 2  # an unconfirmed address gets nothing


def test_reset_links_are_mailed_at_most_once_every_few_minutes(mail_app, db, smtp_server):
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    client = mail_app.test_client()
    for identifier in ("camille@example.org", "camille@example.org", "CAMILLE", "Camille@Example.org"):
        assert _forgot(client, identifier).status_code == 200
    smtp_server.wait_for(1)
    delivery.wait_for_sender(mail_app)
    assert len(smtp_server.messages) == 1


def test_without_mail_the_screens_say_so_and_nothing_is_queued(client, db):
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    page = client.get("/-/mot-de-passe-oublie")
    assert "n'envoie pas de courriel" in page.text and "demandez à un administrateur" in page.text
    assert 'name="identifier"' not in page.text
    answer = _forgot(client, "camille@example.org")
    assert answer.status_code == 200 and "n'envoie pas de courriel" in answer.text
    assert db.scalar(select(func.count()).select_from(OutgoingMail)) == 0
    assert db.scalar(select(User.link_sent_at)) is None
    db.commit()  # end the read: the login writes
    assert "n'envoie pas de courriel" in client.get("/-/inscription").text
    _login(client)
    account = client.get("/-/compte").text
    assert "n'envoie pas de courriel" in account and 'name="email_current"' not in account


def test_reset_answers_take_the_same_time_whatever_exists(mail_app, db):
    for i in range(6):
        make_user(db, f"Compte {i}", email=f"compte{i}@example.org")
    db.commit()
    client = mail_app.test_client()
    known, unknown = [], []
    for i in range(6):
        for identifier, times in ((f"compte{i}@example.org", known), (f"personne{i}@example.org", unknown)):
            started = time.perf_counter()
            _forgot(client, identifier)
            times.append(time.perf_counter() - started)
    delivery.wait_for_sender(mail_app)
    assert min(known + unknown) >= 0.25
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.05


def test_links_in_mails_name_the_public_address_whatever_the_host_header(make_app, smtp_server, db):
    app = make_app(**smtp_server.settings() | {"BASE_URL": "https://wiki.example.org"}, SERVER_NAME=None)
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    client = app.test_client()
    client.post("/-/mot-de-passe-oublie", data={"identifier": "Camille"}, headers={"Host": "evil.example"})
    text = body_of(smtp_server.wait_for(1)[0])
    assert "https://wiki.example.org/-/mot-de-passe/" in text and "evil.example" not in text
