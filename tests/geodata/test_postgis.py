"""PostGIS storage: the spatial path on PostgreSQL, the bounding boxes elsewhere, the same answers."""

from __future__ import annotations

import json
import random
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy import func
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import make_url

from geodata import services as geo
from geodata import spatial
from geodata import zones as zone_services
from geodata.models import RecordGeometry
from geodata.models import Zone
from geodata.models import record_shapes
from geodata.models import zone_shapes
from importers.zones import import_zones
from tests.conftest import _migrate
from tests.conftest import base_config
from tests.geodata.conftest import redon_area_features
from tests.geodata.test_services import BAINS
from tests.geodata.test_services import STATION
from tests.geodata.test_services import add_place
from tests.geodata.test_services import zones_of
from wiki import create_app
from wiki import migrate
from wiki.db import Database
from wiki.records import form_services
from wiki.records import services
from wiki.records.seeding import seed_builtin

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def shape_of(db, table, key, value):
    """The GeoJSON of a PostGIS copy, or None."""
    column = table.c[key]
    found = db.scalar(select(func.ST_AsGeoJSON(table.c.geom)).where(column == value))
    return None if found is None else json.loads(found)


def test_spatial_backend_follows_the_database(db):
    dialect = db.get_bind().dialect.name
    assert spatial.spatial_backend(db) == ("postgis" if dialect == "postgresql" else "bbox")
    tables = set(inspect(db.get_bind()).get_table_names())
    assert ({"record_shapes", "zone_shapes"} <= tables) is (dialect == "postgresql")


@postgresql_only
def test_postgis_copies_follow_record_and_zone_writes(db, zones, moderator):
    place = add_place(db, moderator, "Gare de Redon", STATION)
    db.commit()
    assert shape_of(db, record_shapes, "record_id", place.id) == STATION
    services.update_record(
        db,
        place,
        {"title": "Gare de Redon", "localisation": BAINS},
        actor=moderator,
        policy="account",
        base_revision=None,
    )
    db.commit()
    assert shape_of(db, record_shapes, "record_id", place.id) == BAINS
    services.delete_record(db, place, actor=moderator)
    db.commit()
    assert db.get(RecordGeometry, place.id) is None
    assert shape_of(db, record_shapes, "record_id", place.id) is None

    redon = zone_services.get_zone(db, "35236")
    assert db.scalar(select(func.count()).select_from(zone_shapes)) == 5
    assert db.scalar(select(func.ST_IsValid(zone_shapes.c.geom)).where(zone_shapes.c.zone_id == redon.id)) is True
    assert (
        db.scalar(
            select(
                func.ST_Covers(zone_shapes.c.geom, func.ST_SetSRID(func.ST_MakePoint(*STATION["coordinates"]), 4326))
            ).where(zone_shapes.c.zone_id == redon.id)
        )
        is True
    )
    zone_services.save_zone(db, code="35999", name="Sans contour", level="commune", centre=(-2.0, 47.7))
    db.commit()
    assert shape_of(db, zone_shapes, "zone_id", zone_services.get_zone(db, "35999").id) is None
    db.execute(sa.delete(Zone).where(Zone.code == "35236"))
    db.commit()
    assert shape_of(db, zone_shapes, "zone_id", redon.id) is None


@postgresql_only
def test_postgis_and_the_zone_index_attach_points_alike(db, zones, moderator):
    index = zone_services.zone_index(db)
    rng = random.Random(3)
    points = [
        {"type": "Point", "coordinates": [round(rng.uniform(-2.35, -1.95), 5), round(rng.uniform(47.55, 47.8), 5)]}
        for _ in range(150)
    ]
    # Points exactly on a boundary shared by two communes belong to both, on either path.
    redon = zone_services.get_zone(db, "35236").geometry
    ring = redon["coordinates"][0] if redon["type"] == "Polygon" else redon["coordinates"][0][0]
    points += [{"type": "Point", "coordinates": vertex} for vertex in ring[::25]]
    line = {"type": "LineString", "coordinates": [STATION["coordinates"], BAINS["coordinates"]]}
    for geometry in [*points, line]:
        assert spatial.zones_touching(db, geometry) == index.containing(geometry), geometry
    assert any(len(index.containing(p)) > 1 for p in points)  # the boundary case was really tried


