"""Table Schema validation against the schemas of schema.data.gouv.fr and their valid and invalid examples."""

from __future__ import annotations

import json

import pytest

from importers.table_read import table_from_bytes
from importers.table_schema import TableSchemaError
from importers.table_schema import load_schema
from tests.shared import DATA

SCHEMAS = DATA / "opendata-fr/schemas"
COVOITURAGE = SCHEMAS / "lieux-covoiturage/schema.json"
IRVE = SCHEMAS / "irve/schema-statique.json"


def problems(csv_path, schema_path):
    """Every row's refusals: {line: [(column, reason)]}, and the header's (errors, warnings)."""
    table = table_from_bytes(csv_path.read_bytes())
    schema = load_schema(schema_path)
    found = {row.line: schema.check_row(table.header, row.cells, row.line) for row in table.rows()}
    return {line: found for line, found in found.items() if found}, schema.check_header(table.header)


@pytest.mark.parametrize(
    ("csv_name", "schema_name"),
    [("lieux-covoiturage/exemple-valide.csv", "lieux-covoiturage/schema.json"),
     ("irve/exemple-valide-statique.csv", "irve/schema-statique.json"),
     ("irve/exemple-valide-dynamique.csv", "irve/schema-dynamique.json")],
)  # fmt: skip
def test_the_valid_examples_are_valid(csv_name, schema_name):
    found, (errors, _) = problems(SCHEMAS / csv_name, SCHEMAS / schema_name)
    assert found == {} and errors == []


def test_the_invalid_example_is_reported_by_line_and_column():
    found, (errors, warnings) = problems(SCHEMAS / "lieux-covoiturage/exemple-invalide.csv", COVOITURAGE)
    assert found == {3: [("date_maj", "« 24-06-2019 » n'est pas au format AAAA-MM-JJ (schéma)")]}
    assert errors == [] and warnings == ["schéma : « custom_checks » non vérifié."]


def test_real_irve_data_against_the_irve_schema():
    found, (errors, warnings) = problems(DATA / "csv-fr/csv-detective/irve.csv", IRVE)
    assert found == {} and errors == []
    assert warnings[0].startswith("colonnes inconnues du schéma : last_modified, datagouv_dataset_id")


def test_a_file_lacking_required_columns_is_refused_by_its_header():
    found, (errors, _) = problems(DATA / "csv-fr/data-fair/tab-sep.tsv", COVOITURAGE)
    assert errors[0].startswith("colonnes exigées par le schéma absentes : id_local, nom_lieu, insee, type")


def test_every_constraint_gives_a_french_reason():
    schema = load_schema(
        {
            "fields": [
                {"name": "code", "constraints": {"required": True, "pattern": "^\\d{5}$", "unique": True}},
                {"name": "type", "constraints": {"enum": ["Parking", "Aire"]}},
                {"name": "places", "type": "integer", "constraints": {"minimum": 0, "maximum": 500}},
                {"name": "montant", "type": "number", "decimalChar": ",", "groupChar": " "},
                {"name": "ouvert", "type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]},
                {"name": "point", "type": "geopoint"},
                {"name": "courriel", "format": "email", "constraints": {"maxLength": 30}},
                {"name": "jour", "type": "date", "format": "%d/%m/%Y"},
            ],
            "missingValues": ["", "NA"],
        }
    )
    header = ["code", "type", "places", "montant", "ouvert", "point", "courriel", "jour"]
    good = ["35236", "Parking", "12", "1 234,5", "oui", "-2.08, 47.65", "a@b.fr", "02/05/2026"]
    assert schema.check_row(header, good, 2) == []
    bad = ["3523", "Gare", "-1", "douze", "peut-être", "ici", "pas un courriel", "2026-05-02"]
    reasons = dict(schema.check_row(header, bad, 3))
    assert reasons == {
        "code": "« 3523 » ne suit pas le motif attendu « ^\\d{5}$ » (schéma)",
        "type": "« Gare » n'est pas une valeur permise (« Parking », « Aire ») (schéma)",
        "places": "« -1 » : au moins 0 attendu (schéma)",
        "montant": "« douze » : un nombre attendu (schéma)",
        "ouvert": "« peut-être » : vrai ou faux attendu (schéma)",
        "point": "« ici » : un point « longitude, latitude » attendu (schéma)",
        "courriel": "« pas un courriel » n'est pas une adresse e-mail (schéma)",
        "jour": "« 2026-05-02 » n'est pas au format JJ/MM/AAAA (schéma)",
    }
    assert dict(schema.check_row(header, ["NA", *good[1:]], 4)) == {"code": "valeur obligatoire manquante (schéma)"}
    assert dict(schema.check_row(header, good, 5)) == {
        "code": "« 35236 » déjà vu ligne 2 (valeur unique attendue) (schéma)"
    }


def test_schemas_are_read_from_paths_text_or_dicts_and_refused_clearly():
    assert load_schema(str(COVOITURAGE)).title == "Lieux de covoiturage"
    assert len(load_schema(COVOITURAGE.read_text(encoding="utf-8")).fields) == 18
    assert load_schema(json.loads(IRVE.read_text(encoding="utf-8"))).title == "IRVE statique"
    for source, message in (
        (SCHEMAS / "irve/datapackage.json", "paquet de données"),
        (SCHEMAS / "nulle-part.json", "schéma introuvable"),
        ("{pas du json", "JSON invalide"),
        ({"fields": []}, "« fields »"),
        ({"fields": [{"type": "string"}]}, "un nom"),
    ):
        with pytest.raises(TableSchemaError, match=message):
            load_schema(source)
