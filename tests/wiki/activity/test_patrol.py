"""Recent changes for patrol: anonymous pseudonyms, shareable filters, marking changes reviewed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from importers.geojson import features_from_geojson
from importers.zones import import_zones
from tests.factories import make_page
from tests.factories import make_user
from tests.shared import DATA
from wiki.activity import pseudonyms
from wiki.activity.models import Activity
from wiki.records import form_services
from wiki.records import services as records

PSEUDONYM = re.compile(r"Anonyme <span class=\"pseudonym\">([a-z2-7]{8})</span>")
FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "lieu", "type": "geometry", "label": "Lieu"},
]
REDON = {"type": "Point", "coordinates": [-2.0857, 47.6517]}


def test_pseudonyms_are_stable_distinct_and_keyed():
    first = pseudonyms.pseudonym("secret", "0123456789abcdef")
    assert first == pseudonyms.pseudonym("secret", "0123456789abcdef")
    assert pseudonyms.PSEUDONYM.match(first) and "0123456789abcdef" not in first
    assert first != pseudonyms.pseudonym("secret", "0123456789abcdee")
    assert first != pseudonyms.pseudonym("another instance", "0123456789abcdef")
    assert pseudonyms.pseudonym("secret", None) == ""
    keys = {f"{n:016x}" for n in range(2000)}
    assert len({pseudonyms.pseudonym("secret", k) for k in keys}) == len(keys)


@pytest.fixture
def open_app(make_app):
    return make_app(EDIT_POLICY="open", FORM_MIN_SECONDS=0)  # the test sends its forms at once


def _anonymous_edit(app, slug, body, browser=None):
    """Edit a page from a browser (a fresh one by default); return that browser."""
    browser = browser or app.test_client()
    form = browser.get(f"/pages/{slug}/edit").text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    response = browser.post(f"/pages/{slug}/edit", data={**hidden, "body": body, "comment": ""})
    assert response.status_code in (302, 303), response.text
    return browser


def _page(app, title, body):
    from wiki.db import Database

    db = Database.new_session(app)
    with app.app_context():
        page = make_page(db, title, body, policy="open")
        db.commit()
    slug = page.slug
    db.close()
    return slug


def test_two_anonymous_people_are_told_apart_and_filtered(open_app):
    slug = _page(open_app, "Lavoir", "un\n")
    first = _anonymous_edit(open_app, slug, "un\ndeux\n")
    _anonymous_edit(open_app, slug, "un\ndeux\ntrois\n")
    _anonymous_edit(open_app, slug, "un\ndeux\ntrois\nquatre\n", first)  # the same browser again

    text = open_app.test_client().get("/-/modifications").text
    names = PSEUDONYM.findall(text)
    assert len(names) == 3 and names[0] == names[2] != names[1]  # newest first
    history = open_app.test_client().get(f"/pages/{slug}/history").text
    assert PSEUDONYM.findall(history) == names
    with open_app.app_context():
        from wiki.db import get_session

        keys = set(get_session().scalars(select(Activity.session_key).where(Activity.session_key.is_not(None))))
    assert len(keys) == 2 and not any(key in text or key in history for key in keys)

    only = open_app.test_client().get(f"/-/modifications?anonyme={names[1]}").text
    assert PSEUDONYM.findall(only) == [names[1]] and "+1" in only
    assert PSEUDONYM.findall(open_app.test_client().get("/-/modifications?anonyme=zzzzzzzz").text) == []


def listed(client, url):
    """The list of changes of a recent-changes page, without the filter form around it."""
    html = client.get(url).text
    return html[html.find('<ol class="changes">') :] if '<ol class="changes">' in html else ""


def redon_area_features():
    """The commune of Redon, read from the real file of Ille-et-Vilaine."""
    path = DATA / "geodata/admin-boundaries/communes-35-ille-et-vilaine.geojson"
    return [f for f in features_from_geojson(path.read_bytes()).features if f.properties.get("code") == "35236"]


@pytest.fixture
def scene(db):
    alix, modo = make_user(db, "Alix"), make_user(db, "Modo", role="moderator")
    import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    places = form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=modo)
    other = form_services.create_form(db, key="autres", title="Autres", fields=FIELDS[:1], actor=modo)
    make_page(db, "Marché", "Le samedi.\n", actor=alix)
    records.create_record(db, places, {"title": "Gare de Redon", "lieu": REDON}, actor=alix, policy="account")
    records.create_record(db, other, {"title": "Fiche ailleurs"}, actor=alix, policy="account")
    db.commit()
    return {"alix": alix, "modo": modo}


def test_filters_by_account_kind_form_and_zone(client, db, scene):
    everything = listed(client, "/-/modifications")
    assert "Marché" in everything and "Gare de Redon" in everything and "Fiche ailleurs" in everything
    by_alix = listed(client, "/-/modifications?auteur=alix")
    assert "Marché" in by_alix and "Lieux" not in by_alix  # forms were made by Modo
    assert "Marché" not in listed(client, "/-/modifications?auteur=personne")
    pages_only = listed(client, "/-/modifications?type=page")
    assert "Marché" in pages_only and "Gare de Redon" not in pages_only
    in_form = listed(client, "/-/modifications?formulaire=lieux")
    assert "Gare de Redon" in in_form and "Fiche ailleurs" not in in_form and "Marché" not in in_form
    in_zone = listed(client, "/-/modifications?zone=35236")
    assert "Gare de Redon" in in_zone and "Fiche ailleurs" not in in_zone
    assert "Gare de Redon" not in listed(client, "/-/modifications?zone=35013")
    # The filter travels in the pager's links and the feed's.
    assert 'href="/-/modifications.atom?formulaire=lieux"' in client.get("/-/modifications?formulaire=lieux").text
    assert "Gare de Redon" in client.get("/-/modifications.atom?zone=35236").text


def test_moderators_mark_changes_patrolled_and_the_public_never_sees_it(client, auth, db, scene):
    public = client.get("/-/modifications?a_relire=1").text
    assert "à relire" not in public and "Marché" in public and "relecture" not in public
    auth.login("Modo")
    queue = listed(client, "/-/modifications?a_relire=1")
    assert "Marché" in queue and "Gare de Redon" in queue
    assert "Lieux" not in queue  # a moderator's own changes need no review
    marche = db.scalar(select(Activity.id).where(Activity.title == "Marché"))
    db.rollback()  # end the test's read before the app writes
    response = client.post("/-/modifications/relecture", data={"change": str(marche), "a_relire": "1"})
    assert response.status_code == 302 and "a_relire=1" in response.location
    after = listed(client, "/-/modifications?a_relire=1")
    assert "Marché" not in after and "Gare de Redon" in after
    shown = [str(i) for i in db.scalars(select(Activity.id))]
    db.rollback()
    client.post("/-/modifications/relecture", data={"scope": "all", "shown": shown})
    assert "Gare de Redon" not in listed(client, "/-/modifications?a_relire=1")
    db.expire_all()
    assert db.scalar(select(Activity.patrolled_by_id).where(Activity.id == int(marche))) == scene["modo"].id


def test_patrol_is_for_moderators(client, auth, db, scene):
    auth.login("Alix")
    marche = db.scalar(select(Activity.id).where(Activity.title == "Marché"))
    db.rollback()
    assert client.post("/-/modifications/relecture", data={"change": str(marche)}).status_code == 403
    db.expire_all()
    assert db.scalar(select(Activity.patrolled_at).where(Activity.id == marche)) is None
