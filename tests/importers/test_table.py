"""``lieudit import table``: every shared spreadsheet imported into a demo form or refused clearly, idempotency,
dry runs, Table Schemas, control characters, workbooks, and the per-row report."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from importers import get_importer
from importers import importer_class
from importers.table import TableImporter
from importers.table import report_csv
from importers.table_mapping import mapping_to_json
from importers.table_preview import preview_table
from importers.table_read import table_from_bytes
from tests.importers.test_table_sheets import cell
from tests.importers.test_table_sheets import ods
from tests.importers.test_table_sheets import row
from tests.importers.test_table_sheets import xlsx
from tests.shared import DATA
from wiki.records import form_services
from wiki.records.models import Record

CSV_FR = DATA / "csv-fr"
SCHEMAS = DATA / "opendata-fr/schemas"
FIBRE = next((CSV_FR / "data-fair").glob("Fibre*.csv")).relative_to(CSV_FR).as_posix()
COVOITURAGE = {"nom_lieu": "title", "id_local": "@id", "ad_lieu": "adresse", "insee": "commune",
               "Ylat": "localisation.lat", "Xlong": "localisation.lon"}  # fmt: skip
#: Every shared CSV: (form, mapping, created, refused, what the first refusal or the whole refusal says).
SAMPLES = {
    "csv-detective/a_test_file.csv": ("lieu", {"NUMCOM": "@id", "NOMCOM": "title", "GEO_INFO": "localisation"},
                                      397, 7, "ligne 401 : même identifiant que la ligne 150"),
    "csv-detective/dates.csv": ("evenement", {"horodatage_tz": "horaire", "rfc822": "title"}, 10, 0, None),
    "csv-detective/divers.csv": ("structure", {"sexe": "title", "jour_semaine": "@id"}, 10, 0, None),
    "csv-detective/ids_fr.csv": ("structure", None, 0, 0, "aucune colonne ne remplit ces champs obligatoires du "
                                 "formulaire « Structure » : « Nom de la structure » (title)"),
    "csv-detective/irve.csv": ("lieu", {"nom_station": "title", "id_pdc_itinerance": "@id",
                                        "adresse_station": "adresse"}, 100, 0, None),
    "data-fair/2018-08-30_Type_qualificatif.csv": ("lieu", {"type": "title"}, 3, 0, None),
    "data-fair/Antennes du CD22.csv": ("lieu", {"Sites": "title"}, 4, 0, None),
    FIBRE: ("lieu", {"ID_NOEUD": "@id", "NO_VOIE": "title", "ID_INSEE": "commune"}, 732, 0, None),
    "data-fair/dataset-bad-separators.csv": ("lieu", {"prop1": "title"}, 1, 17,
                                             "ligne 3 : même titre (sans colonne identifiant) que la ligne 2"),
    "data-fair/dataset-latin1.csv": ("lieu", {"adr": "title"}, 2, 0, None),
    "data-fair/formatting-issues.csv": ("structure", {"Structure porteuse": "title", "Bénéficiaire": "",
                                                      "B\ufffdn\ufffdficiaire": "@id"}, 2, 10,
                                        "ligne 3 : même identifiant que la ligne 2"),
    "data-fair/jep-2019.csv": ("evenement", None, 34, 1, "ligne 396 : colonne « Horaires ISO » : Ce champ est "
                               "obligatoire."),
    "data-fair/single-quotes.csv": ("lieu", {"COM": "title", "DEPCOM": "@id"}, 4999, 0, None),
    "data-fair/some-quotes.csv": ("lieu", {"Voie": "title"}, 1, 0, None),
    "data-fair/tab-sep.tsv": ("lieu", {"adr": "title", "loc": "localisation"}, 2, 0, None),
    "misc-encodings/test.csvy.UTF8.RFC4180.csvy": ("lieu", {"var1": "title"}, 2, 0, None),
    "rna-associations/rna_sample_import.csv": ("structure", None, 3, 0, None),
    "rna-associations/rna_sample_waldec.csv": ("structure", None, 3, 0, None),
}  # fmt: skip
#: Too many rows to write in every test run: checked whole as the services will, without writing.
CHECKED_ONLY = {FIBRE, "data-fair/single-quotes.csv"}


def records(db, form):
    """The live records of ``form``: {title: {field key: stored value, "_extra": other properties}}."""
    f = form_services.get_form(db, form)
    defs = form_services.form_fields(f)
    rows = db.scalars(select(Record).where(Record.form_id == f.id, Record.deleted_at.is_(None)))
    return {r.title: {d.key: r.data.get(d.id) for d in defs} | {"_extra": r.extra} for r in rows}


def count(db, form):
    form_id = form_services.get_form(db, form).id
    return len(db.scalars(select(Record.id).where(Record.form_id == form_id, Record.deleted_at.is_(None))).all())


def run(db, author, data, form, mapping=None, **options):
    dry_run = options.pop("dry_run", False)
    importer = get_importer("table", mapping=mapping, **options)
    return importer.run(db, data, form=form, author=author, dry_run=dry_run, source="test")


def test_registered_with_its_options():
    assert importer_class("table") is TableImporter and TableImporter.options == {"mapping", "schema"}


def test_every_shared_csv_is_covered():
    found = {p.relative_to(CSV_FR).as_posix() for p in CSV_FR.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert found == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(set(SAMPLES) - CHECKED_ONLY))
def test_every_shared_csv_is_imported_or_refused_clearly(db, author, name):
    form, mapping, created, refused, said = SAMPLES[name]
    result = run(db, author, (CSV_FR / name).read_bytes(), form, mapping)
    db.commit()
    if result.error:
        assert said and said in result.error and created == 0
        assert count(db, form) == 0
        return
    assert (result.created, len(result.errors)) == (created, refused), result.errors[:3]
    assert count(db, form) == created
    if said:
        assert f"{result.errors[0].ref} : {result.errors[0].message}".startswith(said)


@pytest.mark.parametrize("name", sorted(CHECKED_ONLY))
def test_the_large_samples_are_checked_whole_without_writing(db, author, name):
    form, mapping, created, refused, _ = SAMPLES[name]
    shown = preview_table(db, table_from_bytes((CSV_FR / name).read_bytes()), form, mapping)
    assert (shown.accepted, shown.refused_count) == (created, refused)
    assert len(shown.rows) == 20 and all(row.refused is None for row in shown.rows)


def test_values_are_stored_converted(db, author):
    run(db, author, (CSV_FR / "data-fair/jep-2019.csv").read_bytes(), "evenement")
    run(db, author, (CSV_FR / "data-fair/Antennes du CD22.csv").read_bytes(), "lieu", {"Sites": "title"})
    run(db, author, (CSV_FR / "rna-associations/rna_sample_waldec.csv").read_bytes(), "structure")
    run(db, author, (CSV_FR / "data-fair/dataset-latin1.csv").read_bytes(), "lieu", {"adr": "title"})
    db.commit()
    event = records(db, "evenement")["Visite de l'atelier Lola Bastille (vêtements en feutre, soie et imprimés)"]
    assert event["horaire"]["start"] == "2017-09-16T10:00" and event["localisation"]["type"] == "Point"
    assert event["_extra"]["Ville"] == "La Mulatière" and event["site_web"].startswith("https://openagenda.com/")
    place = records(db, "lieu")["Agence Technique Départementale de Dinan"]
    assert place["localisation"] == {"type": "Point", "coordinates": [-2.057803, 48.454903]}
    assert place["commune"] == "22050" and place["telephone"] == "+33296800080"
    association = records(db, "structure")["BLACK OWL"]
    assert association["commune"] == "63113" and association["telephone"] == "+33676561853"
    assert association["description"].startswith('promouvoir la scne indpendante musicale "psychdlique"')
    assert "19 rue de la voie lactée saint avé" in records(db, "lieu")


def test_reimport_updates_instead_of_duplicating_and_dry_runs_write_nothing(db, author):
    data = (CSV_FR / "rna-associations/rna_sample_import.csv").read_bytes()
    dry = run(db, author, data, "structure", dry_run=True)
    db.commit()
    assert dry.created == 3 and count(db, "structure") == 0
    first = run(db, author, data, "structure")
    db.commit()
    again = run(db, author, data, "structure")
    db.commit()
    assert (first.created, again.created, again.unchanged) == (3, 0, 3) and count(db, "structure") == 3
    changed = data.replace(b"HELP MEDIA", b"HELP MEDIA 2")  # same id, new title: the same record, updated
    third = run(db, author, changed, "structure")
    db.commit()
    assert (third.updated, third.unchanged) == (1, 2) and "HELP MEDIA 2" in records(db, "structure")


def test_without_an_identifier_the_title_identifies_the_row(db, author):
    data = (CSV_FR / "data-fair/2018-08-30_Type_qualificatif.csv").read_bytes()
    mapping = {"type": "title", "ID": ""}
    assert run(db, author, data, "lieu", mapping).created == 3
    db.commit()
    again = run(db, author, data.replace(b"2,pr", b"7,pr"), "lieu", mapping)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2) and count(db, "lieu") == 3
    db.commit()
    assert records(db, "lieu")["précaire"]["_extra"] == {"ID": "7"}  # an unmapped column: another property


def test_a_table_schema_refuses_the_rows_that_break_it(db, author):
    invalid = (SCHEMAS / "lieux-covoiturage/exemple-invalide.csv").read_bytes()
    schema = SCHEMAS / "lieux-covoiturage/schema.json"
    result = run(db, author, invalid, "lieu", COVOITURAGE, schema=str(schema))
    assert result.created == 1 and [(e.ref, e.message) for e in result.errors] == [
        ("ligne 3", "colonne « date_maj » : « 24-06-2019 » n'est pas au format AAAA-MM-JJ (schéma)")
    ]
    db.rollback()
    without = run(db, author, invalid, "lieu", COVOITURAGE)
    assert without.created == 2 and any("inversées" in w for w in without.warnings)  # swapped Xlong and Ylat
    db.rollback()
    for name, schema_name, mapping in (
        ("lieux-covoiturage/exemple-valide.csv", "lieux-covoiturage/schema.json", COVOITURAGE),
        ("irve/exemple-valide-statique.csv", "irve/schema-statique.json", {"nom_station": "title",
                                                                          "id_pdc_itinerance": "@id"}),
        ("irve/exemple-valide-dynamique.csv", "irve/schema-dynamique.json", {"id_pdc_itinerance": "title"}),
    ):  # fmt: skip
        valid = run(db, author, (SCHEMAS / name).read_bytes(), "lieu", mapping, schema=SCHEMAS / schema_name)
        assert valid.errors == [] and valid.created >= 1, name
        db.rollback()
    lacking = run(db, author, (CSV_FR / "data-fair/tab-sep.tsv").read_bytes(), "lieu", {"adr": "title"},
                  schema=str(schema))  # fmt: skip
    assert lacking.error.startswith("colonnes exigées par le schéma absentes : id_local")


def test_control_characters_are_reported_by_line_and_column_never_removed(db, author):
    data = (CSV_FR / "data-fair/Antennes du CD22.csv").read_bytes().replace(b"Guingamp,", b"Guin\x00gamp,", 1)
    result = run(db, author, data.replace(b"Lannion", b"Lan\x1bnion", 1), "lieu", {"Sites": "title"})
    assert result.created == 2 and [(e.ref, e.message) for e in result.errors] == [
        ("ligne 3", "colonne « Sites » : caractère de contrôle U+0000 (NUL) en position 40 : corrigez la cellule, il "
                    "n'est pas supprimé en silence."),
        ("ligne 5", "colonne « Sites » : caractère de contrôle U+001B (ESC) en position 39 : corrigez la cellule, il "
                    "n'est pas supprimé en silence."),
    ]  # fmt: skip


def test_communes_by_name_once_zones_are_loaded(db, author, zones):
    data = "Nom;Ville;Public\nMédiathèque;Redon;Jeunes, Seniors\nL’Atelier;Saint-Nicolas-de-Redon;élus\n"
    result = run(db, author, data.encode("cp1252"), "evenement", {"Nom": "title"})
    assert result.error.startswith("aucune colonne ne remplit ces champs obligatoires")
    data = data.replace("Nom;", "Nom;Quand;").replace("thèque;", "thèque;15/06/2026 14h;")
    data = data.replace("Atelier;", "Atelier;du 1er au 3 mai 2026;") + "Le Port;bientôt;Redon;\n"
    result = run(db, author, data.encode("cp1252"), "evenement", {"Nom": "title", "Quand": "horaire"})
    assert result.created == 2 and result.errors[0].message.startswith("colonne « Quand » : Horaire illisible")
    assert any("Windows-1252" in w for w in result.warnings)
    db.commit()
    assert records(db, "evenement")["Médiathèque"]["commune"] == "35236"
    assert records(db, "evenement")["Médiathèque"]["public"] == ["jeunes", "seniors"]
    assert records(db, "evenement")["L’Atelier"]["horaire"]["end"] == "2026-05-03"
    assert records(db, "evenement")["L’Atelier"]["commune"] == "44185"


def test_workbooks_are_imported_like_csv(db, author):
    source = table_from_bytes((CSV_FR / "data-fair/Antennes du CD22.csv").read_bytes())
    rows = [source.header] + [line.cells for line in source.rows()]
    result = run(db, author, xlsx(rows), "lieu", {"Sites": "title"})
    assert result.created == 4 and result.errors == []
    db.rollback()
    sheet = ods("".join(row(*(cell(value) for value in values)) for values in rows))
    result = run(db, author, sheet, "lieu", {"Sites": "title"})
    assert result.created == 4 and result.errors == [] and result.warnings[0].startswith("le classeur a 2 feuilles")


def test_whole_refusals_say_why(db, author):
    data = (CSV_FR / "data-fair/tab-sep.tsv").read_bytes()
    assert run(db, author, data, None).error.startswith("indiquez le formulaire de destination (--form), parmi :")
    assert run(db, author, data, "nulle-part").error == "formulaire inconnu : nulle-part."
    assert "n'est pas un champ du formulaire" in run(db, author, data, "lieu", {"adr": "prix"}).error
    assert run(db, author, b"%PDF-1.4", "lieu").error == (
        "Ce fichier est un document PDF ; le format choisi, Tableur (CSV, XLSX, ODS), ne le lit pas : "
        "Lieudit n'importe pas ce genre de fichier."
    )
    assert "paquet de données" in run(db, author, data, "lieu", schema=SCHEMAS / "irve/datapackage.json").error


def test_the_per_row_report_as_csv(db, author):
    data = (CSV_FR / "data-fair/Antennes du CD22.csv").read_bytes().replace(b"Guingamp,", b"Guin\x00gamp,", 1)
    data = data.replace(b"48.563478,-3.157236", b"91,-3.157236")
    result = run(db, author, data, "lieu", {"Sites": "title"})
    lines = list(csv.reader(io.StringIO(report_csv(result).lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == ["ligne", "colonne", "statut", "raison"]
    assert lines[1][:3] == ["3", "Sites", "refusé"] and lines[1][3].startswith("caractère de contrôle U+0000")
    assert lines[2][:3] == ["3", "lat", "refusé"] and lines[2][3].startswith("Coordonnées impossibles")
    assert lines[-1][:3] == ["", "", "attention"] and lines[-1][3].startswith("colonnes sans champ")
    refused = report_csv(run(db, author, b"", "lieu"))
    assert refused.splitlines()[1] == ";;import refusé;fichier vide."


def test_the_command_line_with_a_saved_mapping_a_schema_and_a_dry_run(runner, db, author, tmp_path):
    antennes = CSV_FR / "data-fair/Antennes du CD22.csv"
    saved = tmp_path / "correspondance.json"
    saved.write_text(mapping_to_json({"Sites": "title", "fax": ""}, "lieu"), encoding="utf-8")
    dry = runner.invoke(args=["import", "table", str(antennes), "--form", "lieu", "--mapping", str(saved), "--dry-run"])
    assert dry.exit_code == 0 and "4 créé(s)" in dry.output and count(db, "lieu") == 0
    db.rollback()  # no read transaction left open: the next import writes
    done = runner.invoke(args=["import", "csv", str(antennes), "--form", "lieu", "--champ", "Sites=title"])
    assert done.exit_code == 0 and "4 créé(s)" in done.output
    db.rollback()
    assert count(db, "lieu") == 4
    db.rollback()
    invalid = SCHEMAS / "lieux-covoiturage/exemple-invalide.csv"
    pairs = [arg for column, target in COVOITURAGE.items() for arg in ("--champ", f"{column}={target}")]
    checked = runner.invoke(args=["import", "table", str(invalid), "--form", "lieu", *pairs,
                                  "--schema", str(SCHEMAS / "lieux-covoiturage/schema.json")])  # fmt: skip
    assert checked.exit_code == 0 and "1 créé(s)" in checked.output and "1 refusé(s)" in checked.output
    assert "ligne 3 : colonne « date_maj »" in checked.output
    refused = runner.invoke(args=["import", "table", str(antennes)])
    assert refused.exit_code == 1 and "indiquez le formulaire de destination (--form)" in refused.output
