"""The demo stays about its territory (issue 18): its initiatives are in the Pays de Redon, the rest is told as such.

The *Initiative* directory, map and commune facets of the demo hold only
initiatives located in its 28 communes; the guides' experiences from
elsewhere are « Inspirations d'ailleurs », a form of their own that no map
layer nor commune shows; what the sources do not give is marked as fiction.
"""

from __future__ import annotations

import re

import pytest
from shapely.geometry import shape
from shapely.ops import unary_union
from sqlalchemy import select

from geodata.models import RecordGeometry
from geodata.models import RecordZone
from wiki.demo import initiatives
from wiki.demo import inspirations
from wiki.demo.places import demo_communes
from wiki.demo.places import demo_outlines
from wiki.records import form_services
from wiki.records.models import Record

COMMUNES = {code for code, _, _, _ in demo_communes()}
SOURCES = (initiatives.GUIDE_2022, initiatives.RECUEIL_2018)


@pytest.fixture
def demo(runner, db):
    """``lieudit init --demo``, as a user runs it."""
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _records(db, key):
    form = form_services.get_form(db, key)
    return form, list(db.scalars(select(Record).where(Record.form_id == form.id, Record.deleted_at.is_(None))))


def test_every_initiative_of_the_demo_lies_in_one_of_its_communes_and_on_its_map(demo, db):
    territory = unary_union([shape(outline) for outline in demo_outlines().values()])
    form, records = _records(db, "initiative")
    assert len(records) == len(initiatives.INITIATIVES)
    for record in records:
        zones = set(db.scalars(select(RecordZone.zone_code).where(RecordZone.record_id == record.id)))
        communes = {code for code in zones if code in COMMUNES}
        assert communes and communes == {code for code in zones if len(code) == 5}, (record.title, zones)
        placed = db.get(RecordGeometry, record.id)
        assert placed is not None and not placed.approximate, record.title  # a point of its own, not a guess
        point = shape(placed.geometry)
        assert territory.contains(point), (record.title, placed.geometry)
        assert any(shape(demo_outlines()[code]).contains(point) for code in communes), record.title


def test_what_the_sources_do_not_give_is_marked_as_fiction_in_its_title_summary_and_source():
    real = [i for i in initiatives.INITIATIVES if i["source"].startswith(SOURCES)]
    assert {i["title"] for i in real} == {"Le wiki du Pays de Redon", "Les wiki-parties du Pays de Redon"}
    for item in initiatives.INITIATIVES:
        fictional = item not in real
        assert fictional == (item["source"] == initiatives.FICTION), item["title"]
        assert fictional == item["title"].endswith(initiatives.FICTION_MARK), item["title"]
        assert fictional == item["resume"].startswith("**Exemple fictif**"), item["title"]
        assert fictional == item["porteur"].startswith("Association fictive"), item["title"]
        assert fictional <= ("site_web" not in item and "contact_structure" not in item), item["title"]
    notes = " ".join((initiatives.DATA_DIR.parent / "SOURCES.md").read_text(encoding="utf-8").split())
    for item in initiatives.INITIATIVES:
        assert item["title"] in notes, item["title"]


def test_the_experiences_from_elsewhere_are_inspirations_with_their_place_in_words_and_their_source(demo, db):
    form, records = _records(db, inspirations.FORM_KEY)
    assert form.title == "Inspirations d’ailleurs" and len(records) == len(inspirations.INSPIRATIONS) == 31
    assert {r.status for r in records} == {"published"}
    for item in inspirations.INSPIRATIONS:
        assert item["source"].startswith(SOURCES), item["title"]
        assert item.get("territoire") and "Redon" not in item["territoire"], item["title"]  # its place, in words
        assert re.fullmatch(r"[^,()]+ \(\w+\)(, [^,()]+ \(\w+\))*", item.get("departements", "Nord (59)")), item[
            "title"
        ]
    titles = {i["title"] for i in initiatives.INITIATIVES}
    assert not titles & {i["title"] for i in inspirations.INSPIRATIONS}
    ids = [r.id for r in records]
    assert not db.scalars(select(RecordZone).where(RecordZone.record_id.in_(ids))).first()  # in no commune
    assert not db.scalars(select(RecordGeometry).where(RecordGeometry.record_id.in_(ids))).first()  # on no map


def test_the_inspirations_are_shown_as_such_and_never_as_the_territory_s(demo, client):
    assert "8 initiative(s) du territoire, 31 inspiration(s) d’ailleurs" in demo
    assert client.get("/carte/inspiration").status_code == 404
    territory_map = client.get("/carte").text
    assert "Inspirations d’ailleurs" not in territory_map and "Smart Ruralité" not in territory_map
    directory = client.get("/annuaire/initiative").text
    assert "Le wiki du Pays de Redon" in directory and "Smart Ruralité" not in directory
    index = " ".join(client.get("/annuaire").text.split())
    assert 'Inspirations d’ailleurs</a></h2> <p class="meta">31 fiches publiées' in index
    assert 'Initiative</a></h2> <p class="meta">8 fiches publiées' in index
    record = client.get(f"/fiches/{_record_id(client, 'Smart Ruralité')}").text
    assert "Alpes-de-Haute-Provence (04)" in record and "Provence-Alpes-Côte d’Azur" in record
    assert "fiche expérience p. 64" in record
    home = client.get("/").text
    assert 'href="/annuaire/inspiration"' in home and "Inspirations d’ailleurs" in home
    assert "Trente-deux" not in home


def _record_id(client, title):
    items = client.get("/api/v1/forms/inspiration/records?limit=200").json["items"]
    return next(item["id"] for item in items if item["title"] == title)
