"""Exports keep a zone's code and add its name: CSV, spreadsheet CSV, JSON, GeoJSON, XLSX, ODS, Table Schema."""

from __future__ import annotations

import csv
import io
import zipfile

from geodata import zones as geo


def _with_redon(db):
    geo.save_zone(db, code="35236", name="Redon", level="commune", centre=(-2.08, 47.65))
    db.commit()


def test_csv_and_spreadsheet_csv_carry_the_code_then_the_name(client, db, seeded):
    _with_redon(db)
    rows = list(csv.DictReader(io.StringIO(client.get("/donnees/fermes.csv").text)))
    assert rows and all(r["commune"] == "35236" and r["commune_nom"] == "Redon" for r in rows)
    header = next(csv.reader(io.StringIO(client.get("/donnees/fermes.csv").text)))
    assert header.index("commune_nom") == header.index("commune") + 1
    sheet = client.get("/donnees/fermes.tableur.csv").text
    assert "commune;commune_nom" in sheet and "35236;Redon" in sheet


def test_json_and_geojson_carry_the_name_beside_the_code(client, db, seeded):
    _with_redon(db)
    items = client.get("/donnees/fermes.json").get_json()["records"]
    assert items and all(i["commune"] == "35236" and i["commune_nom"] == "Redon" for i in items)
    features = client.get("/donnees/fermes.geojson").get_json()["features"]
    assert features and all(f["properties"]["commune_nom"] == "Redon" for f in features)


def test_a_zone_not_loaded_has_an_empty_name_and_the_export_changes_when_zones_do(client, db, seeded):
    before = client.get("/donnees/fermes.csv")
    assert list(csv.DictReader(io.StringIO(before.text)))[0]["commune_nom"] == ""
    _with_redon(db)
    after = client.get("/donnees/fermes.csv")
    assert after.headers["ETag"] != before.headers["ETag"] and "Redon" in after.text


def test_spreadsheets_and_the_table_schema_have_the_name_column(client, db, seeded):
    from openpyxl import load_workbook

    _with_redon(db)
    sheet = load_workbook(io.BytesIO(client.get("/donnees/fermes.xlsx").data)).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    second = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert second[header.index("commune")] == "35236" and second[header.index("commune_nom")] == "Redon"
    ods = zipfile.ZipFile(io.BytesIO(client.get("/donnees/fermes.ods").data)).read("content.xml").decode()
    assert "commune_nom" in ods and "Redon" in ods
    schema = client.get("/donnees/fermes/schema.json").get_json()
    field = next(f for f in schema["fields"] if f["name"] == "commune_nom")
    assert field["type"] == "string" and "Nom" in field["description"]
    package = client.get("/donnees/fermes/datapackage.json").get_json()
    names = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert names.index("commune_nom") == names.index("commune") + 1
