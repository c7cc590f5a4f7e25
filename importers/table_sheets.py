"""Read the first sheet of an XLSX or ODS workbook as rows of text cells, for :mod:`importers.table_read`.

Both are ZIP archives: their declared sizes are checked before anything is
unpacked (a ZIP bomb is refused, HOSTILE_INPUTS G11), and the ZIP reader
never inflates an entry beyond its declared size. XLSX is read by openpyxl
in read-only mode (streamed, its XML through defusedxml); ODS by parsing
``content.xml`` with defusedxml's ``iterparse``, one row at a time, the
repeated rows and cells of ODS expanded (trailing blank ones dropped) within
the limits of :mod:`importers.table_read`. Typed cells become text as a
person would type them: ``2021-06-15`` for a date, ``12.5`` for a number,
``oui``/``non`` for a truth value; formulas give their last computed value.

Pure module: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from importers.table_rows import MAX_COLUMNS
from importers.table_rows import MAX_ROWS
from importers.table_rows import Row
from importers.table_rows import Table
from importers.table_rows import TableError

#: The most a workbook may unpack to, in bytes, and how many entries it may hold.
MAX_UNPACKED = 256_000_000
MAX_ENTRIES = 10_000
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def _file(data: bytes | Path) -> Any:
    """What the ZIP and workbook readers open: the file's path (read as they go), or its bytes as a stream."""
    return data if isinstance(data, Path) else io.BytesIO(data)


