"""A table read from a spreadsheet: its header, its rows of text cells, and the limits of what is read.

Shared by the readers of :mod:`importers.table_read` (CSV, and the dispatch
by kind of file) and :mod:`importers.table_sheets` (XLSX, ODS). Pure module.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import NamedTuple

from importers.features import FormatError

#: Limits of what is read (HOSTILE_INPUTS B7-68): columns, rows, one line, one cell.
MAX_COLUMNS = 1000
MAX_ROWS = 1_000_000
MAX_LINE = 1_000_000
MAX_CELL = 131_072  # the csv module's own limit (csv.field_size_limit)


class TableError(FormatError):
    """The file cannot be read as a table; ``message`` says why, in French (with the line when known)."""


class Row(NamedTuple):
    """One data row: its line (in the file, or the sheet's row number) and its cells as text."""

    line: int
    cells: list[str]


@dataclass
class Table:
    """A table read from a file: its header, how it was read, and its rows (read again on each call)."""

    kind: str
    header: list[str]
    reader: Callable[[], Iterator[Row]]
    count: int = 0
    encoding: str = ""
    delimiter: str = ""
    warnings: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[Row]:
        """The data rows, read lazily: blank rows and repeated headers left out, short rows padded."""
        width = len(self.header)
        for row in self.reader():
            cells = row.cells + [""] * (width - len(row.cells)) if len(row.cells) < width else row.cells
            if any(cells) and cells != self.header:
                yield Row(row.line, cells)


def finish(table: Table) -> Table:
    """Name the header's blank and repeated columns, then read every row once: count them, check their width.

    :raises TableError: no header, too many columns or rows, or a row the reader cannot read.
    """
    if not any(table.header):
        raise TableError("aucun en-tête : la première ligne doit nommer les colonnes.")
    if len(table.header) > MAX_COLUMNS:
        raise TableError(f"trop de colonnes : {len(table.header)} ({MAX_COLUMNS} au plus).")
    table.header = unique_names(table.header, table.warnings)
    repeated = 0
    for row in table.reader():
        if row.cells == table.header:
            repeated += 1
            table.warnings.append(f"ligne {row.line} : répète l'en-tête, ignorée.")
        elif any(row.cells):
            table.count += 1
            if table.count > MAX_ROWS:
                raise TableError(f"trop de lignes : plus de {MAX_ROWS:,}".replace(",", " ") + ".")
    if not table.count:
        raise TableError("aucune ligne de données sous l'en-tête.")
    return table


def unique_names(header: list[str], warnings: list[str]) -> list[str]:
    """Column names as read, blank ones named « colonne N », repeated ones numbered « nom (2) »."""
    names: list[str] = []
    for index, raw in enumerate(header, start=1):
        name = " ".join(raw.replace("\ufeff", "").split()) or f"colonne {index}"
        base, number = name, 1
        while name in names:
            number += 1
            name = f"{base} ({number})"
        if number > 1:
            warnings.append(f"colonne {index} : nom « {base} » déjà pris, renommée « {name} ».")
        names.append(name)
    if "\ufffd" in "".join(names):
        warnings.append("l'en-tête contient des caractères de remplacement (\ufffd) : des accents ont été perdus "
                        "avant l'import, avec un mauvais encodage ; vérifiez la correspondance des colonnes.")  # fmt: skip
    return names
