"""Zones and the map projection of records, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from geodata import services as geo
from geodata import zones as zone_services
from geodata.models import RecordGeometry
from geodata.models import RecordZone
from importers.zones import import_zones
from tests.geodata.conftest import redon_area_features
from wiki.records import form_services
from wiki.records import services

STATION = {"type": "Point", "coordinates": [-2.085, 47.652]}  # Redon
BAINS = {"type": "Point", "coordinates": [-2.075, 47.716]}  # Bains-sur-Oust


def zones_of(db, record):
    return sorted(db.scalars(select(RecordZone.zone_code).where(RecordZone.record_id == record.id)))


def add_place(db, actor, title, geometry, **values):
    form = form_services.get_form(db, "lieu")
    return services.create_record(
        db,
        form,
        {"title": title, "localisation": geometry, **values},
        actor=actor,
        policy="account",
        status="published",
    )


def test_records_are_attached_to_their_commune_and_reattached_when_moved(db, zones, moderator):
    place = add_place(db, moderator, "Gare de Redon", STATION)
    db.commit()
    assert zones_of(db, place) == ["35236"]
    services.update_record(
        db,
        place,
        {"title": "Gare de Redon", "localisation": BAINS},
        actor=moderator,
        policy="account",
        base_revision=None,
    )
    db.commit()
    assert zones_of(db, place) == ["35013"]
    row = db.get(RecordGeometry, place.id)
    assert (row.lon, row.lat) == (-2.075, 47.716) and row.status == "published"


def test_a_line_is_attached_to_every_commune_it_crosses(db, zones, moderator):
    line = add_place(
        db,
        moderator,
        "Voie verte",
        {"type": "LineString", "coordinates": [STATION["coordinates"], BAINS["coordinates"]]},
    )
    db.commit()
    assert {"35236", "35013"} <= set(zones_of(db, line))


def test_zones_loaded_after_records_attach_them(db, moderator):
    place = add_place(db, moderator, "Médiathèque", STATION)
    db.commit()
    assert zones_of(db, place) == []
    import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    db.commit()
    assert zones_of(db, place) == ["35236"]


def test_a_commune_without_geometry_places_the_record_at_its_centre(db, zones, moderator):
    place = add_place(db, moderator, "Quelque part à Rieux", None, commune="56194")
    db.commit()
    row = db.get(RecordGeometry, place.id)
    rieux = zone_services.get_zone(db, "56194")
    assert row.approximate and (row.lon, row.lat) == (rieux.centre_lon, rieux.centre_lat)
    assert zones_of(db, place) == ["56194"]


def test_deleted_records_leave_the_map(db, zones, moderator):
    place = add_place(db, moderator, "Éphémère", STATION)
    db.commit()
    services.delete_record(db, place, actor=moderator)
    db.commit()
    assert db.get(RecordGeometry, place.id) is None and zones_of(db, place) == []


def test_private_geometry_fields_are_never_projected(db, moderator):
    form = form_services.create_form(
        db,
        key="domicile",
        title="Domiciles",
        actor=moderator,
        fields=[
            {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom"},
            {
                "id": "f_00000002",
                "key": "maison",
                "type": "geometry",
                "label": "Maison",
                "visibility": "private",
                "personal": True,
            },
        ],
    )
    record = services.create_record(
        db, form, {"title": "Chez moi", "maison": STATION}, actor=moderator, policy="account"
    )
    db.commit()
    assert db.get(RecordGeometry, record.id) is None


def test_bbox_query_on_both_databases(db, zones, moderator):
    inside = add_place(db, moderator, "Dedans", STATION)
    outside = add_place(db, moderator, "Dehors", BAINS)
    line = add_place(db, moderator, "Traverse", {"type": "LineString", "coordinates": [[-2.3, 47.66], [-1.9, 47.66]]})
    pending = services.create_record(
        db,
        form_services.get_form(db, "lieu"),
        {"title": "En attente", "localisation": STATION},
        actor=moderator,
        policy="account",
        status="pending",
    )
    db.commit()
    form = form_services.get_form(db, "lieu")
    query = geo.LayerQuery(form_ids=(form.id,), bbox=(-2.1, 47.64, -2.07, 47.67))
    data = geo.layer(db, query, form_keys={form.id: "lieu"}, url=lambda i: f"/fiches/{i}", theme_ids=[])
    ids = {f["id"] for f in data["features"]}
    assert ids == {inside.id, line.id} and outside.id not in ids and pending.id not in ids
    by_zone = geo.layer(
        db, geo.LayerQuery(form_ids=(form.id,), zones=(("commune", "35013"),)), form_keys={}, url=str, theme_ids=[]
    )
    assert {f["id"] for f in by_zone["features"]} == {outside.id}


def test_dense_points_come_as_clusters(db, moderator):
    form = form_services.get_form(db, "lieu")
    for i in range(30):
        add_place(db, moderator, f"Point {i}", {"type": "Point", "coordinates": [-2.08 + i * 1e-5, 47.65]})
    add_place(db, moderator, "Isolé", {"type": "Point", "coordinates": [-1.0, 48.0]})
    db.commit()
    data = geo.layer(
        db,
        geo.LayerQuery(form_ids=(form.id,), bbox=(-3, 47, -0.5, 48.5), cluster_above=10),
        form_keys={form.id: "lieu"},
        url=str,
        theme_ids=[],
    )
    assert data["clustered"] is True
    clusters = [f for f in data["features"] if f["properties"].get("cluster")]
    assert [c["properties"]["count"] for c in clusters] == [30]
    assert any(f["properties"].get("title") == "Isolé" for f in data["features"])


def test_zone_page_data_lists_places_and_only_upcoming_events(db, zones, moderator):
    add_place(db, moderator, "Médiathèque", STATION)
    events = form_services.get_form(db, "evenement")
    services.create_record(
        db,
        events,
        {"title": "Passé", "horaire": {"start": "2020-01-01T10:00"}, "localisation": STATION},
        actor=moderator,
        policy="account",
    )
    services.create_record(
        db,
        events,
        {"title": "À venir", "horaire": {"start": "2999-01-01T10:00"}, "localisation": STATION},
        actor=moderator,
        policy="account",
    )
    db.commit()
    found = zone_services.records_in_zone(db, zone_services.get_zone(db, "35236"))
    assert [r.title for r in found["lieu"]] == ["Médiathèque"]
    assert [r.title for r in found["evenement"]] == ["À venir"]
