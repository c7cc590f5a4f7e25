"""The administrator's erasure screen, reached from the accounts page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.exports_support import login
from tests.factories import make_user
from tests.wiki.privacy.conftest import EMAIL
from tests.wiki.privacy.conftest import NAME
from wiki.auth.models import User

pytestmark = pytest.mark.sqlite_only  # the HTTP surface over the erasure service test_erasure runs on both


@pytest.fixture
def admin(db, person):
    """An administrator, logged in."""
    user = make_user(db, "Admine", role="admin")
    db.commit()
    return user


def test_the_accounts_page_leads_to_the_screen(client, admin, person):
    login(client, "Admine")
    users = client.get("/-/comptes").text
    assert f'href="/-/comptes/{person.user.id}/donnees-personnelles"' in users
    screen = client.get(f"/-/comptes/{person.user.id}/donnees-personnelles")
    assert screen.status_code == 200
    assert "Versions de pages : 2" in screen.text and "Fiches créées : 1" in screen.text
    assert f'href="/-/comptes/{person.user.id}/donnees-personnelles.json"' in screen.text
    assert 'name="csrf_token"' in screen.text and 'name="confirm"' in screen.text


def test_erasing_needs_the_name_typed(client, db, admin, person):
    user_id = person.user.id  # read once: the checks below expire the session's objects
    login(client, "Admine")
    wrong = client.post(f"/-/comptes/{user_id}/effacer", data={"confirm": "Jeanne"})
    assert wrong.status_code == 400 and "Tapez exactement le nom du compte" in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    db.expire_all()
    assert db.get(User, user_id).name == NAME
    db.rollback()
    done = client.post(f"/-/comptes/{user_id}/effacer", data={"confirm": "jeanne testelin", "reason": "RGPD"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/-/comptes/{user_id}/donnees-personnelles")
    page = client.get(done.headers["Location"]).text
    pseudonym = f"Contributeur effacé n°{user_id}"
    assert f"il s'appelle désormais « {pseudonym} »" in page.replace("&#39;", "'") and "effacé le" in page
    assert NAME not in page and EMAIL not in page
    db.expire_all()
    assert db.scalar(select(User.name).where(User.id == user_id)) == pseudonym
    db.rollback()
    again = client.post(f"/-/comptes/{user_id}/effacer", data={"confirm": pseudonym})
    assert "déjà effacé" in client.get(again.headers["Location"]).text


def test_only_admins_reach_the_screen(client, db, person):
    make_user(db, "Modératrice", role="moderator")
    db.commit()
    assert client.get(f"/-/comptes/{person.user.id}/donnees-personnelles").status_code == 302
    login(client, "Modératrice")
    assert client.get(f"/-/comptes/{person.user.id}/donnees-personnelles").status_code == 403
    assert client.post(f"/-/comptes/{person.user.id}/effacer", data={"confirm": NAME}).status_code == 403


def test_the_last_admin_is_told_why_not(client, admin):
    login(client, "Admine")
    screen = client.get(f"/-/comptes/{admin.id}/donnees-personnelles").text
    assert "dernier compte administrateur" in screen and 'name="confirm"' not in screen
    refused = client.post(f"/-/comptes/{admin.id}/effacer", data={"confirm": "Admine"})
    assert refused.status_code == 403


def test_an_unknown_account_is_not_found(client, admin):
    login(client, "Admine")
    assert client.get("/-/comptes/999999/donnees-personnelles").status_code == 404
