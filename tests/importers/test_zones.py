"""Zones from GeoJSON: the importer on real communes, and ``lieudit zones import``."""

from __future__ import annotations

from sqlalchemy import select

from geodata import zones as geo
from geodata.models import Zone
from importers.zones import import_zones
from tests.geodata.conftest import BOUNDARIES
from tests.geodata.conftest import redon_area_features


def test_zone_import_from_real_communes_of_three_departements(db, zones):
    redon = geo.get_zone(db, "35236")
    assert redon.name == "Redon" and redon.level == "commune" and redon.geometry["type"] in ("Polygon", "MultiPolygon")
    assert redon.min_lon < redon.centre_lon < redon.max_lon and redon.min_lat < redon.centre_lat < redon.max_lat
    again = import_zones(db, redon_area_features(), level="commune", code_field="code", name_field="nom")
    assert (again.created, again.updated) == (0, 5)
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
    assert failed.exit_code == 1 and "JSON illisible" in failed.output
    from importers.models import ImportJob

    logged = [(j.importer, j.status, j.source[-14:]) for j in db.scalars(select(ImportJob).order_by(ImportJob.id))]
    assert logged[-2:] == [("zones", "ok", "/wrong.geojson"), ("zones", "refused", "broken.geojson")]
