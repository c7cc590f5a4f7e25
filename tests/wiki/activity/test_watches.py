"""Watches: follow and unfollow, each watch's public feed filtered by commune and theme, the recent changes' filters."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from importers.zones import import_zones
from tests.factories import make_page
from tests.factories import make_user
from tests.wiki.activity.test_patrol import redon_area_features
from wiki.activity.watch_models import Watch
from wiki.records import form_services
from wiki.records import services as records
from wiki.records import taxonomy

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "lieu", "type": "geometry", "label": "Lieu"},
    {"id": "f_00000003", "key": "theme", "type": "theme", "label": "Thème"},
    {"id": "f_00000004", "key": "note", "type": "text", "label": "Note interne", "visibility": "private"},
]
REDON = {"type": "Point", "coordinates": [-2.0857, 47.6517]}
ELSEWHERE = {"type": "Point", "coordinates": [-1.6778, 48.1173]}


@pytest.fixture
def scene(db):
    alix, modo = make_user(db, "Alix"), make_user(db, "Modo", role="moderator")
    import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    taxonomy.save_theme(db, key="mobilite", label="Mobilité", actor=modo)
    taxonomy.save_theme(db, key="culture", label="Culture", actor=modo)
    places = form_services.create_form(db, key="initiatives", title="Initiatives", fields=FIELDS, actor=modo)
    make_page(db, "Marché", "Le samedi.\n", actor=alix)
    add = lambda **values: records.create_record(db, places, values, actor=alix, policy="account")  # noqa: E731
    add(title="Covoiturage de Redon", lieu=REDON, theme="mobilite", note="Code de la boîte : 1234")
    add(title="Bibliobus de Redon", lieu=REDON, theme="culture")
    add(title="Vélos de Rennes", lieu=ELSEWHERE, theme="mobilite")
    hidden = add(title="Projet secret de Redon", lieu=REDON, theme="mobilite")
    records.set_status(db, hidden, "draft", actor=modo)
    db.commit()
    return {"alix": alix, "modo": modo}


def entries(feed: str) -> list[str]:
    return re.findall(r"<entry>.*?<title>([^<]*)</title>", feed, re.S)


def test_a_watch_feed_filters_by_commune_and_theme_and_holds_nothing_private(client, scene):
    response = client.get("/-/suivi/flux.atom?form=initiatives&zone=35236&theme=mobilite")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = response.text
    assert "Nouveautés : Initiatives à Redon, thème Mobilité" in feed
    assert set(entries(feed)) == {"Covoiturage de Redon"}
    assert "1234" not in feed and "secret" not in feed
    assert set(entries(client.get("/-/suivi/flux.atom?zone=35236").text)) == {
        "Covoiturage de Redon",
        "Bibliobus de Redon",
    }
    assert set(entries(client.get("/-/suivi/flux.atom?theme=mobilite").text)) == {
        "Covoiturage de Redon",
        "Vélos de Rennes",
    }
    assert entries(client.get("/-/suivi/flux.atom?page=marche").text) == ["Marché"]
    # Nothing that does not exist or is not public has a feed.
    assert client.get("/-/suivi/flux.atom?theme=inconnu").status_code == 404
    assert client.get("/-/suivi/flux.atom").status_code == 404
    assert client.get("/-/suivi/flux.atom?record=999").status_code == 404


def test_a_deleted_page_has_no_feed(client, db, scene):
    from wiki.pages import moderation as pages
    from wiki.pages.models import Page

    page = db.scalar(select(Page).where(Page.slug == "marche"))
    pages.delete_page(db, page, actor=scene["modo"], comment="doublon")
    db.commit()
    assert client.get("/-/suivi/flux.atom?page=marche").status_code == 404


def test_the_recent_changes_feed_honours_form_theme_and_zone(client, scene):
    feed = client.get("/-/modifications.atom?form=initiatives&theme=mobilite&zone=35236").text
    assert set(entries(feed)) == {"Covoiturage de Redon"}
    assert "secret" not in client.get("/-/modifications.atom?theme=mobilite").text


def test_follow_from_a_page_list_and_unfollow(client, auth, db, scene):
    auth.login("Alix")
    page = client.get("/-/suivis").text
    assert "Vous ne suivez encore rien." in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/-/suivis").text).group(1)
    response = client.post(
        "/-/suivis/suivre",
        data={"csrf_token": token, "form": "initiatives", "zone": "35236", "next": "/-/suivis"},
    )
    assert response.status_code == 302
    mine = client.get("/-/suivis").text
    assert "Nouveautés : Initiatives à Redon" in mine
    assert "/-/suivi/flux.atom?form=initiatives&amp;zone=35236" in mine
    client.post("/-/suivis/suivre", data={"csrf_token": token, "form": "initiatives", "zone": "35236"})
    assert len(db.scalars(select(Watch)).all()) == 1  # following twice keeps one watch
    db.commit()  # end the read: the app's next write needs the lock
    # The page's own button follows it, and then offers to stop.
    shown = client.get("/pages/marche").text
    assert "Suivre" in shown
    client.post("/-/suivis/suivre", data={"csrf_token": token, "page": "marche"})
    shown = client.get("/pages/marche").text
    assert "Ne plus suivre" in shown and "/-/suivi/flux.atom?page=marche" in shown
    watch_id = db.scalar(select(Watch.id).where(Watch.page_id.is_not(None)))
    db.commit()
    assert client.post(f"/-/suivis/{watch_id}/retirer", data={"csrf_token": token}).status_code == 302
    db.expire_all()
    assert [w.form_key for w in db.scalars(select(Watch))] == ["initiatives"]
    # Someone else's watch cannot be removed.
    auth.logout()
    make_user(db, "Bea")
    db.commit()
    auth.login("Bea")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/-/suivis").text).group(1)
    other = db.scalar(select(Watch.id))
    db.commit()
    assert client.post(f"/-/suivis/{other}/retirer", data={"csrf_token": token}).status_code == 404


def test_following_needs_a_login(client, scene):
    assert client.get("/-/suivis").status_code in (302, 401)
    assert "Suivre" not in client.get("/pages/marche").text
    assert "/-/suivi/flux.atom?page=marche" in client.get("/pages/marche").text


def test_a_list_and_the_agenda_offer_the_watch_of_their_filters(client, auth, scene):
    listing = client.get("/annuaire/initiatives?theme=mobilite").text
    assert "/-/suivi/flux.atom?form=initiatives&amp;theme=mobilite" in listing
    agenda = client.get("/agenda?zone=35236").text
    assert "/-/suivi/flux.atom?form=evenement&amp;zone=35236" in agenda
    auth.login("Alix")
    listing = client.get("/annuaire/initiatives?theme=mobilite").text
    assert '<input type="hidden" name="theme" value="mobilite">' in listing and ">Suivre</button>" in listing


def test_an_erased_account_follows_nothing_any_more(db, scene):
    from wiki.activity import watches
    from wiki.activity.watch_models import DigestState
    from wiki.privacy import erasure

    alix = scene["alix"]
    watches.follow(db, alix, watches.Target(form_key="initiatives"))
    db.commit()
    admin = make_user(db, "Admin", role="admin")
    db.commit()
    erasure.erase(db, alix.id, actor=admin)
    db.commit()
    assert db.scalars(select(Watch)).all() == [] and db.get(DigestState, alix.id) is None
    db.commit()
