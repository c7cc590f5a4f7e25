"""``lieudit import table FILE --form F``: the rows of a spreadsheet (CSV, XLSX, ODS) become records of a form.

Also reachable as ``lieudit import csv|tsv|xlsx|ods`` and from the moderators'
upload screen (:mod:`importers.table_views`). The file is read by
:mod:`importers.table_read` (encoding, separator, workbooks), each row
through a column → field mapping (:mod:`importers.table_mapping`: proposed
from the column names, overridden by the ``mapping`` option), its cells
converted the French way (:mod:`importers.table_values`), then checked as
the record services will, so a refused row is reported with its line in the
file, its column and the French reason, before anything is written. With the
``schema`` option (a path, JSON text or a parsed dict), each row is first
checked against that Table Schema (:mod:`importers.table_schema`) and
refused when it breaks it.

Whole refusals: no form given, an unknown one, a mapping naming no field, a
required field no column fills, a file that is not a table, a required
schema column missing. Warnings (the row is imported): guesses in reading a
value (a two-digit year, swapped coordinates, a dropped time), a legacy
encoding, repeated headers, columns of the file no field receives (kept with
each record as « autres propriétés »).

Identity: a column mapped to ``@id`` (or named ``id``/``identifiant``)
identifies each row, and a re-import updates the record that row became.
Without one, the title identifies the row: a re-import updates the record of
the same title (accents, case and punctuation aside) made by an earlier
import into that form; within one file, a second row with the identifier or
title of an earlier one is refused. Links are kept per destination form (an
uploaded file has no lasting identity): see :meth:`TableImporter.scope`.

:func:`report_csv` writes the per-row report of a result as CSV.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import ClassVar

from sqlalchemy.orm import Session

from geodata import zones
from importers.base import Batch
from importers.base import Importer
from importers.base import Item
from importers.base import Job
from importers.base import Link
from importers.base import Refused
from importers.base import Written
from importers.jobs import report_csv as write_csv
from importers.record_items import create_records
from importers.record_items import save_record
from importers.report import ImportResult
from importers.table_mapping import ID
from importers.table_mapping import UNMAPPABLE
from importers.table_mapping import Converted
from importers.table_mapping import RowReader
from importers.table_mapping import missing_required
from importers.table_mapping import prune_mapping
from importers.table_mapping import resolve_mapping
from importers.table_read import table_from_bytes
from importers.table_read import table_from_path
from importers.table_rows import Table
from importers.table_rows import TableError
from importers.table_schema import TableSchema
from importers.table_schema import TableSchemaError
from importers.table_schema import load_schema
from importers.table_values import Lookups
from importers.table_values import key
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import taxonomy

COMMENT = "Import d'un tableur"
#: Rows read to check the proposed mapping (:func:`importers.table_mapping.prune_mapping`).
SAMPLE = 50
_LINE = re.compile(r"ligne (\d+)")
_COLUMN = re.compile(r"(?:^|(?<= ; ))colonne « (.+?) » : ")


@dataclass
class Target:
    """Where the rows go: the form, its importable fields, the mapping and what converting and checking need."""

    form: Any
    defs: list[F.FieldDef]
    mapping: dict[str, str]
    lookups: Lookups
    ctx: F.Context
    warnings: list[str] = field(default_factory=list)

    def refusal(self, error: ValidationError) -> str:
        """The services' refusal of a row, said by column (« colonne « Nom » : Ce champ est obligatoire. »)."""
        columns = {target.split(".")[0]: column for column, target in reversed(self.mapping.items())}
        if not error.errors:
            return error.message
        return " ; ".join(f"colonne « {columns.get(k, k)} » : {message}" for k, message in error.errors.items())


def _choices(db: Session, defs: list[F.FieldDef]) -> dict[str, dict[str, str]]:
    """Per choice field, each value and label (compared by :func:`importers.table_values.key`) to its value."""
    lists = {cl.key: cl.items for cl in taxonomy.list_choice_lists(db)}
    out: dict[str, dict[str, str]] = {}
    for d in defs:
        if d.type in ("choice", "multichoice"):
            items = d.options.get("choices") or lists.get(d.options.get("list", ""), [])
            out[d.key] = {key(str(item[name])): item["value"] for item in items for name in ("label", "value")}
    return out


def _zone_names(db: Session) -> Any:
    """Zone codes by name for one level, read only when a cell names a zone instead of giving its code."""

    def names(level: str) -> dict[str, list[str]]:
        """Codes of the zones of ``level``, by name compared as :func:`importers.table_values.key` does."""
        found: dict[str, list[str]] = {}
        for code, name in zones.zone_codes_by_name(db, level):
            found.setdefault(key(name), []).append(code)
        return found

    return names


