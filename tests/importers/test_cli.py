"""``lieudit import FORMAT SOURCE``: any registered importer, from a file, in one transaction."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from importers import available
from tests.importers.test_ics import SINGLE
from tests.importers.test_ics import WEEKLY
from tests.importers.test_ics import ics
from wiki.records.models import Record


def test_command_line_import(app, runner, db, author, tmp_path):
    path = tmp_path / "agenda.ics"
    path.write_bytes(ics(WEEKLY, SINGLE))
    result = runner.invoke(args=["import", "ics", str(path), "--form", "evenement"])
    assert result.exit_code == 0, result.output
    assert "2 créé(s)" in result.output


def test_a_dry_run_prints_what_would_happen_and_writes_nothing(app, runner, db, author, tmp_path):
    path = tmp_path / "agenda.ics"
    path.write_bytes(ics(WEEKLY, SINGLE))
    result = runner.invoke(args=["import", "ics", str(path), "--dry-run"])
    assert result.exit_code == 0 and "2 créé(s)" in result.output and "seraient" in result.output
    assert db.scalar(select(func.count()).select_from(Record)) == 0


def test_unknown_formats_and_missing_files_are_refused_clearly(app, runner, tmp_path):
    unknown = runner.invoke(args=["import", "dbase", str(tmp_path)])
    assert unknown.exit_code == 1 and "Format inconnu : dbase" in unknown.output
    assert all(name in unknown.output for name in available())
    missing = runner.invoke(args=["import", "geojson", str(tmp_path / "absent.geojson")])
    assert missing.exit_code == 1 and "Fichier introuvable" in missing.output


def test_a_refused_source_exits_with_an_error(app, runner, db, author, tmp_path):
    path = tmp_path / "carte.kml"
    path.write_bytes(b"<gpx/>")
    result = runner.invoke(args=["import", "kml", str(path)])
    assert result.exit_code == 1 and "Import refusé : KML invalide" in result.output
