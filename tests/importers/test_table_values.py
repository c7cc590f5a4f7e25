"""French cell values to field values: numbers, yes/no, points, choices, zones, control characters."""

from __future__ import annotations

import pytest

from importers.features import Feature
from importers.geojson import features_from_geojson
from importers.table_read import table_from_bytes
from importers.table_values import Lookups
from importers.table_values import control_message
from importers.table_values import convert
from importers.table_values import key
from importers.table_values import match_choices
from importers.table_values import parse_french_number
from importers.table_values import parse_point
from importers.table_values import parse_yes_no
from importers.table_values import split_values
from tests.shared import DATA
from wiki.records.builtin import CHOICE_LISTS
from wiki.records.builtin import FORMS
from wiki.records.fields import FieldError
from wiki.records.schema import validate_schema

CSV_FR = DATA / "csv-fr"
DEFS = {form["key"]: {d.key: d for d in validate_schema(form["fields"])} for form in FORMS}
CHOICES = {name: {key(v): item["value"] for item in items for v in item.values()} for name, _, items in CHOICE_LISTS}


def _communes() -> dict[str, list[str]]:
    """Commune codes by name, from the real boundary files of three départements."""
    names: dict[str, list[str]] = {}
    for name in ("communes-35-ille-et-vilaine", "communes-44-loire-atlantique", "communes-56-morbihan"):
        layer = features_from_geojson((DATA / "geodata/admin-boundaries" / f"{name}.geojson").read_bytes())
        feature: Feature
        for feature in layer.features:
            names.setdefault(key(feature.properties["nom"]), []).append(feature.properties["code"])
    return names


COMMUNES = _communes()
LOOKUPS = Lookups({"public": CHOICES["public_cible"], "type_lieu": CHOICES["type_lieu"]},
                  lambda level: COMMUNES if level == "commune" else {})  # fmt: skip


def rows(name):
    table = table_from_bytes((CSV_FR / name).read_bytes())
    return table.header, [row.cells for row in table.rows()]


@pytest.mark.parametrize(
    ("text", "number"),
    [("12,5", 12.5), ("1 234,5", 1234.5), ("1\u202f234,56", 1234.56), ("1\xa0234", 1234), ("1.234.567", 1234567),
     ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("-3", -3), ("−2,5", -2.5), ("0,0", 0)],
)  # fmt: skip
def test_french_numbers(text, number):
    assert parse_french_number(text) == number


def test_numbers_of_the_formatting_issues_sample_and_units():
    header, cells = rows("data-fair/formatting-issues.csv")
    volumes = [parse_french_number(row[2]) for row in cells]
    assert volumes[:3] == [97.4, 66.51, 69.557] and parse_french_number(cells[0][5]) == 1947.4
    assert parse_french_number("120 €", "€") == 120
    with pytest.raises(FieldError):
        parse_french_number("15%")


@pytest.mark.parametrize("text", ["oui", "Oui", "x", "X", "vrai", "true", "1", "✓", "coché", "O"])
def test_ticked(text):
    assert parse_yes_no(text) is True


@pytest.mark.parametrize("text", ["non", "NON", "", " ", "faux", "false", "0", "n"])
def test_unticked(text):
    assert parse_yes_no(text) is False


def test_yes_no_of_the_irve_sample_and_nonsense():
    header, cells = rows("csv-detective/irve.csv")
    assert {parse_yes_no(row[header.index("gratuit")]) for row in cells} <= {True, False}
    with pytest.raises(FieldError, match="« oui » ou « non »"):
        parse_yes_no("peut-être")


def test_points_in_every_notation_of_the_samples():
    header, cells = rows("data-fair/tab-sep.tsv")
    assert parse_point(cells[0][3]) == ({"type": "Point", "coordinates": [-2.748526, 47.687375]}, [])
    header, cells = rows("csv-detective/irve.csv")
    assert parse_point(cells[0][header.index("coordonneesXY")])[0]["coordinates"] == [7.762694, 48.825613]
    fibre = next((CSV_FR / "data-fair").glob("Fibre*.csv")).name
    header, cells = rows(f"data-fair/{fibre}")
    assert parse_point(cells[0][header.index("geometry")])[0]["coordinates"] == [-3.298212707607814, 48.62452996083914]
    assert parse_point("48,65 ; -2,01")[0]["coordinates"] == [-2.01, 48.65]
    assert parse_point("POINT(-2.01 48.65)")[0]["coordinates"] == [-2.01, 48.65]


def test_swapped_coordinates_are_warned_and_impossible_ones_refused():
    header, cells = rows("../opendata-fr/schemas/lieux-covoiturage/exemple-invalide.csv")
    swapped = cells[1]  # Ylat and Xlong swapped in the invalid example
    value, warnings = parse_point(f"{swapped[header.index('Ylat')]}, {swapped[header.index('Xlong')]}")
    assert value["coordinates"] == [49.921921, 1.065656] and "inversées" in warnings[0]
    for text in ("91, 2", "48.1", "quelque part", "[1]", "{pas du json"):
        with pytest.raises(FieldError):
            parse_point(text)


