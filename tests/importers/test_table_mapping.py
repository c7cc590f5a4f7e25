"""Column-to-field mappings: proposed from real headers, overridden, saved as JSON, and rows read through them."""

from __future__ import annotations

import pytest

from importers.table_mapping import ID
from importers.table_mapping import MappingError
from importers.table_mapping import RowReader
from importers.table_mapping import default_mapping
from importers.table_mapping import mapping_from_json
from importers.table_mapping import mapping_to_json
from importers.table_mapping import missing_required
from importers.table_mapping import prune_mapping
from importers.table_mapping import resolve_mapping
from importers.table_mapping import targets
from importers.table_read import table_from_bytes
from importers.table_rows import Row
from importers.table_values import Lookups
from tests.importers.test_table_values import CHOICES
from tests.importers.test_table_values import LOOKUPS
from tests.shared import DATA
from wiki.records.builtin import FORMS
from wiki.records.builtin import THEMES
from wiki.records.fields import Context
from wiki.records.fields import fold
from wiki.records.schema import validate_schema

CSV_FR = DATA / "csv-fr"
DEFS = {form["key"]: validate_schema(form["fields"]) for form in FORMS}
CTX = Context(
    choice_lists={name: list(values.values()) for name, values in CHOICES.items()},
    theme_keys=frozenset(k for k, _, _ in THEMES),
    theme_lookup={fold(name): k for k, label, synonyms in THEMES for name in (k, label, *synonyms)},
)


def table(name):
    return table_from_bytes((CSV_FR / name).read_bytes())


def test_proposed_mappings_of_real_headers():
    jep = table("data-fair/jep-2019.csv")
    assert default_mapping(jep.header, DEFS["evenement"], "title") == {
        "Identifiant": ID,
        "Titre - FR": "title",
        "Description - FR": "description",
        "Horaires ISO": "horaire",
        "Adresse": "adresse",
        "Ville": "commune",
        "Latitude": "localisation.lat",
        "Longitude": "localisation.lon",
        "Lien": "site_web",
    }
    rna = table("rna-associations/rna_sample_waldec.csv")
    assert default_mapping(rna.header, DEFS["structure"], "title") == {
        "id": ID, "titre": "title", "objet": "description", "adrs_codeinsee": "commune", "siteweb": "site_web",
        "email": "email", "telephone": "telephone"}  # fmt: skip
    antennes = table("data-fair/Antennes du CD22.csv")
    assert default_mapping(antennes.header, DEFS["lieu"], "title") == {
        "adresse": "adresse", "cdinseecommune": "commune", "tel": "telephone", "lat": "localisation.lat",
        "lon": "localisation.lon"}  # fmt: skip
    irve = table("csv-detective/irve.csv")
    assert default_mapping(irve.header, DEFS["lieu"], "title")["coordonneesXY"] == "localisation"


def test_a_given_mapping_overrides_column_by_column():
    header = table("data-fair/Antennes du CD22.csv").header
    mapping, errors, warnings = resolve_mapping(header, DEFS["lieu"], "title",
                                                {"Sites": "title", "SITES ": "title", "ville": "commune",
                                                 "cdinseecommune": "", "Fax": "", "absente": "description"})  # fmt: skip
    assert errors == [] and warnings == ["colonne « absente » de la correspondance absente du fichier."]
    assert mapping == {"Sites": "title", "adresse": "adresse", "ville": "commune", "tel": "telephone",
                       "lat": "localisation.lat", "lon": "localisation.lon"}  # fmt: skip


def test_impossible_mappings_are_errors():
    header = ["Nom", "Lieu", "Latitude", "Longitude", "Autre"]
    _, errors, _ = resolve_mapping(header, DEFS["lieu"], "title", {"Autre": "prix", "Lieu": "localisation"})
    assert errors == [
        "colonne « Autre » : « prix » n'est pas un champ du formulaire.",
        "« localisation » : une colonne le remplit entier, une autre en partie ; choisissez.",
    ]
    _, errors, _ = resolve_mapping(header, DEFS["lieu"], "title", {"Autre": "title"})
    assert errors == [] and resolve_mapping(header, DEFS["lieu"], "title", {"Autre": "title"})[0]["Autre"] == "title"
    _, errors, _ = resolve_mapping(header, DEFS["lieu"], "title", {"Autre": "title", "Lieu": "title"})
    assert errors == ["colonnes « Autre » et « Lieu » : toutes deux vers « title »."]


