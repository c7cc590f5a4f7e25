"""What a spreadsheet import would do, before anything is written: the upload screen's mapping and preview.

:func:`preview_table` reads the file and its mapping as the import does
(:mod:`importers.table`), then checks every row as the record services
will, without writing: the first rows are shown with their values exactly
as they will be stored (as people read them: ``12,5 €``, ``oui``,
``02/05/2026``, the labels of choices), and every refused row is listed
with its line, column and reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy.orm import Session

from importers.report import RowError
from importers.table import Target
from importers.table import read_schema
from importers.table import row_items
from importers.table import target_for
from importers.table import unmapped_warning
from importers.table_mapping import Converted
from importers.table_mapping import mapping_to_json
from importers.table_mapping import targets
from importers.table_rows import Table
from importers.table_schema import TableSchema
from wiki.records import form_services
from wiki.records.display import display_value

#: Rows shown, refused rows and warnings listed on the screen (counts are always exact).
SHOWN_ROWS = 20
LISTED = 200


@dataclass
class ShownRow:
    """One previewed row: its line, each mapped field's value as it will be stored (as text), its refusal."""

    line: int
    values: dict[str, str]
    refused: str | None = None


@dataclass
class Preview:
    """What an import would do: the table read, its mapping, the first rows, the refusals and warnings."""

    table: Table
    target: Target
    rows: list[ShownRow] = field(default_factory=list)
    refused: list[RowError] = field(default_factory=list)
    refused_count: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        """How many rows would be imported."""
        return self.table.count - self.refused_count

    @property
    def choices(self) -> dict[str, str]:
        """Every target a column may fill, with its label (the mapping form's options)."""
        return targets(self.target.defs)

    @property
    def fields(self) -> list[tuple[str, str]]:
        """The fields shown in the preview, (key, label), in the form's order."""
        used = {target.split(".")[0] for target in self.target.mapping.values()}
        return [(d.key, d.label) for d in self.target.defs if d.key in used]

    def mapping_json(self) -> str:
        """The mapping as saved for reuse (``--mapping FILE.json``): every column, unmapped ones as ``""``."""
        every = {column: self.target.mapping.get(column, "") for column in self.table.header}
        return mapping_to_json(every, self.target.form.key)


def _shown(converted: Converted, target: Target, labels: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The stored values of a row as people will read them."""
    shown = {}
    for d in target.defs:
        if d.key not in converted.stored:
            continue
        value = converted.stored[d.key]
        if d.key in labels and value is not None:
            named = [labels[d.key].get(v, v) for v in (value if isinstance(value, list) else [value])]
            shown[d.key] = ", ".join(named)
        else:
            shown[d.key] = display_value(d, value)
    return shown


def preview_table(db: Session, table: Table, form: str | None, mapping: Mapping[str, str] | None,
                  schema: Any = None) -> Preview:  # fmt: skip
    """Check every row of ``table`` for ``form`` without writing; keep the first ones as they will be stored.

    :raises importers.base.Refused: no such form, an impossible mapping, a required field without column,
        a schema that cannot be used or whose required columns are missing.
    """
    parsed: TableSchema | None
    parsed, schema_warnings = read_schema(schema, table)
    target = target_for(db, form, table, mapping)
    labels = form_services.value_labels(db, target.form)
    result = Preview(table, target, warnings=[*table.warnings, *schema_warnings, *target.warnings,
                                              *unmapped_warning(target, table)])  # fmt: skip
    for item in row_items(table, target, parsed, check=True):
        converted: Converted = item.parsed
        if len(result.rows) < SHOWN_ROWS:
            result.rows.append(ShownRow(converted.line, _shown(converted, target, labels), item.refused))
        if item.refused is not None:
            result.refused_count += 1
            if len(result.refused) < LISTED:
                result.refused.append(RowError(item.ref, item.refused))
        if len(result.warnings) < LISTED:
            result.warnings += [f"{item.ref} : {warning}" for warning in item.warnings]
    return result