def test_multiple_values_split_on_the_strongest_separator():
    header, cells = rows("data-fair/jep-2019.csv")
    access = cells[0][header.index("Accessibilité - FR")]
    assert split_values(access)[0][:2] == ["handicap moteur", "handicap auditif"]
    assert split_values("a, b; c") == (["a, b", "c"], ";")
    assert split_values("a\nb, c") == (["a", "b, c"], "\n")
    assert split_values("  ") == ([], "")


def test_choices_by_label_or_value_whatever_the_accents_and_separators():
    publics = CHOICES["public_cible"]
    assert match_choices("Jeunes, SENIORS", publics, many=True) == ["jeunes", "seniors"]
    assert match_choices("Élus | nouveaux arrivants", publics, many=True) == ["elus", "nouveaux_arrivants"]
    porteurs = CHOICES["type_porteur"]
    assert match_choices("Coopérative (SCIC, SCOP), Association", porteurs, many=True) == ["cooperative", "association"]
    assert match_choices("tiers lieu", CHOICES["type_lieu"], many=False) == ["tiers_lieu"]
    with pytest.raises(FieldError, match="Choix inconnus : « Martiens », « Vénusiens »"):
        match_choices("Jeunes, Martiens, Vénusiens", publics, many=True)


def test_communes_by_code_name_or_hint():
    commune = DEFS["lieu"]["commune"]
    assert convert(commune, "35236", LOOKUPS) == ("35236", [])
    assert convert(commune, "Redon", LOOKUPS) == ("35236", [])
    assert convert(commune, "SAINT-NICOLAS-DE-REDON", LOOKUPS) == ("44185", [])
    assert convert(commune, "35600 Redon", LOOKUPS) == ("35236", [])
    assert convert(commune, "Bains-sur-Oust (35)", LOOKUPS) == ("35013", [])
    code, warnings = convert(commune, "1001", LOOKUPS)
    assert code == "01001" and "zéro initial" in warnings[0]
    homonyms = [name for name, codes in COMMUNES.items() if len(codes) > 1]
    assert homonyms, "the three départements share some commune names"
    with pytest.raises(FieldError, match="Plusieurs zones"):
        convert(commune, homonyms[0], LOOKUPS)
    with pytest.raises(FieldError, match="Zone inconnue"):
        convert(commune, "Atlantis", LOOKUPS)
    with pytest.raises(FieldError, match="aucune zone n'est chargée"):
        convert(commune, "Redon", Lookups())


def test_several_communes_and_departements():
    communes = DEFS["initiative"]["communes"]
    assert convert(communes, "Redon; Rieux; 35013", LOOKUPS) == (["35236", "56194", "35013"], [])
    departements = DEFS["initiative"]["departements"]
    header, cells = rows("data-fair/formatting-issues.csv")
    assert convert(departements, cells[0][3], LOOKUPS) == (["88"], [])  # « VOSGES (88) »
    assert convert(departements, "35, 2A, 974", LOOKUPS) == (["35", "2A", "974"], [])


def test_convert_dispatches_on_the_field_type():
    event, initiative = DEFS["evenement"], DEFS["initiative"]
    assert convert(event["horaire"], "15/06/2021 14h", LOOKUPS)[0] == {"start": "2021-06-15T14:00", "all_day": False}
    assert convert(event["gratuit"], "", LOOKUPS) == (False, [])
    assert convert(event["public"], "jeunes", LOOKUPS) == (["jeunes"], [])
    assert convert(initiative["budget_total"], "39 000 €", LOOKUPS) == (39000, [])
    assert convert(initiative["themes"], "Mobilité, Culture", LOOKUPS) == (["Mobilité", "Culture"], [])
    assert convert(initiative["title"], "  Le Local  ", LOOKUPS) == ("Le Local", [])
    assert convert(initiative["title"], "   ", LOOKUPS) == (None, [])
    assert convert(DEFS["lieu"]["type_lieu"], "Médiathèque", LOOKUPS) == ("mediatheque", [])
    with pytest.raises(FieldError, match="Un seul choix"):
        convert(DEFS["lieu"]["type_lieu"], "Médiathèque; Mairie", LOOKUPS)
    picture = validate_schema([{"key": "photo", "type": "image", "label": "Photo"}])[0]
    with pytest.raises(FieldError, match="ne se remplit pas depuis un tableur"):
        convert(picture, "photo.jpg", LOOKUPS)


def test_control_characters_are_named_with_their_position():
    assert control_message("Le\x00Local") == ("caractère de contrôle U+0000 (NUL) en position 3 : corrigez la cellule, "
                                              "il n'est pas supprimé en silence.")  # fmt: skip
    assert "U+001B (ESC)" in control_message("a\x1b")
    assert "U+0085" in control_message("a\x85")
    assert control_message("ligne 1\nligne 2\tfin\r\n") is None
