"""Loading a dump into an empty instance, all or nothing.

Loading refuses a non-empty database or a dump of another schema revision,
reads the archive through ``safety`` (names confined, no links, sizes and
entry count checked while streaming), inserts everything in one transaction
(foreign keys that point forward or to their own table are filled in after
the rows exist), moves PostgreSQL sequences past the loaded ids, and only
then puts the files in place.
"""

from __future__ import annotations

import json
import shutil
import uuid
import zipfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import BinaryIO

from sqlalchemy import Engine
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from wiki import migrate
from wiki.portability.archive import FORMAT
from wiki.portability.archive import FORMAT_VERSION
from wiki.portability.archive import ArchiveError
from wiki.portability.archive import Summary
from wiki.portability.rows import BATCH
from wiki.portability.rows import base_type
from wiki.portability.rows import decode_value
from wiki.portability.rows import sorted_tables
from wiki.portability.safety import MAX_TOTAL_BYTES
from wiki.portability.safety import Budget
from wiki.portability.safety import check_entries
from wiki.portability.safety import copy_file
from wiki.portability.safety import read_lines
from wiki.portability.safety import read_small


def read_manifest(source: Path | BinaryIO) -> dict[str, Any]:
    """Return the manifest of a dump after checking it is one this version loads."""
    try:
        with zipfile.ZipFile(source) as archive:
            tables = {t.name for t in sorted_tables(migrate.load_metadata())}  # the same tables as load
            entries = check_entries(archive, tables, MAX_TOTAL_BYTES)
            return _manifest(archive, entries, Budget(MAX_TOTAL_BYTES))
    except (zipfile.BadZipFile, OSError) as err:
        raise ArchiveError("Ce fichier n'est pas une archive zip lisible.") from err


def _manifest(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], budget: Budget) -> dict[str, Any]:
    try:
        manifest = json.loads(read_small(archive, entries["manifest.json"], budget))
    except ValueError as err:
        raise ArchiveError("manifest.json illisible.") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("Ce fichier n'est pas un dump Lieudit.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(
            f"Version de format {manifest.get('format_version')!r} inconnue de cette version de Lieudit."
        )
    if manifest.get("migration") != migrate.head_revision():
        raise ArchiveError(
            f"Ce dump vient d'un schéma à la migration {manifest.get('migration')!r}, cette version de Lieudit est à "
            f"{migrate.head_revision()!r} : faites le dump avec la même version de Lieudit (mettez d'abord l'instance d'origine à jour)."
        )
    return manifest


def _non_empty(conn: Any, tables: Iterable[Table]) -> list[str]:
    return [t.name for t in tables if conn.execute(select(func.count()).select_from(t)).scalar()]


def _deferred_columns(tables: list[Table]) -> dict[str, list[str]]:
    """Foreign-key columns to fill after insertion: they point to their own
    table or to one loaded later (the page ↔ current revision cycle)."""
    position = {t.name: i for i, t in enumerate(tables)}
    deferred: dict[str, list[str]] = {}
    for table in tables:
        for fk in table.foreign_keys:
            target = fk.column.table.name
            if position.get(target, -1) >= position[table.name]:
                if not fk.parent.nullable:
                    raise ArchiveError(
                        f"Colonne {table.name}.{fk.parent.name} : dépendance circulaire impossible à charger."
                    )
                deferred.setdefault(table.name, []).append(fk.parent.name)
    return deferred


