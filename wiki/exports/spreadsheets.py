"""Rows to office spreadsheets: OpenDocument (ODS) and Office Open XML (XLSX) (pure).

Pure module. Both are for people, so text cells are neutralized like the
spreadsheet CSV (HOSTILE_INPUTS B8-71) and always written as text, never as
formulas.

ODS, the French administration's office standard (RGI), is written by hand:
odfpy builds the whole document in memory, so instead ``content.xml`` is
produced row by row into a streamed ZIP (see :mod:`wiki.exports.zipstream`);
memory stays constant whatever the number of rows. The tests read the result
back with odfpy. XLSX uses openpyxl's write-only mode, which spools rows to a
temporary file: memory stays constant, but the file is complete before the
first byte can be sent.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import IO
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
        member.write(("<table:table-row>" + "".join(_ods_cell(str(h)) for h in header) + "</table:table-row>\n").encode("utf-8"))
        count = 0
        for row in rows:
            member.write(("<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>\n").encode("utf-8"))
            count += 1
            if count % _FLUSH_ROWS == 0:
                yield sink.drain()
        member.write(_CONTENT_TAIL.encode("utf-8"))
    archive.close()
    yield sink.drain()


def rows_to_xlsx(target: IO[bytes], title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write an XLSX workbook (one sheet named ``title``) into ``target`` with openpyxl's write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_name(title))
    sheet.append(list(header))

    def _cell(value: Any) -> Any:
        if value is None or isinstance(value, (bool, int, float)):
            return value
        text = _XML_INVALID_RE.sub("", neutralize(str(value)))[:32_767]  # the cell size limit of Excel
        out = WriteOnlyCell(sheet, value=text)
        out.data_type = "s"  # never a formula, whatever the text starts with
        return out

    for row in rows:
        sheet.append([_cell(value) for value in row])
    workbook.save(target)


def _sheet_name(title: str) -> str:
    """Excel sheet names: 31 characters at most, none of ``[]:*?/\\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "donnees"