@postgresql_only
def test_bbox_queries_use_the_gist_index(db, moderator):
    form = form_services.get_form(db, "lieu")
    rng = random.Random(5)
    record_ids = list(
        db.scalars(
            text(
                "INSERT INTO records (form_id, title, data, status, form_revision, revision_number, created_at, updated_at, search_text) "
                "SELECT :form, 'Lieu ' || n, '{}', 'published', 1, 1, now(), now(), '' FROM generate_series(1, 20000) n RETURNING id"
            ),
            {"form": form.id},
        )
    )
    rows = []
    for record_id in record_ids:
        lon, lat = round(rng.uniform(-2.6, -1.0), 6), round(rng.uniform(46.9, 48.7), 6)
        rows.append(
            {
                "record_id": record_id,
                "form_id": form.id,
                "status": "published",
                "kind": "Point",
                "title": "Lieu",
                "summary": "",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "approximate": False,
                "lon": lon,
                "lat": lat,
                "min_lon": lon,
                "min_lat": lat,
                "max_lon": lon,
                "max_lat": lat,
            }
        )
    db.execute(RecordGeometry.__table__.insert(), rows)  # a bulk write: the trigger still copies every row
    db.commit()
    assert db.scalar(select(func.count()).select_from(record_shapes)) == 20000
    db.execute(text("ANALYZE record_shapes"))
    db.execute(text("ANALYZE record_geometries"))
    town = geo.LayerQuery(form_ids=(form.id,), bbox=(-2.11, 47.63, -2.05, 47.68))
    query = geo._filtered(select(RecordGeometry.record_id), town, [], points=True, spatial="postgis")
    sql = str(query.compile(db.get_bind(), compile_kwargs={"literal_binds": True}))
    plan = "\n".join(db.scalars(text("EXPLAIN " + sql)))
    assert "ix_record_shapes_geom" in plan
    found = set(db.scalars(query))
    expected = {r["record_id"] for r in rows if -2.11 <= r["lon"] <= -2.05 and 47.63 <= r["lat"] <= 47.68}
    assert found == expected and expected
    assert (
        set(db.scalars(geo._filtered(select(RecordGeometry.record_id), town, [], points=True, spatial="bbox")))
        == expected
    )


def test_postgresql_without_postgis_works_through_the_bounding_boxes(postgres_server, tmp_path):
    """A role that may not create the extension (managed hosting): the migration skips PostGIS, the map still works."""
    role, name = f"plain_{uuid.uuid4().hex[:8]}", f"p_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(postgres_server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" OWNER "{role}"')
    url = make_url(postgres_server.url(name)).set(username=role).render_as_string(hide_password=False)
    app = None
    try:
        _migrate(url, tmp_path / "migrate")
        app = create_app(base_config(tmp_path / "instance") | {"DATABASE_URL": url})
        with app.app_context():
            engine = Database.engine()
            with engine.connect() as conn:
                assert migrate.database_kinds(conn) == ("postgresql",)
                assert migrate.current_revision(engine) == migrate.head_revision()
            db = Database.new_session(app)
            assert spatial.spatial_backend(db) == "bbox"
            from tests.factories import make_user

            moderator = make_user(db, "Modo", role="moderator")
            seed_builtin(db, moderator)
            import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
            inside, outside = add_place(db, moderator, "Dedans", STATION), add_place(db, moderator, "Dehors", BAINS)
            db.commit()
            assert zones_of(db, inside) == ["35236"] and zones_of(db, outside) == ["35013"]
            form = form_services.get_form(db, "lieu")
            data = geo.layer(
                db,
                geo.LayerQuery(form_ids=(form.id,), bbox=(-2.1, 47.64, -2.07, 47.67)),
                form_keys={},
                url=str,
                theme_ids=[],
            )
            assert [f["id"] for f in data["features"]] == [inside.id]
            db.close()
    finally:
        if app is not None:
            Database.engine(app).dispose()
        postgres_server.drop_database(name)
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()


@postgresql_only
def test_a_dump_loaded_into_postgis_gets_its_spatial_copies_back(app, db, zones, moderator, postgres_server, tmp_path):
    from wiki.portability import dumping
    from wiki.portability import loading

    place = add_place(db, moderator, "Gare de Redon", STATION)
    db.commit()
    dump = tmp_path / "instance.zip"
    with app.app_context():
        summary = dumping.dump(Database.engine(), dump, uploads=tmp_path / "uploads", settings={}, app_version="test")
    assert (
        "record_shapes" not in summary.tables and "zone_shapes" not in summary.tables
    )  # derived: rebuilt, not carried
    name = f"d_{uuid.uuid4().hex[:12]}"
    target = create_app(base_config(tmp_path / "target") | {"DATABASE_URL": postgres_server.create_database(name)})
    try:
        with target.app_context():
            loading.load(Database.engine(), dump, uploads=tmp_path / "target" / "uploads")
        loaded = Database.new_session(target)
        assert spatial.spatial_backend(loaded) == "postgis"
        assert shape_of(loaded, record_shapes, "record_id", place.id) == STATION
        assert loaded.scalar(select(func.count()).select_from(zone_shapes)) == 5
        assert spatial.zones_touching(loaded, STATION) == [("commune", "35236")]
        loaded.close()
    finally:
        Database.engine(target).dispose()
        postgres_server.drop_database(name)
