"""Read a spreadsheet (CSV, XLSX, ODS) into a header and rows of text cells: the pure reader of ``lieudit import table``.

:func:`table_from_bytes` recognises the kind of file by its content (a
ZIP holding an XLSX or ODS workbook, or text), reads it once to check its
structure and count its rows, and returns a :class:`~importers.table_rows.Table`
whose ``rows()`` reads it again lazily, so a large file is never held as
rows in memory. A file that cannot be read is refused whole with a French
:class:`~importers.table_rows.TableError` that names the line where reading failed.

CSV text: the encoding is detected (UTF-8 with or without a byte order mark,
even a repeated one or one inside the first quoted cell; UTF-16 and UTF-32
with a mark, UTF-16 without; otherwise Windows-1252 or ISO-8859-1, said in a
warning), a file mixing UTF-8 and another encoding is refused with the line
of the first foreign byte. The separator is sniffed among ``;`` ``,`` tab and
``|``, the quote among ``"`` and ``'``; CR, LF and CRLF line ends are read
alike; a CSVY front matter (``---`` … ``---``) is skipped. Cells are given
as written: control characters are left for the caller to report. Workbooks
are read by :mod:`importers.table_sheets`.

Pure module: no Flask, no database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from importers.sniff import HEAD
from importers.sniff import advice
from importers.sniff import sniff as file_kind
from importers.table_rows import MAX_CELL
from importers.table_rows import MAX_LINE
from importers.table_rows import Row
from importers.table_rows import Table
from importers.table_rows import TableError
from importers.table_rows import finish
from importers.table_sheets import workbook_from_bytes

DELIMITERS = (";", ",", "\t", "|")
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre verticale"}
_SAMPLE = 65_536
#: Bytes undefined in Windows-1252: a legacy file holding one is ISO-8859-1.
_UNDEFINED_1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_C1 = re.compile(rb"[\x80-\x9f]")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
#: Bytes read at a time when a file is scanned (encoding detection): a big file is never held whole.
_CHUNK = 1 << 20
#: Opens the file afresh, as a binary stream (each reading of the rows opens it again).
Opener = Callable[[], BinaryIO]


def name_kind(data: bytes) -> str | None:
    """Name what a file that is not a table really is, and what to do with it (:mod:`importers.sniff`)."""
    kind = file_kind(data)
    if kind is None or kind.importer == "table":
        return None
    return f"{kind.label} ; {advice(kind)}"


def table_from_bytes(data: bytes) -> Table:
    """Read a CSV, XLSX or ODS file: check it whole, count its rows, keep its header.

    :raises TableError: the file is empty, not a table, damaged or beyond the limits.
    """
    if not data.strip():
        raise TableError("fichier vide.")
    if data.startswith(b"PK\x03\x04"):
        return finish(workbook_from_bytes(data))
    if (kind := name_kind(data)) is not None:
        raise TableError(f"ce fichier n'est pas un tableau : c'est {kind}.")
    return finish(_csv_table(lambda: io.BytesIO(data)))


def table_from_path(path: Path) -> Table:
    """Read a CSV, XLSX or ODS file from its path, streamed: the file is never held in memory whole.

    Same checks and result as :func:`table_from_bytes`; each ``rows()`` reads the file again.

    :raises TableError: the file is empty, not a table, damaged or beyond the limits.
    """
    with path.open("rb") as stream:
        head = stream.read(HEAD)
        tail = head.strip() or stream.read(_CHUNK).strip()  # a file of blanks is empty
    if not head.strip() and not tail:
        raise TableError("fichier vide.")
    if head.startswith(b"PK\x03\x04"):
        return finish(workbook_from_bytes(path))
    if (kind := name_kind(head)) is not None:
        raise TableError(f"ce fichier n'est pas un tableau : c'est {kind}.")
    return finish(_csv_table(lambda: path.open("rb")))


# --- CSV ----------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> tuple[str, str]:
    """The codec to read ``data`` with and its name for people (empty when plain UTF-8).

    :raises TableError: UTF-8 mixed with another encoding (the line of the first foreign byte is given).
    """
    return _detect(lambda: io.BytesIO(data))


def _detect(opener: Opener) -> tuple[str, str]:
    """:func:`detect_encoding` of a file read by chunks (its first 4 KB for the marks and UTF-16)."""
    with opener() as stream:
        data = stream.read(4096)
    for bom, codec, name in (
        (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
        (codecs.BOM_UTF8, "utf-8-sig", ""),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if data.startswith(bom):
            return codec, name
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if odd and odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le", "UTF-16 (sans marque d'ordre des octets)"
    if even and even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be", "UTF-16 (sans marque d'ordre des octets)"
    foreign = _first_non_utf8(opener)
    if foreign is None:
        return "utf-8", ""
    utf8, c1, undefined, line = False, False, False, 1
    start, previous = 0, b""
    for chunk in _chunks(opener):
        utf8 = utf8 or bool(_UTF8_SEQUENCE.search(previous[-3:] + chunk))  # a sequence cut between two chunks
        c1, undefined = c1 or bool(_C1.search(chunk)), undefined or bool(_UNDEFINED_1252.search(chunk))
        line += chunk.count(b"\n", 0, max(0, foreign - start))
        start, previous = start + len(chunk), chunk
    if utf8:
        raise TableError(f"ligne {line} : encodage mélangé, le fichier est en UTF-8 mais cette ligne contient des "
                         "caractères d'un autre encodage ; réenregistrez-le en UTF-8.")  # fmt: skip
    if c1 and not undefined:
        return "cp1252", "Windows-1252"
    return "latin-1", "ISO-8859-1 (latin-1)"


def _chunks(opener: Opener) -> Iterator[bytes]:
    """The file's bytes, :data:`_CHUNK` at a time."""
    with opener() as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


