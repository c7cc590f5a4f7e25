"""A person downloads everything the wiki keeps about them, as JSON; nobody else may, but administrators."""

from __future__ import annotations

import json

import pytest

from tests.exports_support import login
from tests.factories import make_user
from tests.wiki.privacy.conftest import CONSENTED
from tests.wiki.privacy.conftest import EMAIL
from tests.wiki.privacy.conftest import NAME
from tests.wiki.privacy.conftest import PERSONAL_EMAIL

pytestmark = pytest.mark.sqlite_only  # the HTTP surface over plain reads


def test_my_data_holds_my_account_contributions_records_and_tokens(client, db, person):
    login(client, NAME)
    response = client.get("/-/compte/mes-donnees.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.data)
    assert data["format"] == "lieudit-donnees-personnelles" and data["version"] == 1
    account = data["account"]
    assert (account["name"], account["email"], account["role"]) == (NAME, EMAIL, "contributor")
    assert account["created_at"] and "password_hash" not in account and "session_version" not in account
    pages = {(r["page"], r["number"]) for r in data["page_revisions"]}
    assert pages == {("lavoir-de-bains", 1), ("marche-de-redon", 2)}
    assert any(r["text"] == "Le lavoir est restauré.\n" for r in data["page_revisions"])
    (record,) = data["records"]
    assert record["title"] == "Ferme des Saules" and record["form"] == "fermes"
    # Her own record: every value, personal and private ones included.
    assert record["values"]["courriel_perso"] == PERSONAL_EMAIL and record["values"]["organisateur"].endswith(CONSENTED)
    assert record["values"]["prix"] == 21
    assert [r["number"] for r in data["record_revisions"] if r["kind"] == "record"] == [1, 2, 3]
    (token,) = data["api_tokens"]
    assert token["name"] == "script de Jeanne" and token["created_at"]
    assert person.token not in response.text and "token_hash" not in response.text and "prefix" not in token
    # Her activity is there, from the activity log.
    assert {row["kind"] for row in data["other"]["activities"]} >= {"page", "record"}
    assert all("session_key" not in row for row in data["other"]["activities"])


def test_my_data_is_mine_only(client, db, person):
    make_user(db, "Voisin")
    db.commit()
    assert client.get("/-/compte/mes-donnees.json").status_code == 302  # log in first
    login(client, "Voisin")
    mine = json.loads(client.get("/-/compte/mes-donnees.json").data)
    assert mine["account"]["name"] == "Voisin" and mine["records"] == [] and NAME not in json.dumps(mine)
    assert client.get(f"/-/comptes/{person.user.id}/donnees-personnelles.json").status_code == 403
    assert client.get(f"/-/comptes/{person.user.id}/donnees-personnelles").status_code == 403


def test_an_admin_downloads_a_persons_data_to_answer_a_request(client, db, person):
    make_user(db, "Admine", role="admin")
    db.commit()
    login(client, "Admine")
    response = client.get(f"/-/comptes/{person.user.id}/donnees-personnelles.json")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(response.data)["account"]["email"] == EMAIL
    assert client.get("/-/comptes/999999/donnees-personnelles.json").status_code == 404


def test_the_account_page_links_to_the_download(client, db, person):
    login(client, NAME)
    page = client.get("/-/compte").text
    assert 'href="/-/compte/mes-donnees.json"' in page and "Télécharger mes données" in page


def test_an_erased_account_exports_only_its_pseudonym(client, db, person):
    from wiki.privacy import erasure

    admin = make_user(db, "Admine", role="admin")
    db.commit()
    erasure.erase(db, person.user.id, actor=admin)
    login(client, "Admine")
    data = json.loads(client.get(f"/-/comptes/{person.user.id}/donnees-personnelles.json").data)
    text = json.dumps(data, ensure_ascii=False)
    assert data["account"]["name"] == erasure.pseudonym_of(person.user.id) and data["account"]["email"] is None
    assert NAME not in text and EMAIL not in text and PERSONAL_EMAIL not in text and data["api_tokens"] == []
