"""Reading workbooks: XLSX through openpyxl, ODS through its content.xml, and ZIP files that are neither."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from importers.table_read import table_from_bytes
from importers.table_rows import TableError
from importers.table_sheets import MAX_UNPACKED
from importers.table_sheets import ODS_MIMETYPE
from importers.table_sheets import cell_text
from tests.shared import DATA

ANTENNES = DATA / "csv-fr/data-fair/Antennes du CD22.csv"


def xlsx(rows, *, sheets=("Antennes",), start=1):
    """An XLSX workbook of ``rows`` on its first sheet (from row ``start``), other sheets empty."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheets[0]
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            sheet.cell(start + offset, column, value)
    for name in sheets[1:]:
        book.create_sheet(name)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


META = (
    '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
    '<meta:document-statistic meta:table-count="2" meta:cell-count="9"/></office:meta></office:document-meta>'
)


def ods(table_xml, *, mimetype=ODS_MIMETYPE):
    """An ODS archive whose first sheet is ``table_xml`` (the rows of a ``table:table``)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="Feuille1">{table_xml}</table:table>'
        '<table:table table:name="Feuille2"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>autre</text:p></table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", content)
        archive.writestr("meta.xml", META)
    return out.getvalue()


def cell(text="", **attributes):
    attrs = " ".join(f'{k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f"<table:table-cell {attrs}>" + (f"<text:p>{text}</text:p>" if text else "") + "</table:table-cell>"


def row(*cells, **attributes):
    attrs = " ".join(f'{k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attributes.items())
    return f"<table:table-row {attrs}>{''.join(cells)}</table:table-row>"


def test_an_xlsx_of_a_real_sample_reads_like_its_csv():
    source = table_from_bytes(ANTENNES.read_bytes())
    rows = [source.header] + [r.cells for r in source.rows()]
    table = table_from_bytes(xlsx(rows, sheets=("Antennes", "Notes")))
    assert table.kind == "xlsx" and table.header == source.header and table.count == 4
    assert [r.cells for r in table.rows()] == rows[1:] and [r.line for r in table.rows()] == [2, 3, 4, 5]
    assert table.warnings == ["le classeur a 2 feuilles : seule la première, « Antennes », est importée."]


def test_typed_xlsx_cells_become_text_as_typed():
    data = xlsx([["Nom", "Date", "Heure", "Nombre", "Entier", "Coché"],
                 ["Forum", dt.datetime(2026, 5, 2), dt.datetime(2026, 5, 2, 14, 30), 12.5, 3.0, True],
                 [None, None, None, None, None, None], ["Atelier", dt.date(2026, 6, 1), None, 0.1 + 0.2, 7, False]],
                start=3)  # fmt: skip
    table = table_from_bytes(data)
    assert [(r.line, r.cells) for r in table.rows()] == [
        (4, ["Forum", "2026-05-02", "2026-05-02T14:30", "12.5", "3", "oui"]),
        (6, ["Atelier", "2026-06-01", "", "0.3", "7", "non"]),
    ]
    assert cell_text(dt.time(9, 5)) == "09:05:00" and cell_text(None) == ""


def test_an_ods_sheet_with_repeats_spaces_and_notes():
    data = ods(
        row(cell("Nom"), cell("Date"), cell("Montant"), cell("Gratuit"), cell(table__number_columns_repeated=1000))
        + row(cell("Le <text:s text:c=\"2\"/>Local<text:line-break/>Redon"), cell(office__value_type="date",
              office__date_value="2026-05-02"), cell("1 234,50", office__value_type="float", office__value="1234.5"),
              cell(office__value_type="boolean", office__boolean_value="true"))
        + row(cell(), table__number_rows_repeated=100000)
        + row(cell("<office:annotation><text:p>note</text:p></office:annotation>Forge"), cell("x"),
              table__number_rows_repeated=2)
        + row(cell(table__number_columns_repeated=16384), table__number_rows_repeated=1048000)
    )  # fmt: skip
    table = table_from_bytes(data)
    assert table.kind == "ods" and table.header == ["Nom", "Date", "Montant", "Gratuit"] and table.count == 3
    assert table.warnings == ["le classeur a 2 feuilles : seule la première est importée."]
    assert [(r.line, r.cells) for r in table.rows()] == [
        (2, ["Le   Local\nRedon", "2026-05-02", "1234.5", "oui"]),
        (100003, ["Forge", "x", "", ""]),
        (100004, ["Forge", "x", "", ""]),
    ]


def test_an_ods_row_wider_than_allowed_is_refused():
    with pytest.raises(TableError, match="ligne 2 : plus de 1000 colonnes"):
        table_from_bytes(ods(row(cell("Nom")) + row(cell("x", table__number_columns_repeated=5000))))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (ods(row(cell("Nom")), mimetype=b"application/vnd.oasis.opendocument.text"), "n'est pas un classeur"),
        (ods("<table:table-row>"), "classeur ODS illisible"),
        (ods(""), "feuille du classeur est vide"),
    ],
    ids=["odt", "broken-xml", "empty-sheet"],
)
def test_damaged_or_wrong_opendocument_files(data, message):
    with pytest.raises(TableError, match=message):
        table_from_bytes(data)


def _zip(**entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name.replace("__", "/").replace("_xml", ".xml"), content)
    return out.getvalue()


def test_zip_files_that_are_no_workbook_are_named():
    with pytest.raises(TableError, match="document Word"):
        table_from_bytes(_zip(word__document_xml="<w/>"))
    with pytest.raises(TableError, match="ni un classeur XLSX ni ODS"):
        table_from_bytes(_zip(notes="du texte"))
    with pytest.raises(TableError, match="classeur XLSX illisible"):
        table_from_bytes(_zip(xl__workbook_xml="<pas-un-classeur"))


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("mimetype", ODS_MIMETYPE)
        with archive.open("content.xml", "w", force_zip64=True) as entry:
            block = b" " * (1 << 20)
            for _ in range(MAX_UNPACKED // len(block) + 1):
                entry.write(block)
    assert len(out.getvalue()) < 2_000_000
    with pytest.raises(TableError, match="bombe"):
        table_from_bytes(out.getvalue())