def test_targets_and_required_fields():
    every = targets(DEFS["evenement"])
    assert every[ID].startswith("Identifiant") and every["horaire.debut"] == "Date et horaire (début)"
    assert every["localisation.lat"] == "Point sur la carte (latitude)"
    assert [d.key for d in missing_required({"Nom": "title"}, DEFS["evenement"])] == ["horaire"]
    assert missing_required({"Nom": "title", "Début": "horaire.debut"}, DEFS["evenement"]) == []


def test_mappings_are_saved_and_read_back_as_json():
    saved = mapping_to_json({"Nom": "title", "Fax": ""}, "lieu")
    assert '"formulaire": "lieu"' in saved and mapping_from_json(saved) == {"Nom": "title", "Fax": ""}
    assert mapping_from_json('{"Nom": "title", "Fax": null}') == {"Nom": "title", "Fax": ""}
    for text in ("[1, 2]", "{pas du json", '{"Nom": 3}'):
        with pytest.raises(MappingError, match="correspondance illisible"):
            mapping_from_json(text)


def test_a_proposed_column_none_of_whose_values_fit_is_dropped_and_said():
    rna = table("rna-associations/rna_sample_import.csv")
    proposed = {"titre": "title", "position": "localisation", "adrs_codeinsee": "commune"}
    sample = list(rna.rows())
    kept, warnings = prune_mapping(proposed, (), rna.header, sample, DEFS["lieu"], LOOKUPS, CTX)
    assert kept == {"titre": "title", "adrs_codeinsee": "commune"}
    assert warnings[0].startswith("colonne « position » non versée dans « Localisation sur la carte »")
    assert prune_mapping(proposed, ("position",), rna.header, sample, DEFS["lieu"], LOOKUPS, CTX)[0] == proposed


def test_rows_read_through_a_mapping_as_they_will_be_stored():
    jep = table("data-fair/jep-2019.csv")
    mapping = default_mapping(jep.header, DEFS["evenement"], "title")
    mapping.pop("Ville")
    reader = RowReader(jep.header, mapping, DEFS["evenement"], Lookups(), CTX)
    first = reader.read(next(jep.rows()))
    assert first.problems == [] and first.remote == "17389685" and first.line == 2
    assert first.stored["title"].startswith("Visite de l'atelier Lola Bastille")
    assert first.stored["horaire"] == {"start": "2017-09-16T10:00", "end": "2017-09-16T11:00", "all_day": False,
                                       "timezone": "Europe/Paris"}  # fmt: skip
    assert first.stored["localisation"] == {"type": "Point", "coordinates": [4.809711, 45.741043]}
    assert first.extra["Ville"] == "La Mulatière" and "Ville" not in first.values
    last = reader.read(list(jep.rows())[-1])
    assert last.message() == "colonne « Horaires ISO » : Ce champ est obligatoire."


def test_row_problems_by_column():
    header = ["Nom", "Public", "Latitude", "Longitude", "Gratuit"]
    mapping = {"Nom": "title", "Public": "public", "Latitude": "localisation.lat", "Longitude": "localisation.lon",
               "Gratuit": "gratuit"}  # fmt: skip
    reader = RowReader(header, mapping, DEFS["evenement"], LOOKUPS, CTX)
    bad = reader.read(Row(7, ["Le\x00Forum", "Martiens", "47,65", "", "peut-être"]))
    assert bad.message() == (
        "colonne « Nom » : caractère de contrôle U+0000 (NUL) en position 3 : corrigez la cellule, il n'est pas "
        "supprimé en silence. ; colonne « Public » : Choix inconnu : « Martiens ». ; colonne « Gratuit » : Valeur "
        "illisible : « oui » ou « non » attendu (ou « x » pour coché, vide pour non coché). ; colonne « Latitude » : "
        "latitude ou longitude manquante."
    )
    wide = reader.read(Row(8, ["Forum", "", "", "", "", "en trop"]))
    assert wide.message() == "6 cellules pour 5 colonnes : séparateur ou guillemet en trop dans la ligne ?"
    good = reader.read(Row(9, ["Forum", "Jeunes; Élus", "47,65", "-2,08", "x", ""]))
    assert good.problems == [] and good.stored["public"] == ["jeunes", "elus"] and good.stored["gratuit"] is True