def _first_non_utf8(opener: Opener) -> int | None:
    """The offset of the first byte that is not UTF-8 (None when all is), decoded by chunks: no copy of the file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    start = 0
    for chunk in _chunks(opener):
        pending = len(decoder.getstate()[0])  # the bytes of a character cut by the previous chunk
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            return max(0, start - pending + error.start)
        start += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return max(0, start - len(decoder.getstate()[0]))
    return None


def _lines(opener: Opener, codec: str) -> Generator[str, None, None]:
    """The file's lines, decoded, line ends kept; a line longer than :data:`MAX_LINE` stops reading."""
    with io.TextIOWrapper(opener(), encoding=codec, newline="") as stream:
        number = 0
        while line := stream.readline(MAX_LINE + 1):
            number += 1
            if len(line) > MAX_LINE:
                raise TableError(f"ligne {number} : plus de {MAX_LINE:,} caractères ".replace(",", " ")
                                 + "sur une ligne ; ce n'est pas un tableau lisible.")  # fmt: skip
            yield line


def _front_matter(lines: Iterable[str]) -> int:
    """The number of lines of a CSVY front matter at the start (0 when none)."""
    iterator = iter(lines)
    if next(iterator, "").lstrip("\ufeff").rstrip("\r\n") != "---":
        return 0
    for number, line in enumerate(iterator, start=2):
        if line.rstrip("\r\n") == "---":
            return number
        if number > 1000:
            break
    return 0


def _sample_rows(sample: str, delimiter: str, quote: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quotechar=quote)
    rows: list[list[str]] = []
    try:
        for row in reader:
            if row:
                rows.append(row)
            if len(rows) > 50:
                break
    except csv.Error:
        pass
    return rows[:-1] if len(rows) > 2 else rows  # the last one may be cut by the sample's end


def sniff(sample: str) -> tuple[str, str]:
    """Guess the separator (among :data:`DELIMITERS`) and the quote character of a CSV sample.

    The quote is ``'`` when nearly every line starts and ends with one (an
    apostrophe inside a value, « L' Abergement », is no quote), else ``"``.
    """
    lines = [line.strip() for line in sample.splitlines()[:50] if line.strip()]
    wrapped = sum(1 for line in lines if len(line) > 1 and line[0] == line[-1] == "'")
    quote = "'" if lines and wrapped >= 0.8 * len(lines) else '"'
    best, best_score = ",", (0.0, 0, 0)
    for delimiter in DELIMITERS:
        rows = _sample_rows(sample, delimiter, quote)
        width = len(rows[0]) if rows else 0
        if width < 2:
            continue
        same = sum(1 for row in rows if len(row) == width)
        score = (round(same / len(rows), 2), width, -DELIMITERS.index(delimiter))
        if score > best_score:
            best, best_score = delimiter, score
    return best, quote


def _csv_table(opener: Opener) -> Table:
    codec, encoding = _detect(opener)
    lines = _lines(opener, codec)
    skip = _front_matter(lines)
    lines.close()
    lines = _lines(opener, codec)
    sample = "".join(line for number, line in zip(range(400), lines, strict=False) if number >= skip)
    lines.close()
    delimiter, quote = sniff(sample[:_SAMPLE])

    def read() -> Iterator[Row]:
        """Every row with the line it starts on, blank ones included."""
        lines = _lines(opener, codec)
        for _ in range(skip):
            next(lines)
        reader = csv.reader(lines, delimiter=delimiter, quotechar=quote, strict=False)
        start = skip + 1
        try:
            for cells in reader:
                yield Row(start, cells)
                start = skip + reader.line_num + 1
        except csv.Error as error:
            raise TableError(_csv_message(start, str(error))) from None

    first = next((row for row in read() if any(cell.strip() for cell in row.cells)), None)
    if first is None:
        raise TableError("fichier vide : aucune ligne sous l'en-tête.")
    header = [first.cells[0].lstrip("\ufeff"), *first.cells[1:]]
    warnings = [f"encodage détecté : {encoding} ; vérifiez les accents dans l'aperçu."] if encoding else []
    if skip:
        warnings.append(f"lignes 1 à {skip} : en-tête YAML (CSVY) ignoré.")
    if quote == "'":
        warnings.append("valeurs entre apostrophes ('…') : l'apostrophe est lue comme guillemet.")
    if len(header) == 1:
        warnings.append("une seule colonne lue : aucun séparateur reconnu (point-virgule, virgule, tabulation, |).")
    return Table("csv", header, lambda: (row for row in read() if row.line > first.line),
                 encoding=encoding or "UTF-8", delimiter=delimiter, warnings=warnings)  # fmt: skip


def _csv_message(line: int, error: str) -> str:
    if "field larger than field limit" in error:
        return (f"ligne {line} : cellule de plus de {MAX_CELL:,} caractères ".replace(",", " ")
                + "(guillemet jamais refermé ?) ; le fichier ne peut pas être lu au-delà.")  # fmt: skip
    return f"ligne {line} : fichier CSV mal formé ({error})."