def open_zip(data: bytes | Path) -> zipfile.ZipFile:
    """Open a ZIP archive (its bytes, or its path) after checking what it declares it unpacks to.

    :raises TableError: not a ZIP, too many entries, or too large once unpacked (a ZIP bomb).
    """
    try:
        archive = zipfile.ZipFile(_file(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise TableError(f"archive ZIP endommagée ({error}).") from None
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED:
        raise TableError(f"archive refusée : elle se décompresserait en {unpacked // 1_000_000} Mo "
                         f"({MAX_UNPACKED // 1_000_000} Mo au plus) ; est-ce une « bombe » ZIP ?")  # fmt: skip
    return archive


def workbook_from_bytes(data: bytes | Path) -> Table:
    """Read the first sheet of an XLSX or ODS workbook, its bytes or its path (its header, a lazy reader of its rows).

    :raises TableError: a ZIP that is neither, a damaged workbook, an empty first sheet.
    """
    archive = open_zip(data)
    names = set(archive.namelist())
    if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
        return _ods_table(data, archive)
    if "xl/workbook.xml" in names:
        return _xlsx_table(data)
    if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument"):
        raise TableError("ce fichier OpenDocument n'est pas un classeur (.ods) : c'est un texte ou une présentation.")
    if "word/document.xml" in names:
        raise TableError("ce fichier n'est pas un tableau : c'est un document Word (.docx).")
    raise TableError("ce fichier n'est pas un tableau : c'est une archive ZIP qui n'est ni un classeur XLSX ni ODS.")


def cell_text(value: Any) -> str:
    """A typed cell as text: dates in ISO, whole numbers without ``.0``, ``oui``/``non`` for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(value, ".15g")
    return str(value)


def _first_header(rows: Iterator[Row]) -> Row:
    for row in rows:
        if any(cell.strip() for cell in row.cells):
            return row
    raise TableError("la première feuille du classeur est vide.")


def _sheet_table(kind: str, read: Any, warnings: list[str]) -> Table:
    header = _first_header(read())
    return Table(kind, header.cells, lambda: (row for row in read() if row.line > header.line), warnings=warnings,
                 encoding="", delimiter="")  # fmt: skip


# --- XLSX ---------------------------------------------------------------------------------------


def _xlsx_table(data: bytes | Path) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(_file(data), read_only=True, data_only=True)
        sheets = [sheet.title for sheet in book.worksheets]
        book.close()
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file: one clear message
        raise TableError(f"classeur XLSX illisible ({type(error).__name__}).") from None
    if not sheets:
        raise TableError("le classeur XLSX n'a aucune feuille de calcul.")
    warnings = [] if len(sheets) < 2 else [f"le classeur a {len(sheets)} feuilles : seule la première, "
                                           f"« {sheets[0]} », est importée."]  # fmt: skip

    def read() -> Iterator[Row]:
        """The first sheet's rows, numbered as in the sheet."""
        book = load_workbook(_file(data), read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # ignore a declared size: read what is there
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS + 1000:
                    raise TableError(f"trop de lignes : plus de {MAX_ROWS} dans la feuille.")
                cells = [cell_text(value) for value in values]
                while cells and not cells[-1]:
                    cells.pop()
                if len(cells) > MAX_COLUMNS:
                    raise TableError(f"ligne {number} : plus de {MAX_COLUMNS} colonnes.")
                yield Row(number, cells)
        except TableError:
            raise
        except Exception as error:  # noqa: BLE001 - as above
            raise TableError(f"classeur XLSX illisible ({type(error).__name__}).") from None
        finally:
            book.close()

    return _sheet_table("xlsx", read, warnings)


# --- ODS ----------------------------------------------------------------------------------------


def _paragraph(element: Element) -> str:
    """The text of an ODS paragraph: spans and links flattened, ``text:s`` spaces, tabs and line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            parts.append(" " * int(child.get(f"{_TEXT}c") or 1))
        elif child.tag == f"{_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif child.tag != f"{_OFFICE}annotation":
            parts.append(_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _ods_cell(cell: Element) -> str:
    kind = cell.get(f"{_OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        return cell_text(float(cell.get(f"{_OFFICE}value") or "nan"))
    if kind == "date":
        return (cell.get(f"{_OFFICE}date-value") or "").removesuffix("T00:00:00")
    if kind == "boolean":
        return "oui" if cell.get(f"{_OFFICE}boolean-value") == "true" else "non"
    return "\n".join(_paragraph(p) for p in cell if p.tag == f"{_TEXT}p")


def _ods_cells(row: Element, number: int) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if cell.tag not in _CELLS:
            continue
        repeat = int(cell.get(f"{_TABLE}number-columns-repeated") or 1)
        text = _ods_cell(cell)
        if text and len(cells) + repeat > MAX_COLUMNS:
            raise TableError(f"ligne {number} : plus de {MAX_COLUMNS} colonnes.")
        cells.extend([text] * min(repeat, MAX_COLUMNS + 1 - len(cells)))
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _ods_rows(data: bytes | Path) -> Iterator[Row]:
    """The rows of the first table of ``content.xml``, parsed as a stream, each row dropped once read."""
    archive = open_zip(data)
    number, depth, stack = 0, 0, []
    try:
        with archive.open("content.xml") as content:
            for event, element in SafeET.iterparse(content, events=("start", "end"), forbid_dtd=True):
                if event == "start":
                    stack.append(element)
                    depth += element.tag == f"{_TABLE}table"
                    continue
                stack.pop()
                if element.tag == f"{_TABLE}table":
                    depth -= 1
                    if not depth:
                        return  # the first sheet only
                    continue
                if element.tag != f"{_TABLE}table-row" or depth != 1:
                    continue
                repeat = int(element.get(f"{_TABLE}number-rows-repeated") or 1)
                cells = _ods_cells(element, number + 1)
                if stack:
                    stack[-1].remove(element)  # keep memory flat: the row is done
                if not cells:
                    number += repeat
                    continue
                if number + repeat > MAX_ROWS + 1000:
                    raise TableError(f"trop de lignes : plus de {MAX_ROWS} dans la feuille.")
                for _ in range(repeat):
                    number += 1
                    yield Row(number, list(cells))
    except (KeyError, ValueError, DefusedXmlException, SafeET.ParseError, zipfile.BadZipFile, OSError) as error:
        raise TableError(f"classeur ODS illisible ({error}).") from None


def _ods_sheets(archive: zipfile.ZipFile) -> int:
    """How many sheets an ODS workbook says it has (``meta.xml``), 1 when it does not say."""
    if "meta.xml" not in archive.namelist():
        return 1
    try:
        with archive.open("meta.xml") as meta:
            for _, element in SafeET.iterparse(meta, forbid_dtd=True):
                if element.tag.endswith("document-statistic"):
                    return int(element.get("{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}table-count") or 1)
    except (ValueError, DefusedXmlException, SafeET.ParseError, zipfile.BadZipFile, OSError):
        pass
    return 1


def _ods_table(data: bytes | Path, archive: zipfile.ZipFile) -> Table:
    if "content.xml" not in archive.namelist():
        raise TableError("classeur ODS illisible : il n'a pas de contenu (content.xml).")
    sheets = _ods_sheets(archive)
    warnings = [] if sheets < 2 else [f"le classeur a {sheets} feuilles : seule la première est importée."]
    return _sheet_table("ods", lambda: _ods_rows(data), warnings)
