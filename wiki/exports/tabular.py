"""Rows to CSV and JSON, streamed (pure).

Pure module: rows come in as iterables, text goes out as an iterator of
byte chunks, one per batch of rows, so a 100,000-record export never sits in
memory. Values arrive already filtered to the public projection.

Two CSV flavours (HOSTILE_INPUTS B8-71). The *canonical* CSV is UTF-8,
comma-separated, RFC 4180 quoting, and byte-faithful: a cell that starts with
``=`` stays as typed, because open data must not be silently altered (OWASP:
there is no universal fix; the README warns reusers). The *spreadsheet* CSV
is for people who double-click: ``;`` separator and a BOM (what French Excel
and LibreOffice expect) and every text cell that a spreadsheet would read as
a formula gets a leading ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

#: First characters that make a spreadsheet evaluate a cell (ASCII and fullwidth forms).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_FLUSH_ROWS = 500


def neutralize(text: str) -> str:
    """Make a text cell inert in a spreadsheet: prefix a formula-looking value with ``'``."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[str]], *, spreadsheet: bool = False) -> Iterator[bytes]:
    """Yield a CSV file in UTF-8 chunks: the header, then ``rows`` (cells already written as text).

    ``spreadsheet`` selects the ``;`` + BOM + neutralized flavour.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if spreadsheet else ",", lineterminator="\r\n")
    if spreadsheet:
        buffer.write("\ufeff")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([neutralize(cell) for cell in row] if spreadsheet else row)
        count += 1
        if count % _FLUSH_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def records_to_json(
    meta: Mapping[str, Any],
    records: Iterable[Mapping[str, Any]],
    deleted: Callable[[], Iterable[Mapping[str, Any]]] | None = None,
) -> Iterator[bytes]:
    """Yield one JSON document ``{"dataset": meta, "records": [...], "deleted": [...]}`` in chunks.

    ``deleted`` returns the tombstones of an incremental export (called after
    the records are written); without it the member is left out.
    """
    head = json.dumps(meta, ensure_ascii=False, default=str)
    yield ('{"dataset":' + head + ',"records":[').encode("utf-8")
    parts: list[str] = []
    first = True
    for record in records:
        parts.append(("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False, default=str))
        first = False
        if len(parts) >= _FLUSH_ROWS:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    parts.append("\n]")
    if deleted is not None:
        parts.append(
            ',"deleted":[' + ",".join(json.dumps(item, ensure_ascii=False, default=str) for item in deleted()) + "]"
        )
    parts.append("}\n")
    yield "".join(parts).encode("utf-8")