def load(
    engine: Engine,
    source: Path,
    *,
    uploads: Path,
    max_total: int = MAX_TOTAL_BYTES,
    on_table: Callable[[str, int], None] | None = None,
) -> Summary:
    """Load the dump ``source`` into the empty database of ``engine`` and the ``uploads`` folder.

    Creates the schema when the database is new. Everything or nothing: on
    any error the database and the folder are left as they were.

    :raises ArchiveError: not a dump, another schema, unsafe archive, a
        non-empty instance, or rows the database refuses.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as err:
        raise ArchiveError("Ce fichier n'est pas une archive zip lisible.") from err
    with archive:
        metadata = migrate.load_metadata()
        tables = sorted_tables(metadata)
        entries = check_entries(archive, {t.name for t in tables}, max_total)
        budget = Budget(max_total)
        manifest = _manifest(archive, entries, budget)
        if uploads.exists() and any(uploads.iterdir()):
            raise ArchiveError(f"Le dossier {uploads} n'est pas vide : chargez le dump dans une instance neuve.")
        current = migrate.current_revision(engine)
        if current not in (None, manifest["migration"]):
            raise ArchiveError(f"La base est à la migration {current!r}, le dump à {manifest['migration']!r}.")
        created = current is None
        if created:
            migrate.upgrade(engine, None, backup=False)
        settings: dict[str, Any] = {}
        if "settings.json" in entries:
            try:
                loaded = json.loads(read_small(archive, entries["settings.json"], budget))
            except ValueError as err:
                raise ArchiveError("settings.json illisible.") from err
            settings = loaded if isinstance(loaded, dict) else {}
        staging = uploads.with_name(f".{uploads.name}.loading-{uuid.uuid4().hex[:8]}")
        summary = Summary(settings=settings, migration=manifest["migration"])
        try:
            for name, info in entries.items():
                if name.startswith("uploads/"):
                    copy_file(archive, info, staging, budget)
                    summary.files += 1
            try:
                _load_rows(engine, archive, entries, tables, budget, summary, on_table)
            except ArchiveError:
                if created:  # leave the database as it was: empty, without a schema
                    _drop_schema(engine, metadata)
                raise
            if staging.exists():
                if uploads.exists():
                    uploads.rmdir()
                staging.replace(uploads)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return summary


def _drop_schema(engine: Engine, metadata: Any) -> None:
    """Remove the schema this load created, so a refused load leaves nothing behind."""
    metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _load_rows(
    engine: Engine,
    archive: zipfile.ZipFile,
    entries: dict[str, zipfile.ZipInfo],
    tables: list[Table],
    budget: Budget,
    summary: Summary,
    on_table: Callable[[str, int], None] | None,
) -> None:
    """Insert every table's rows in one transaction."""
    from sqlalchemy.exc import DBAPIError

    deferred = _deferred_columns(tables)
    try:
        with engine.begin() as conn:
            busy = _non_empty(conn, tables)
            if busy:
                raise ArchiveError(
                    f"L'instance n'est pas vide ({', '.join(busy[:5])}…) : chargez le dump dans une instance neuve (sans « lieudit init »)."
                )
            later: dict[str, list[dict[str, Any]]] = {}
            for table in tables:
                info = entries.get(f"tables/{table.name}.jsonl")
                count = 0
                if info is not None:
                    count = _insert_table(
                        conn, table, read_lines(archive, info, budget), deferred.get(table.name, []), later
                    )
                summary.tables[table.name] = count
                if on_table:
                    on_table(table.name, count)
            for table in tables:
                _fill_deferred(conn, table, deferred.get(table.name, []), later.get(table.name, []))
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, tables)
    except DBAPIError as err:
        raise ArchiveError(f"La base a refusé les données du dump : {str(err.orig).strip()[:300]}") from err


def _insert_table(
    conn: Any, table: Table, rows: Iterator[dict[str, Any]], deferred: list[str], later: dict[str, list[dict[str, Any]]]
) -> int:
    columns = {c.name: c for c in table.columns}
    keys = [c.name for c in table.primary_key.columns]
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        unknown = set(row) - set(columns)
        if unknown:
            raise ArchiveError(f"Table {table.name} : colonnes inconnues {sorted(unknown)[:5]}.")
        values = {name: decode_value(column, row.get(name)) for name, column in columns.items()}
        postponed = {name: values[name] for name in deferred if values.get(name) is not None}
        if postponed:
            later.setdefault(table.name, []).append({**{f"pk_{k}": values[k] for k in keys}, **postponed})
            values.update(dict.fromkeys(postponed))
        batch.append(values)
        count += 1
        if len(batch) >= BATCH:
            conn.execute(table.insert(), batch)
            batch = []
    if batch:
        conn.execute(table.insert(), batch)
    return count


def _fill_deferred(conn: Any, table: Table, deferred: list[str], rows: list[dict[str, Any]]) -> None:
    keys = [c for c in table.primary_key.columns]
    for name in deferred:
        values = [row for row in rows if name in row]
        if not values:
            continue
        statement = (
            table.update()
            .where(*[k == bindparam(f"pk_{k.name}") for k in keys])
            .values({name: bindparam(f"new_{name}")})
        )
        for start in range(0, len(values), BATCH):
            chunk = values[start : start + BATCH]
            conn.execute(
                statement,
                [{**{f"pk_{k.name}": row[f"pk_{k.name}"] for k in keys}, f"new_{name}": row[name]} for row in chunk],
            )


def _reset_sequences(conn: Any, tables: list[Table]) -> None:
    """Move each serial sequence past the loaded ids (PostgreSQL)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or base_type(keys[0].type).python_type is not int:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({keys[0].name}), 0) + 1, false) FROM {table.name}"
            ),
            {"table": table.name, "column": keys[0].name},
        )