def target_for(db: Session, form_key: str | None, table: Table | None, given: Mapping[str, str] | None) -> Target:
    """The destination of a table: its form, the mapping resolved against its header (and first rows), the lookups.

    :raises Refused: no form or an unknown one, a mapping naming no field, a required field without a column.
    """
    if not form_key:
        keys = ", ".join(f.key for f in form_services.list_forms(db))
        raise Refused(f"indiquez le formulaire de destination (--form), parmi : {keys}.")
    try:
        form = form_services.get_form(db, form_key)
    except NotFound:
        raise Refused(f"formulaire inconnu : {form_key}.") from None
    defs = [d for d in form_services.form_fields(form) if d.type not in UNMAPPABLE]
    lookups, ctx = Lookups(_choices(db, defs), _zone_names(db)), taxonomy.cleaning_context(db)
    if table is None:  # the file could not be read: its own refusal is what to say
        return Target(form, defs, {}, lookups, ctx)
    mapping, errors, warnings = resolve_mapping(table.header, defs, form.title_field, given)
    if errors:
        raise Refused("correspondance impossible : " + " ; ".join(errors), warnings=warnings)
    sample = itertools.islice(table.rows(), SAMPLE)
    mapping, dropped = prune_mapping(mapping, given or {}, table.header, sample, defs, lookups, ctx)
    warnings += dropped
    if missing := missing_required(mapping, defs):
        names = ", ".join(f"« {d.label} » ({d.key})" for d in missing)
        raise Refused(f"aucune colonne ne remplit ces champs obligatoires du formulaire « {form.title} » : {names} ; "
                      "ajoutez-les au fichier ou choisissez une correspondance (--champ colonne=champ).",
                      warnings=warnings)  # fmt: skip
    return Target(form, defs, mapping, lookups, ctx, warnings)


def identity(converted: Converted, mapping: Mapping[str, str], title_field: str) -> str | None:
    """The remote id of a row: ``column=value`` of its ``@id`` column, else ``titre=`` its folded title."""
    id_column = next((column for column, target in mapping.items() if target == ID), None)
    if id_column is not None:
        return f"{id_column}={converted.remote}"[:200] if converted.remote else None
    title = converted.values.get(title_field)
    return f"titre={key(title)}"[:200] if isinstance(title, str) and key(title) else None


def read_schema(schema: Any, table: Table) -> tuple[TableSchema | None, list[str]]:
    """The Table Schema to check rows against (None without one), and its warnings about the header.

    :raises Refused: an unusable schema, or a column it requires is missing.
    """
    if schema is None:
        return None, []
    try:
        parsed = load_schema(schema)
    except TableSchemaError as error:
        raise Refused(error.message) from None
    errors, warnings = parsed.check_header(table.header)
    if errors:
        raise Refused(errors[0], warnings=warnings)
    return parsed, warnings


def unmapped_warning(target: Target, table: Table) -> list[str]:
    """The warning that lists the columns no field receives (kept as « autres propriétés »)."""
    unmapped = [column for column in table.header if column not in target.mapping]
    if not unmapped:
        return []
    return [f"colonnes sans champ, gardées dans les « autres propriétés » de chaque fiche : "
            f"{', '.join(unmapped[:30])}{' …' if len(unmapped) > 30 else ''}."]  # fmt: skip


def row_items(table: Table, target: Target, schema: TableSchema | None, *, check: bool) -> Iterator[Item]:
    """Each row as an :class:`~importers.base.Item` (``parsed``: its :class:`Converted`), refused with every reason.

    :param check: also check the values as the record services will (the preview; an import lets them).
    """
    reader = RowReader(table.header, target.mapping, target.defs, target.lookups, target.ctx)
    with Seen() as seen:
        for row in table.rows():
            converted = reader.read(row, check=check)
            if schema is not None:
                converted.problems[:0] = schema.check_row(table.header, row.cells, row.line)
            remote = identity(converted, target.mapping, target.form.title_field)
            item = Item(f"ligne {row.line}", converted.values, remote, converted.warnings, parsed=converted)
            if converted.problems:
                item.refused = converted.message()
            elif remote is not None and (first := seen.first(remote, row.line)) is not None:
                what = "identifiant" if not remote.startswith("titre=") else "titre (sans colonne identifiant)"
                item.refused = f"même {what} que la ligne {first} : ligne ignorée."
            yield item


class Seen:
    """The identities of the rows read so far, with their line, kept in a private temporary SQLite file.

    The within-file check of repeated identifiers costs no memory per row: SQLite keeps a bounded
    page cache and spills the rest to a file it deletes when closed.
    """

    def __init__(self) -> None:
        self.db = sqlite3.connect("")  # "": a private on-disk temporary database
        self.db.execute("CREATE TABLE seen (remote TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def first(self, remote: str, line: int) -> int | None:
        """The line that had ``remote`` first (None when this row is the first, now remembered at ``line``)."""
        if self.db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (remote, line)).rowcount:
            return None
        return int(self.db.execute("SELECT line FROM seen WHERE remote = ?", (remote,)).fetchone()[0])

    def __enter__(self) -> Seen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()


