"""Zones of several levels sharing a code (issue 14): pages, old addresses, map filters, the API, commune fields."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from geodata import levels
from geodata import zones as zone_services
from geodata.models import RecordGeometry
from geodata.models import RecordZone
from wiki.records import form_services
from wiki.records import services

STATION = {"type": "Point", "coordinates": [-2.085, 47.652]}  # Redon (35236)
BAINS = {"type": "Point", "coordinates": [-2.075, 47.716]}  # Bains-sur-Oust (35013)


def add_place(db, actor, title, geometry, **values):
    form = form_services.get_form(db, "lieu")
    return services.create_record(db, form, {"title": title, "localisation": geometry, **values}, actor=actor,
                                  policy="account", status="published")  # fmt: skip


@pytest.fixture
def homonyms(db, zones, moderator):
    """Canton 35013 drawn over Redon (not over commune 35013), a département and a région both coded 53."""
    redon = zone_services.get_zone(db, "35236")
    zone_services.save_zone(db, code="35013", name="Canton de Redon", level="canton", geometry=redon.geometry)
    zone_services.save_zone(db, code="53", name="Mayenne", level="departement", centre=(-0.65, 48.15))
    zone_services.save_zone(db, code="53", name="Bretagne", level="region", centre=(-2.8, 48.2))
    zone_services.save_zone(db, code="3505", name="Canton de Guichen", level="canton", centre=(-1.8, 47.97))
    in_redon = add_place(db, moderator, "Gare de Redon", STATION)
    in_bains = add_place(db, moderator, "Moulin de Bains", BAINS)
    db.commit()
    return in_redon.id, in_bains.id


def titles(response):
    return sorted(f["properties"]["title"] for f in response.json["features"])


def test_records_lie_in_zones_named_by_level_and_code(db, homonyms):
    in_redon, in_bains = homonyms
    rows = db.execute(select(RecordZone.record_id, RecordZone.zone_level, RecordZone.zone_code))
    links = {(rid, level, code) for rid, level, code in rows}
    assert {(in_redon, "canton", "35013"), (in_redon, "commune", "35236"), (in_bains, "commune", "35013")} <= links
    assert (in_bains, "canton", "35013") not in links and (in_redon, "commune", "35013") not in links


def test_a_zone_page_is_per_level_and_old_addresses_find_it(client, homonyms):
    commune = client.get("/zones/commune/35013")
    assert commune.status_code == 200 and "Bains-sur-Oust" in commune.text and "Moulin de Bains" in commune.text
    assert "Gare de Redon" not in commune.text
    canton = client.get("/zones/canton/35013")
    assert canton.status_code == 200 and "Canton de Redon" in canton.text and "Gare de Redon" in canton.text
    assert "Moulin de Bains" not in canton.text and "/carte?zone=canton:35013" in canton.text
    assert 'data-zones-url="/carte/zones.geojson?niveau=canton"' in canton.text
    assert 'data-zones-url="/carte/zones.geojson"' in commune.text
    old = client.get("/zones/35013")
    assert old.status_code == 301 and old.headers["Location"].endswith("/zones/commune/35013")
    only = client.get("/zones/3505")
    assert only.status_code == 301 and only.headers["Location"].endswith("/zones/canton/3505")
    both = client.get("/zones/53")
    assert both.status_code == 200 and "Mayenne" in both.text and "Bretagne" in both.text
    assert 'href="/zones/departement/53"' in both.text and 'href="/zones/region/53"' in both.text
    assert [client.get(url).status_code for url in ("/zones/99999", "/zones/canton/9999", "/zones/quartier/1")] == [
        404,
        404,
        404,
    ]
    listing = client.get("/zones").text
    assert listing.index("Communes") < listing.index("Cantons") < listing.index("Départements")
    assert 'href="/zones/canton/35013"' in listing and 'href="/zones/commune/35013"' in listing


def test_map_filters_read_a_bare_code_as_a_commune_and_level_code_as_that_level(client, homonyms):
    assert titles(client.get("/carte/calque.geojson?zone=35013")) == ["Moulin de Bains"]
    assert titles(client.get("/carte/calque.geojson?zone=commune:35013")) == ["Moulin de Bains"]
    assert titles(client.get("/carte/calque.geojson?zone=canton:35013")) == ["Gare de Redon"]
    assert titles(client.get("/carte/calque.geojson?zone=canton:35013&zone=35013")) == [
        "Gare de Redon",
        "Moulin de Bains",
    ]
    assert titles(client.get("/carte/calque.geojson?zone=quartier:35013")) == [
        "Gare de Redon",
        "Moulin de Bains",
    ]  # an unknown level filters nothing, like an empty filter
    outlines = client.get("/carte/zones.geojson?niveau=canton").json
    assert {(f["id"], f["properties"]["level"]) for f in outlines["features"]} == {
        ("35013", "canton"),
        ("3505", "canton"),
    }
    assert client.get("/carte/zones.geojson?niveau=quartier").status_code == 404


def test_the_api_gives_each_zone_its_level_and_page(client, homonyms):
    cantons = client.get("/api/v1/zones?niveau=canton").json
    assert [(z["code"], z["level"]) for z in cantons["items"]] == [("3505", "canton"), ("35013", "canton")]
    assert cantons["items"][1]["url"].endswith("/zones/canton/35013")
    communes = client.get("/api/v1/zones?niveau=commune").json
    bains = next(z for z in communes["items"] if z["code"] == "35013")
    assert bains["name"] == "Bains-sur-Oust" and bains["url"].endswith("/zones/commune/35013")
    assert {z["level"] for z in client.get("/api/v1/zones?niveau=autre").json["items"]} == set()


def test_a_commune_field_only_ever_names_a_commune(db, homonyms, moderator):
    place = add_place(db, moderator, "Quelque part à Bains", None, commune="35013")
    db.commit()
    bains = zone_services.get_zone(db, "35013")
    row = db.get(RecordGeometry, place.id)
    assert row.approximate and (row.lon, row.lat) == (bains.centre_lon, bains.centre_lat)
    rows = db.execute(select(RecordZone.zone_level, RecordZone.zone_code).where(RecordZone.record_id == place.id))
    assert [tuple(r) for r in rows] == [("commune", "35013")]


def test_zone_keys_round_trip():
    assert levels.parse_zone_key(" 2a004 ") == ("commune", "2A004")
    assert levels.parse_zone_key("epci:243500139") == ("epci", "243500139")
    assert levels.parse_zone_key("quartier:12") is None
    assert levels.zone_key("commune", "35013") == "35013" and levels.zone_key("canton", "35013") == "canton:35013"
    assert levels.parse_zone_keys(["35013,canton:35013", "35013", ""]) == (("commune", "35013"), ("canton", "35013"))
