"""The form guard of public forms: honeypot and minimum fill time, refused with the text back, never twice."""

from __future__ import annotations

import re
import time

import pytest

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.records import form_services

pytestmark = pytest.mark.sqlite_only  # HTTP surface over plain writes

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "description", "type": "longtext", "label": "Description"},
]
TEXT = "La fête du quartier a lieu samedi.\nApportez un plat à partager !"


def _token(html: str) -> str:
    """The signed start time of the (only) guarded form of a page."""
    found = re.findall(r'name="_guard" value="([^"]+)"', html)
    assert len(found) == 1
    return found[0]


@pytest.fixture
def open_app(make_app):
    """An open wiki whose forms must be filled in at least one second."""
    return make_app(EDIT_POLICY="open", FORM_MIN_SECONDS=1)


def test_every_public_form_carries_the_guard(open_app, db):
    modo = make_user(db, "Modo", role="moderator")
    form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=modo)
    db.commit()
    client = open_app.test_client()
    for url in ("/pages/fete/edit", "/annuaire/lieux/nouvelle", "/-/connexion", "/-/inscription"):
        html = client.get(url).get_data(as_text=True)
        _token(html)
        honeypot = re.search(r'<div class="honeypot"><label for="website">Ne pas remplir</label><input [^>]+>', html)
        assert honeypot, url
        assert 'tabindex="-1"' in honeypot.group(0) and 'autocomplete="off"' in honeypot.group(0)
    # A record form inside a page ({{formulaire}}) too, with its own field id.
    make_page(db, "Proposer un lieu", '{{formulaire form="lieux"}}', actor=modo)
    db.commit()
    html = client.get("/pages/proposer-un-lieu").get_data(as_text=True)
    _token(html)
    assert '<label for="website-lieux">Ne pas remplir</label><input id="website-lieux" name="website"' in html


def test_a_form_sent_too_fast_comes_back_with_the_text_then_passes(open_app):
    client = open_app.test_client()
    token = _token(client.get("/pages/fete/edit").get_data(as_text=True))
    data = {"title": "Fête", "body": TEXT, "comment": "annonce", "action": "save", "_guard": token}
    refused = client.post("/pages/fete/edit", data=data)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "très vite" in html and "Votre texte est conservé" in html
    assert "Apportez un plat à partager !" in html and 'value="annonce"' in html
    # Sent again at once, from the form shown back: never refused for time twice.
    again = client.post("/pages/fete/edit", data=data | {"_guard": _token(html)})
    assert again.status_code == 302
    assert client.get("/pages/fete").get_data(as_text=True).count("Apportez un plat") == 1


def test_a_person_who_takes_their_time_is_not_refused(open_app):
    client = open_app.test_client()
    token = _token(client.get("/pages/fete/edit").get_data(as_text=True))
    time.sleep(1.05)
    response = client.post("/pages/fete/edit", data={"title": "Fête", "body": TEXT, "_guard": token})
    assert response.status_code == 302


def test_a_post_without_the_form_is_refused_softly(open_app):
    client = open_app.test_client()
    refused = client.post("/pages/robot/edit", data={"title": "Robot", "body": TEXT})
    assert refused.status_code == 400 and "Apportez un plat" in refused.get_data(as_text=True)
    again = client.post("/pages/robot/edit", data={"title": "Robot", "body": TEXT, "_guard": _token(refused.text)})
    assert again.status_code == 302


def test_a_forged_timestamp_is_not_accepted(open_app):
    client = open_app.test_client()
    token = _token(client.get("/pages/fete/edit").get_data(as_text=True))
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.post("/pages/fete/edit", data={"title": "Fête", "body": TEXT, "_guard": forged})
    assert response.status_code == 400


def test_preview_is_never_checked_and_keeps_the_start_time(open_app):
    client = open_app.test_client()
    token = _token(client.get("/pages/fete/edit").get_data(as_text=True))
    preview = client.post(
        "/pages/fete/edit", data={"title": "Fête", "body": TEXT, "action": "preview", "_guard": token}
    )
    assert preview.status_code == 200 and "Aperçu" in preview.text
    time.sleep(1.05)
    saved = client.post("/pages/fete/edit", data={"title": "Fête", "body": TEXT, "_guard": _token(preview.text)})
    assert saved.status_code == 302


def test_the_honeypot_refuses_with_the_text_back(make_app):
    app = make_app(EDIT_POLICY="open")
    client = app.test_client()
    data = {"title": "Fête", "body": TEXT, "website": "http://spam.example"}
    refused = client.post("/pages/fete/edit", data=data)
    assert refused.status_code == 400
    assert "champ caché" in refused.text and "Apportez un plat" in refused.text
    assert "http://spam.example" not in refused.text  # the honeypot comes back empty
    assert client.post("/pages/fete/edit", data=data | {"website": ""}).status_code == 302


def test_record_form_keeps_the_values_when_refused(open_app, db):
    modo = make_user(db, "Modo", role="moderator")
    form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=modo)
    db.commit()
    client = open_app.test_client()
    token = _token(client.get("/annuaire/lieux/nouvelle").text)
    data = {"title": "Jardin partagé", "description": TEXT, "_guard": token}
    refused = client.post("/annuaire/lieux/nouvelle", data=data)
    assert refused.status_code == 400
    assert "très vite" in refused.text and "Jardin partagé" in refused.text and "Apportez un plat" in refused.text
    assert client.post("/annuaire/lieux/nouvelle", data=data | {"_guard": _token(refused.text)}).status_code == 302


def test_login_and_registration_are_guarded(open_app, db):
    make_user(db, "Camille")
    db.commit()
    client = open_app.test_client()
    refused = client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD, "website": "x"})
    assert refused.status_code == 400 and "champ caché" in refused.text and 'value="Camille"' in refused.text
    fast = client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD, "_guard": _token(refused.text)})
    assert fast.status_code == 302  # the refused form, sent again
    client.post("/-/deconnexion")
    form = {"name": "Dominique", "password": PASSWORD, "password2": PASSWORD, "email": "d@example.org"}
    refused = client.post("/-/inscription", data=form)
    assert refused.status_code == 400 and "très vite" in refused.text and 'value="Dominique"' in refused.text
    assert client.post("/-/inscription", data=form | {"_guard": _token(refused.text)}).status_code == 302
