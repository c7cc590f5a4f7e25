"""Zones from GeoJSON: the importer on real communes, and ``lieudit zones import``."""

from __future__ import annotations

import json

from sqlalchemy import func
from sqlalchemy import select

from geodata import zones as geo
from geodata.models import RecordZone
from geodata.models import Zone
from importers.zones import import_zones
from tests.geodata.conftest import BOUNDARIES
from tests.geodata.conftest import redon_area_features
from wiki.records import form_services
from wiki.records import services

BAINS = {"type": "Point", "coordinates": [-2.075, 47.716]}  # in Bains-sur-Oust, commune 35013


def bains_outline_as(code, name):
    """Bains-sur-Oust's real boundary, under another code and name (a zone of another level)."""
    (feature,) = [f for f in redon_area_features() if f.properties["code"] == "35013"]
    feature.properties = {"code": code, "nom": name}
    return [feature]


def zones_of(db, record_id):
    rows = db.execute(select(RecordZone.zone_level, RecordZone.zone_code).where(RecordZone.record_id == record_id))
    return sorted(tuple(row) for row in rows)


def place_in_bains(db, actor):
    form = form_services.get_form(db, "lieu")
    place = services.create_record(db, form, {"title": "Moulin de Bains", "localisation": BAINS}, actor=actor,
                                   policy="account", status="published")  # fmt: skip
    db.commit()
    return place.id


def test_zone_import_from_real_communes_of_three_departements(db, zones):
    redon = geo.get_zone(db, "35236")
    assert redon.name == "Redon" and redon.level == "commune" and redon.geometry["type"] in ("Polygon", "MultiPolygon")
    assert redon.min_lon < redon.centre_lon < redon.max_lon and redon.min_lat < redon.centre_lat < redon.max_lat
    again = import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert db.scalar(select(Zone.code).where(Zone.code == "44185")) == "44185"


def test_zone_import_reports_features_without_code(db, moderator):
    features = redon_area_features()[:1]
    features[0].properties = {"nom": "Sans code"}
    result = import_zones(db, features, level="commune", code_field="code", name_field="nom")
    assert result.created == 0 and "manquante" in result.errors[0][1]


def test_zones_import_command_loads_a_departement(runner, db, tmp_path):
    result = runner.invoke(
        args=[
            "zones",
            "import",
            str(BOUNDARIES / "communes-44-loire-atlantique.geojson"),
            "--level",
            "commune",
            "--code-field",
            "code",
            "--name-field",
            "nom",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "créée(s)" in result.output and "0 refusée(s)" in result.output
    assert geo.get_zone(db, "44185").name == "Saint-Nicolas-de-Redon"


def test_zones_import_command_reports_bad_files_and_logs_every_run(runner, db, tmp_path):
    wrong = tmp_path / "wrong.geojson"
    wrong.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"nom": "X"}, "geometry": null}, 3]}'
    )
    result = runner.invoke(args=["zones", "import", str(wrong), "--code-field", "code", "--name-field", "nom"])
    assert (
        result.exit_code == 0
        and "objet 1" in result.output
        and "manquante" in result.output
        and "objet 2" in result.output
    )
    broken = tmp_path / "broken.geojson"
    broken.write_text("<kml/>")
    failed = runner.invoke(args=["zones", "import", str(broken)])
    assert failed.exit_code == 1 and "document KML" in failed.output
    from importers.models import ImportJob

    logged = [(j.importer, j.status, j.source[-14:]) for j in db.scalars(select(ImportJob).order_by(ImportJob.id))]
    assert logged[-2:] == [("zones", "ok", "/wrong.geojson"), ("zones", "refused", "broken.geojson")]


def test_a_canton_import_never_touches_the_commune_of_the_same_code(db, zones, moderator):
    """Issue 14: importing cantons replaced commune 35013 (Bains-sur-Oust) by a zone of the same code."""
    commune = geo.get_zone(db, "35013")
    before = (commune.id, commune.name, commune.geometry, commune.updated_at)
    place = place_in_bains(db, moderator)
    assert zones_of(db, place) == [("commune", "35013")]
    result = import_zones(db, bains_outline_as("35013", "Canton de Redon"), level="canton", code_field="code",
                          name_field="nom")  # fmt: skip
    db.commit()
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 0, 0, [])
    commune = geo.get_zone(db, "35013")
    assert (commune.id, commune.name, commune.geometry, commune.updated_at) == before and commune.level == "commune"
    canton = geo.get_zone(db, "35013", "canton")
    assert canton.name == "Canton de Redon" and canton.id != commune.id
    assert zones_of(db, place) == [("canton", "35013"), ("commune", "35013")]


