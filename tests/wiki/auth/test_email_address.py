"""E-mail addresses: verified by a signed link before any use, changed from the account page, never enumerated."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import itsdangerous.timed
import pytest
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.smtp import body_of
from wiki.auth.models import User
from wiki.mail import delivery

#: HTTP flows over plain reads and writes; the outbox's SQL runs on both databases in tests/wiki/mail.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def mail_app(make_app, smtp_server):
    """An app that sends its mail to the test's SMTP server."""
    return make_app(**smtp_server.settings())


def _verify_path(message) -> str:
    found = re.search(r"(http://wiki\.test/-/adresse/\S+)", body_of(message))
    assert found, body_of(message)
    return urlsplit(found.group(1)).path


def _register(client, name="Camille", email="camille@example.org"):
    return client.post(
        "/-/inscription", data={"name": name, "email": email, "password": PASSWORD, "password2": PASSWORD}
    )


def _login(client, name="Camille", password=PASSWORD):
    return client.post("/-/connexion", data={"name": name, "password": password})


def _user(db, name="Camille") -> User:
    db.expire_all()
    user = db.scalar(select(User).where(User.name == name))
    db.commit()  # end the read: requests write
    return user


def test_a_registered_address_is_used_only_once_verified(mail_app, db, smtp_server):
    client = mail_app.test_client()
    assert _register(client).status_code == 302
    assert "Un lien de confirmation" in client.get("/-/compte").text
    user = _user(db)
    assert user.email is None and user.email_pending == "camille@example.org"
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "camille@example.org" and mail["Subject"] == "[Lieudit] Confirmez votre adresse e-mail"

    anonymous = mail_app.test_client()
    anonymous.post("/-/mot-de-passe-oublie", data={"identifier": "camille@example.org"})
    delivery.wait_for_sender(mail_app)
    assert len(smtp_server.messages) == 1  # not verified yet: no reset link goes there

    path = _verify_path(mail)
    page = client.get(path)
    assert page.status_code == 200 and "camille@example.org" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert _user(db).email is None  # opening the link changes nothing (mail scanners open links)
    confirmed = client.post(path)
    assert confirmed.status_code == 302 and confirmed.location.endswith("/-/compte")
    user = _user(db)
    assert user.email == "camille@example.org" and user.email_pending is None
    assert client.get("/-/compte").status_code == 200  # the browser that confirmed stays logged in
    assert client.post(path).status_code == 400  # single use

    anonymous.post("/-/mot-de-passe-oublie", data={"identifier": "camille@example.org"})
    assert smtp_server.wait_for(2)[1]["Subject"] == "[Lieudit] Choisir un nouveau mot de passe"


def test_registering_with_a_taken_address_tells_nothing(mail_app, db, smtp_server):
    make_user(db, "Dominique", email="dominique@example.org")
    db.commit()
    fresh, taken = mail_app.test_client(), mail_app.test_client()
    first = _register(fresh, "Camille", "camille@example.org")
    second = _register(taken, "Sacha", "dominique@example.org")
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert fresh.get("/-/compte").text.count("Un lien de confirmation") == 1
    assert taken.get("/-/compte").text.count("Un lien de confirmation") == 1
    messages = {m["To"]: m for m in smtp_server.wait_for(2)}
    assert messages["dominique@example.org"]["Subject"] == "[Lieudit] Cette adresse a déjà un compte"
    assert "/-/mot-de-passe-oublie" in body_of(messages["dominique@example.org"])
    assert "/-/adresse/" not in body_of(messages["dominique@example.org"])
    assert _user(db, "Sacha").email is None and _user(db, "Dominique").email == "dominique@example.org"


def test_registration_refuses_a_malformed_address_with_the_typed_values(mail_app, db, smtp_server):
    response = _register(mail_app.test_client(), "Camille", "pas-une-adresse")
    assert response.status_code == 400
    assert 'value="pas-une-adresse"' in response.text and 'value="Camille"' in response.text
    assert _user(db) is None


