"""``lieudit import FORMAT SOURCE``: any registered importer, from a file, in one transaction."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func
from sqlalchemy import select

from importers import available
from importers.models import ImportJob
from tests.importers.test_ics import SINGLE
from tests.importers.test_ics import WEEKLY
from tests.importers.test_ics import ics
from tests.importers.test_table import CSV_FR
from tests.support.statements import statements_with
from wiki.db import Database
from wiki.records.models import Record
from wiki.search import get_backend
from wiki.search import indexer
from wiki.search import outbox


def test_command_line_import(app, runner, db, author, tmp_path):
    path = tmp_path / "agenda.ics"
    path.write_bytes(ics(WEEKLY, SINGLE))
    result = runner.invoke(args=["import", "ics", str(path), "--form", "evenement"])
    assert result.exit_code == 0, result.output
    assert "2 créé(s)" in result.output


def test_an_import_is_searchable_when_the_command_returns_indexed_once_at_its_end(make_app, author):
    """The import is one bulk write: its commits wake no indexing, the outbox is applied once before it returns."""
    app = make_app(SEARCH_INDEX_IN_BACKGROUND=True, IMPORT_COMMIT_EVERY=1)  # a commit per row
    engine = Database.engine(app)
    antennes = CSV_FR / "data-fair/Antennes du CD22.csv"
    with Database.new_session(app) as db:
        before = db.scalar(select(func.max(Record.id))) or 0
    with statements_with(engine, "DELETE FROM search_outbox") as drains:
        result = app.test_cli_runner().invoke(
            args=["import", "csv", str(antennes), "--form", "lieu", "--champ", "Sites=title"]
        )
    assert result.exit_code == 0 and "4 créé(s)" in result.output
    assert "Index de recherche : 4 modifications appliquées." in result.output
    assert outbox.pending(engine) == 0 and len(drains) == 1  # not in the background after each commit
    with Database.new_session(app) as db:
        imported = {f"record:{key}" for key in db.scalars(select(Record.id).where(Record.id > before))}
    assert len(imported) == 4 and imported <= get_backend(app).all_ids()
    indexer.unregister(engine)


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
    assert (
        result.exit_code == 1
        and "Import refusé : Ce fichier est un document GPX ; le format choisi, KML" in result.output
    )


def _geojson(tmp_path, **properties):
    feature = {"type": "Feature", "id": "a1", "properties": {"name": "Halle de Redon", **properties},
               "geometry": {"type": "Point", "coordinates": [-2.085, 47.652]}}  # fmt: skip
    path = tmp_path / "lieux.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    return path


def test_every_run_is_logged_with_its_report_refused_and_dry_runs_included(app, runner, db, author, tmp_path):
    good = tmp_path / "agenda.ics"
    good.write_bytes(ics(WEEKLY, SINGLE))
    bad = tmp_path / "carte.kml"
    bad.write_bytes(b"<gpx/>")
    assert runner.invoke(args=["import", "ics", str(good), "--dry-run"]).exit_code == 0
    assert runner.invoke(args=["import", "kml", str(bad)]).exit_code == 1
    assert runner.invoke(args=["import", "ics", str(good)]).exit_code == 0
    db.expire_all()
    logged = list(db.scalars(select(ImportJob).order_by(ImportJob.id)))
    assert [(j.importer, j.status, j.origin, j.created) for j in logged] == [
        ("ics", "dry-run", "cli", 2),
        ("kml", "refused", "cli", 0),
        ("ics", "ok", "cli", 2),
    ]
    assert logged[1].report["error"].startswith("Ce fichier est un document GPX") and logged[1].source == str(bad)
    assert db.scalar(select(func.count()).select_from(Record)) == 2  # the refused and dry runs wrote nothing else


def test_mapping_from_champ_and_a_saved_file_and_options_each_importer_takes(app, runner, db, author, tmp_path):
    path = _geojson(tmp_path, resume="Marché couvert", horaires="sam. matin")
    saved = tmp_path / "correspondance.json"
    saved.write_text(json.dumps({"champs": {"resume": "description"}}), encoding="utf-8")
    result = runner.invoke(args=["import", "geojson", str(path), "--mapping", str(saved), "--champ", "name=title"])
    assert result.exit_code == 0, result.output
    record = db.scalars(select(Record)).one()
    assert record.title == "Halle de Redon" and "Marché couvert" in record.data.values()
    for args, message in [
        (["--champ", "name"], "écrivez propriété=champ"),
        (["--layer", "communes"], "--layer ne s'applique pas au format geojson"),
        (["--mapping", str(tmp_path / "absent.json")], "Correspondance illisible"),
    ]:
        refused = runner.invoke(args=["import", "geojson", str(path), *args])
        assert refused.exit_code == 1 and message in refused.output
    assert runner.invoke(args=["import", "ics", str(path), "--champ", "a=b"]).exit_code == 1


def test_the_report_is_written_as_csv_for_a_spreadsheet(app, runner, db, author, tmp_path):
    path = tmp_path / "agenda.ics"
    path.write_bytes(ics(WEEKLY, "UID:sans-date@test\r\nSUMMARY:Sans date"))
    report = tmp_path / "rapport.csv"
    result = runner.invoke(args=["import", "ics", str(path), "--rapport", str(report)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == ["élément", "statut", "message"]
    assert any(row[1] == "refusé" and row[2] for row in rows[1:]), rows


def test_the_contract_names_csv_for_spreadsheets():
    from importers import resolve_name

    assert resolve_name("csv") == resolve_name("CSV") == "table" and resolve_name("ods") == "table"
    assert resolve_name("geojson") == "geojson" and resolve_name("dbase") == "dbase"
