"""Rows to office spreadsheets: OpenDocument (ODS) and Office Open XML (XLSX) (pure).

Pure module. Both are for people, so text cells are neutralized like the
spreadsheet CSV (HOSTILE_INPUTS B8-71) and always written as text, never as
formulas.

ODS, the French administration's office standard (RGI), is written by hand:
odfpy builds the whole document in memory, so instead ``content.xml`` is
produced row by row into a streamed ZIP (see :mod:`wiki.exports.zipstream`);
memory stays constant whatever the number of rows. The tests read the result
back with odfpy. XLSX is written the same way (the sheet as inline strings,
no shared-strings table to hold in memory), so its first bytes leave at once
and a 100,000-row download never waits behind a spooled file; the tests read
it back with openpyxl.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from wiki.exports.tabular import neutralize
from wiki.exports.zipstream import ChunkSink
from wiki.exports.zipstream import open_archive

ODS_MEDIA_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""
_META = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">
 <office:meta><meta:generator>Lieudit</meta:generator><dc:title>{title}</dc:title></office:meta>
</office:document-meta>
"""
_CONTENT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="{name}">
"""
_CONTENT_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>\n"
_FLUSH_ROWS = 500
_XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_XLSX_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
_XLSX_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_XLSX_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_XLSX_WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{_XLSX_MAIN}" xmlns:r="{_XLSX_DOC_RELS}">
<sheets><sheet name="{{name}}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_XLSX_WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{_XLSX_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
_XLSX_SHEET_HEAD = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{_XLSX_MAIN}"><sheetData>"""


def _xml_text(value: str) -> str:
    return escape(_XML_INVALID_RE.sub("", value), {'"': "&quot;"})


def _ods_cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        word = "true" if value else "false"
        return f'<table:table-cell office:value-type="boolean" office:boolean-value="{word}"><text:p>{word}</text:p></table:table-cell>'
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value!r}"><text:p>{value!r}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{_xml_text(neutralize(str(value)))}</text:p></table:table-cell>'


def rows_to_ods(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Yield an ODS spreadsheet (one sheet named ``title``) in chunks, row by row."""
    sink = ChunkSink()
    archive = open_archive(sink)
    archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MEDIA_TYPE, compress_type=zipfile.ZIP_STORED)
    archive.writestr("META-INF/manifest.xml", _MANIFEST)
    archive.writestr("meta.xml", _META.format(title=_xml_text(title)))
    with archive.open("content.xml", "w", force_zip64=True) as member:
        member.write(_CONTENT_HEAD.format(name=_xml_text(title[:31] or "donnees")).encode("utf-8"))
        member.write(
            ("<table:table-row>" + "".join(_ods_cell(str(h)) for h in header) + "</table:table-row>\n").encode("utf-8")
        )
        count = 0
        for row in rows:
            member.write(
                ("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>\n").encode("utf-8")
            )
            count += 1
            if count % _FLUSH_ROWS == 0:
                yield sink.drain()
        member.write(_CONTENT_TAIL.encode("utf-8"))
    archive.close()
    yield sink.drain()


def _column(index: int) -> str:
    """Spreadsheet column letters of a 0-based index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xlsx_cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    text = _xml_text(neutralize(str(value))[:32_767]).replace("\r", "&#13;")  # Excel's cell limit; keep CR
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _xlsx_row(number: int, values: Sequence[Any]) -> str:
    cells = "".join(_xlsx_cell(f"{_column(i)}{number}", v) for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'


def rows_to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """Yield an XLSX workbook (one sheet named ``title``) in chunks, row by row.

    Text is always an inline string, never a formula (``=``, ``+``… are
    neutralized as in the spreadsheet CSV).
    """
    sink = ChunkSink()
    archive = open_archive(sink)
    archive.writestr("[Content_Types].xml", _XLSX_TYPES)
    archive.writestr("_rels/.rels", _XLSX_RELS)
    archive.writestr("xl/workbook.xml", _XLSX_WORKBOOK.format(name=_xml_text(_sheet_name(title))))
    archive.writestr("xl/_rels/workbook.xml.rels", _XLSX_WORKBOOK_RELS)
    with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
        member.write(_XLSX_SHEET_HEAD.encode("utf-8"))
        member.write(_xlsx_row(1, [str(h) for h in header]).encode("utf-8"))
        number = 1
        for row in rows:
            number += 1
            member.write(_xlsx_row(number, row).encode("utf-8"))
            if number % _FLUSH_ROWS == 0:
                yield sink.drain()
        member.write(b"</sheetData></worksheet>")
    archive.close()
    yield sink.drain()


def _sheet_name(title: str) -> str:
    """Excel sheet names: 31 characters at most, none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "donnees"