def test_reimporting_a_level_counts_its_own_zones_only(db, zones):
    features = bains_outline_as("35013", "Canton de Redon")
    import_zones(db, features, level="canton", code_field="code", name_field="nom")
    again = import_zones(db, features, level="canton", code_field="code", name_field="nom")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    renamed = import_zones(db, bains_outline_as("35013", "Canton de Redon-Bains"), level="canton", code_field="code",
                           name_field="nom")  # fmt: skip
    assert (renamed.created, renamed.updated, renamed.unchanged) == (0, 1, 0)
    assert geo.get_zone(db, "35013", "canton").name == "Canton de Redon-Bains"
    assert geo.get_zone(db, "35013").name == "Bains-sur-Oust"
    assert db.scalar(select(func.count()).select_from(Zone).where(Zone.code == "35013")) == 2


def test_codes_that_do_not_fit_the_level_are_refused_one_by_one(db, zones):
    """Canton polygons imported with ``--level epci`` (the issue's mistake) are refused, not merged into communes."""
    result = import_zones(db, bains_outline_as("35013", "Canton de Redon"), level="epci", code_field="code",
                          name_field="nom")  # fmt: skip
    assert result.created == result.updated == 0
    assert result.errors[0][1] == "code « 35013 » invalide au niveau epci : SIREN d'EPCI (9 chiffres) attendu."
    assert geo.get_zone(db, "35013").name == "Bains-sur-Oust"
    free = import_zones(db, bains_outline_as("pnr-oust", "Marais de l'Oust"), level="autre", code_field="code",
                        name_field="nom")  # fmt: skip
    assert free.created == 1 and geo.get_zone(db, "PNR-OUST", "autre").name == "Marais de l'Oust"


def test_zones_import_command_reports_the_level_and_every_count(runner, db, zones, tmp_path):
    path = tmp_path / "cantons.geojson"
    feature = bains_outline_as("35013", "Canton de Redon")[0]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": feature.properties, "geometry": feature.geometry}]}))  # fmt: skip
    args = ["zones", "import", str(path), "--level", "canton"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "Zones de niveau canton : 1 créée(s), 0 mise(s) à jour, 0 inchangée(s), 0 refusée(s)." in first.output
    assert "0 mise(s) à jour, 1 inchangée(s)" in runner.invoke(args=args).output
    assert geo.get_zone(db, "35013").name == "Bains-sur-Oust"


def test_zones_import_reads_a_geopackage_layer_in_lambert_93(runner, db, tmp_path):
    """IGN publishes its boundaries (ADMIN EXPRESS) as a GeoPackage with one layer per level, in Lambert-93."""
    import shapely.geometry

    from tests.importers.test_gpkg import REDON_L93
    from tests.importers.test_gpkg import blob
    from tests.importers.test_gpkg import make_gpkg

    x, y = REDON_L93
    square = shapely.geometry.box(x - 2000, y - 2000, x + 2000, y + 2000)
    path = make_gpkg(
        tmp_path / "admin-express.gpkg",
        {
            "commune": (2154, [({"INSEE_COM": "35236", "NOM": "Redon"}, blob(square, srs_id=2154))]),
            "canton": (2154, [({"INSEE_CAN": "3511", "NOM": "Redon"}, blob(square, srs_id=2154))]),
        },
    )
    args = ["zones", "import", str(path), "--code-field", "INSEE_COM", "--name-field", "NOM"]
    several = runner.invoke(args=args)
    assert several.exit_code == 1 and "2 couches" in several.output and "--layer" in several.output
    loaded = runner.invoke(args=[*args, "--layer", "commune"])
    assert loaded.exit_code == 0, loaded.output
    assert "1 créée(s)" in loaded.output
    redon = geo.get_zone(db, "35236")
    west, south, east, north = shapely.geometry.shape(redon.geometry).bounds
    assert -2.12 < west < -2.08 and 47.63 < south < 47.64  # reprojected to WGS 84, around Redon's town hall


def test_a_file_that_holds_no_polygons_is_refused_with_a_conversion_advice(db):
    from importers.zones import ZonesImporter

    kml = b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>'
    result = ZonesImporter().run(db, kml)
    assert result.error == (
        "Ce fichier est un document KML ; le format choisi, Zones (GeoJSON ou GeoPackage), ne le lit pas : "
        "convertissez-le en GeoJSON ou en GeoPackage (QGIS, ogr2ogr) : des polygones avec un code et un nom."
    )