def test_changing_the_address_ends_every_session_once_confirmed(mail_app, db, smtp_server):
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    client, elsewhere = mail_app.test_client(), mail_app.test_client()
    _login(client)
    _login(elsewhere)

    wrong = client.post("/-/compte/adresse", data={"email": "neuve@example.org", "email_current": "faux"})
    assert wrong.status_code == 400 and 'value="neuve@example.org"' in wrong.text
    assert "Mot de passe actuel incorrect" in wrong.text
    same = client.post("/-/compte/adresse", data={"email": "camille@example.org", "email_current": PASSWORD})
    assert same.status_code == 400 and "adresse de votre compte" in same.text

    asked = client.post("/-/compte/adresse", data={"email": "Neuve@Example.org", "email_current": PASSWORD})
    assert asked.status_code == 302
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "neuve@example.org"
    assert _user(db).email == "camille@example.org"  # unchanged until confirmed
    assert elsewhere.get("/-/compte").status_code == 200

    anonymous = mail_app.test_client()
    assert anonymous.post(_verify_path(mail)).location.endswith("/-/connexion")  # confirmed from another browser
    assert _user(db).email == "neuve@example.org"
    assert elsewhere.get("/-/compte").status_code == 302 and client.get("/-/compte").status_code == 302
    notice = smtp_server.wait_for(2)[1]
    assert notice["To"] == "camille@example.org" and notice["Subject"] == "[Lieudit] L'adresse de votre compte a changé"
    assert "n•••@example.org" in body_of(notice) and "neuve@example.org" not in body_of(notice)


def test_a_cancelled_or_replaced_address_link_no_longer_works(mail_app, db, smtp_server):
    make_user(db, "Camille")
    db.commit()
    client = mail_app.test_client()
    _login(client)
    client.post("/-/compte/adresse", data={"email": "une@example.org", "email_current": PASSWORD})
    too_soon = client.post("/-/compte/adresse", data={"email": "deux@example.org", "email_current": PASSWORD})
    assert too_soon.status_code == 400 and "attendez une minute" in too_soon.text
    user = _user(db)
    user.link_sent_at -= timedelta(minutes=1)  # a minute later
    db.commit()
    client.post("/-/compte/adresse", data={"email": "deux@example.org", "email_current": PASSWORD})
    first, second = smtp_server.wait_for(2)
    assert client.get(_verify_path(first)).status_code == 400  # replaced by the second address
    client.post("/-/compte/adresse", data={"action": "cancel"})
    assert client.get(_verify_path(second)).status_code == 400
    assert _user(db).email is None and _user(db).email_pending is None


def test_a_verification_link_expires_after_two_days(mail_app, db, monkeypatch):
    from wiki.auth import links

    user = make_user(db, "Camille")
    user.email_pending = "une@example.org"
    db.commit()
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() - 2 * 86400 - 1)
    token = links.verification_token(user, "une@example.org", mail_app.config["SECRET_KEY"])  # made two days ago
    monkeypatch.undo()
    response = mail_app.test_client().get(f"/-/adresse/{token}")
    assert response.status_code == 400 and "plus de deux jours" in response.text


def test_the_verification_link_is_sent_again_at_most_every_few_minutes(mail_app, db, smtp_server):
    make_user(db, "Camille")
    db.commit()
    client = mail_app.test_client()
    _login(client)
    client.post("/-/compte/adresse", data={"email": "une@example.org", "email_current": PASSWORD})
    smtp_server.wait_for(1)
    again = client.post("/-/compte/adresse", data={"action": "resend"}, follow_redirects=True)
    assert "attendez quelques minutes" in again.text
    delivery.wait_for_sender(mail_app)
    assert len(smtp_server.messages) == 1


def test_changing_the_password_ends_other_sessions_and_tells_the_address(mail_app, db, smtp_server):
    make_user(db, "Camille", email="camille@example.org")
    db.commit()
    client, elsewhere = mail_app.test_client(), mail_app.test_client()
    _login(client)
    _login(elsewhere)
    changed = client.post("/-/compte", data={"current": PASSWORD, "password": "un-tout-nouveau-secret"})
    assert changed.status_code == 302
    assert client.get("/-/compte").status_code == 200 and elsewhere.get("/-/compte").status_code == 302
    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == "[Lieudit] Votre mot de passe a été changé"


def test_without_mail_a_typed_address_waits_and_the_account_says_why(client, db):
    assert _register(client).status_code == 302
    page = client.get("/-/compte").text
    assert "ne peut pas encore être confirmée" in page and "n'envoie pas de courriel" in page
    user = _user(db)
    assert user.email is None and user.email_pending == "camille@example.org"
