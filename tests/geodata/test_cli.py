"""``lieudit zones import`` on a real file of communes."""

from __future__ import annotations

from geodata import services as geo
from tests.geodata.conftest import BOUNDARIES


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


def test_zones_import_command_reports_bad_files(runner, tmp_path):
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