class TableImporter(Importer):
    """Rows of a CSV, XLSX or ODS file become records of a form (see the module docstring)."""

    name = "table"
    label = "Tableur (CSV, XLSX, ODS)"
    options: ClassVar[frozenset[str]] = frozenset({"mapping", "schema"})
    #: The command line gives the file's path: it is streamed, never held in memory whole.
    reads_path: ClassVar[bool] = True
    #: Rows are read ahead of the writing (their identities do not depend on it): links are read per chunk.
    reads_ahead: ClassVar[bool] = True

    def __init__(self, *, mapping: Mapping[str, str] | None = None, schema: str | Path | Mapping[str, Any] | None = None,
                 ) -> None:  # fmt: skip
        self.mapping = dict(mapping) if mapping is not None else None
        self.schema = schema
        # What ``parse`` read, for ``prepare`` to map and ``to_items`` to check (one run at a time).
        self._table: Table | None = None
        self._schema: TableSchema | None = None

    def parse(self, data: bytes | Path) -> Batch:
        """Read the whole file once, its bytes or its path (its rows are read again, lazily, by :meth:`to_items`).

        ``things`` holds the table once per data row: only their count is kept in memory.
        """
        self._table, self._schema = None, None
        try:
            table = table_from_path(data) if isinstance(data, Path) else table_from_bytes(data)
        except TableError as error:
            raise Refused(error.message) from None
        self._schema, warnings = read_schema(self.schema, table)
        self._table = table
        return Batch([table] * table.count, warnings=[*table.warnings, *warnings])

    def prepare(self, db: Session, form: str | None) -> Target:
        """The form, and the mapping of the columns just read to its fields."""
        return target_for(db, form, self._table, self.mapping)

    def scope(self, job: Job) -> str:
        """Links are kept per destination form: an uploaded file has no lasting identity of its own."""
        return f"form:{job.target.form.key}"

    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """Read each row through the mapping; refused rows carry every reason, by column."""
        target: Target = job.target
        job.result.warnings += target.warnings + unmapped_warning(target, batch.things[0])
        # The services check the values in ``write``: once is enough.
        yield from row_items(batch.things[0], target, self._schema, check=False)

    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Update the record this row became last time, or create one; unmapped cells go to « autres propriétés »."""
        try:
            return self._write(job, item, link)
        except ValidationError as error:
            raise Refused(job.target.refusal(error)) from None

    def batchable(self, item: Item, link: Link | None) -> bool:
        """A row that becomes a new record is created with others (:func:`importers.record_items.create_records`)."""
        return link is None or link.record_id is None

    def write_many(self, job: Job, items: list[Item]) -> list[Written | Refused]:
        """Create a record per row, set-wise; a refused row is said by column, as :meth:`write` says it."""
        target: Target = job.target
        return create_records(job, target.form, items, ctx=target.ctx, comment=COMMENT, refusal=target.refusal)

    def _write(self, job: Job, item: Item, link: Link | None) -> Written:
        target: Target = job.target
        return save_record(job, target.form, item.values, link, ctx=target.ctx, comment=COMMENT,
                           extra=item.parsed.extra or None)  # fmt: skip


def report_csv(result: ImportResult) -> str:
    """The per-row report of an import as CSV (``;``, UTF-8 with BOM): line, column, status, French reason.

    One line per refused cell (a row refused for two columns gives two lines),
    then one per warning; a source refused whole gives a single line.
    """
    rows: list[tuple[str, str, str, str]] = []
    if result.error:
        rows.append(("", "", "import refusé", result.error))
    for ref, message in result.errors:
        rows += [(_line_of(ref), column, "refusé", reason) for column, reason in _by_column(message)]
    for warning in result.warnings:
        ref, _, text = warning.partition(" : ") if _LINE.match(warning) else ("", "", warning)
        rows += [(_line_of(ref), column, "attention", reason) for column, reason in _by_column(text)]
    return write_csv(rows, ("ligne", "colonne", "statut", "raison"))


def _line_of(ref: str) -> str:
    match = _LINE.fullmatch(ref)
    return match[1] if match else ref


def _by_column(message: str) -> list[tuple[str, str]]:
    """Split « colonne « A » : x ; colonne « B » : y » into (column, reason) pairs."""
    marks = list(_COLUMN.finditer(message))
    if not marks:
        return [("", message)]
    head = message[: marks[0].start()].removesuffix(" ; ")
    pairs = [("", head)] if head else []
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() - 3 if following is not None else len(message)
        pairs.append((mark[1], message[mark.end() : end]))
    return pairs
