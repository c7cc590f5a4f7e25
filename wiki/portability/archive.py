"""The dump archive: write it from a database, read it back into an empty one.

Layout of the zip (``FORMAT_VERSION`` 1)::

    manifest.json          format, versions, migration, created_at, counts
    settings.json          non-secret settings that differ from the defaults
    tables/<table>.jsonl   one JSON object per row, tables in foreign-key order
    uploads/<path>         the files of the instance's ``uploads`` folder

Tables come from ``migrate.load_metadata()``: tables other packages add are
included without change here. Values are encoded by column type (dates as
ISO 8601, binary as base64, JSON as is). Loading refuses a non-empty
database or a dump of another schema revision, reads the archive defensively
(names confined, no links, sizes and entry count checked while streaming:
HOSTILE_INPUTS B7-58), inserts everything in one transaction (foreign keys
that point forward or to their own table are filled in after the rows
exist), moves PostgreSQL sequences past the loaded ids, and only then puts
the files in place.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import stat
import uuid
import zipfile
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from typing import BinaryIO

from sqlalchemy import JSON
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Engine
from sqlalchemy import LargeBinary
from sqlalchemy import MetaData
from sqlalchemy import Numeric
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.types import TypeDecorator
from sqlalchemy.types import TypeEngine

from wiki import migrate
from wiki.db import read_only_intent
from wiki.portability.public import PublicFilter

FORMAT = "lieudit-dump"
FORMAT_VERSION = 1
BATCH = 1000
#: Largest archive content accepted by ``load`` (uncompressed), in bytes.
MAX_TOTAL_BYTES = 20 * 1024**3
#: Most entries accepted in an archive.
MAX_ENTRIES = 1_000_000
#: Largest row (one JSON line), in bytes.
MAX_LINE_BYTES = 64 * 1024**2
#: Largest compression ratio of a big entry (zip bombs reach thousands).
MAX_RATIO = 200
#: Settings never written to a dump: secrets and what belongs to one server.
PRIVATE_SETTINGS = frozenset({"SECRET_KEY", "DATABASE_URL", "SEARCH_BACKEND", "TRUSTED_PROXIES", "SESSION_COOKIE_SECURE"})
#: One folder or file name under ``uploads/``: no separator, control
#: character or leading dot (so never ``.`` or ``..``), at most 255 characters.
_SAFE_SEGMENT = re.compile(r"[^./\\\x00-\x1f\x7f:][^/\\\x00-\x1f\x7f:]{0,254}")
MAX_DEPTH = 8


class ArchiveError(Exception):
    """The archive cannot be written or loaded; the message says why, in French."""


@dataclass
class Summary:
    """What a dump or a load did: rows per table and files."""

    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    migration: str = ""
    #: Tables left out of a public dump.
    excluded: list[str] = field(default_factory=list)


# --- values ------------------------------------------------------------------------


def _base_type(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind


def encode_value(column: Column[Any], value: Any) -> Any:
    """Turn a value read from ``column`` into JSON."""
    if value is None:
        return None
    kind = _base_type(column.type)
    if isinstance(kind, JSON):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def decode_value(column: Column[Any], value: Any) -> Any:
    """Turn a JSON value back into what ``column`` takes."""
    if value is None:
        return None
    kind = _base_type(column.type)
    if isinstance(kind, JSON):
        return value
    if isinstance(kind, DateTime):
        parsed = datetime.fromisoformat(value)
        # UTC columns hand out aware datetimes and take them back.
        return parsed if parsed.tzinfo or not isinstance(column.type, TypeDecorator) else parsed.replace(tzinfo=UTC)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    if isinstance(kind, Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


def _order(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns) or list(table.columns)


def table_rows(conn: Any, table: Table) -> Iterator[dict[str, Any]]:
    """Yield the rows of ``table`` as JSON objects, in primary-key order."""
    result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(select(table).order_by(*_order(table)))
    for row in result.mappings():
        yield {column.name: encode_value(column, row[column.name]) for column in table.columns}


def sorted_tables(metadata: MetaData) -> list[Table]:
    """Tables in foreign-key order (cycles broken by SQLAlchemy), without database-specific ones.

    A table declared for some databases only (``info["dialects"]``: the
    PostgreSQL search index, the PostGIS copies of geometries) holds derived
    data that the target rebuilds (``lieudit search rebuild``, triggers): it
    is neither dumped nor loaded, so dumps travel between SQLite and PostgreSQL.
    """
    import warnings

    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        return [table for table in metadata.sorted_tables if not table.info.get("dialects")]


# --- dump --------------------------------------------------------------------------


def public_settings(config: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """The settings worth carrying to another instance: known, changed, not secret."""
    chosen = {}
    for key, default in defaults.items():
        if key in PRIVATE_SETTINGS or key not in config or config[key] == default:
            continue
        value = config[key]
        value = list(value) if isinstance(value, tuple) else value
        try:
            json.dumps(value)
        except TypeError:
            continue
        chosen[key] = value
    return chosen


def accepted_settings(loaded: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """Settings read from an archive that may be written to ``config.py``:
    known keys, not secret, plain text, numbers, yes/no or lists of text."""
    if not isinstance(loaded, dict):
        return {}

    def plain(value: Any) -> bool:
        return isinstance(value, str | bool | int) or (isinstance(value, list) and all(isinstance(item, str) for item in value))

    return {key: value for key, value in loaded.items() if key in defaults and key not in PRIVATE_SETTINGS and plain(value)}


def dump(engine: Engine, target: Path, *, uploads: Path, settings: dict[str, Any], app_version: str, public: bool = False) -> Summary:
    """Write the whole instance into the zip ``target`` (written aside, then renamed).

    ``public=True`` keeps only what anonymous visitors may see (``public.py``).

    :raises ArchiveError: the database is not at this version's schema.
    """
    revision = migrate.current_revision(engine)
    if revision != migrate.head_revision():
        raise ArchiveError(f"La base est à la migration {revision}, pas {migrate.head_revision()} : lancez d'abord « lieudit db upgrade ».")
    metadata = migrate.load_metadata()
    summary = Summary(settings=settings, migration=revision or "")
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            with read_only_intent(), _snapshot(engine) as conn:
                kept = PublicFilter.build(conn, metadata) if public else None
                for table in sorted_tables(metadata):
                    if kept is not None and not kept.keeps_table(table.name):
                        summary.excluded.append(table.name)
                        continue
                    rows = table_rows(conn, table) if kept is None else kept.rows(table.name, table_rows(conn, table))
                    count = 0
                    with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as out:
                        for row in rows:
                            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
                            count += 1
                    summary.tables[table.name] = count
            # Files after the rows: every attachment row then has its file.
            for path in sorted(uploads.rglob("*")) if uploads.is_dir() else []:
                relative = path.relative_to(uploads)
                if any(part.startswith(".") for part in relative.parts):
                    continue  # temporary and hidden files are not content
                if kept is not None and not kept.keeps_file(relative.as_posix()):
                    continue
                if path.is_file() and not path.is_symlink():
                    name = "uploads/" + relative.as_posix()
                    if not is_upload_name(name):
                        # A dump must load again: never write an entry ``load`` refuses.
                        raise ArchiveError(f"Nom de fichier impossible à transporter : {path} (renommez-le ou retirez-le).")
                    archive.write(path, name)
                    summary.files += 1
            archive.writestr("settings.json", json.dumps(settings, ensure_ascii=False, indent=1))
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version,
                "migration": revision,
                "database": engine.dialect.name,
                "created_at": datetime.now(UTC).isoformat(),
                "tables": summary.tables,
                "files": summary.files,
                "public": public,
                "excluded_tables": summary.excluded,
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return summary


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Any]:
    """A connection whose reads all see one consistent state."""
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect() as conn:
        conn = conn.execution_options(**options)
        transaction = conn.begin()
        try:
            yield conn
        finally:
            transaction.rollback()


# --- reading an archive safely ------------------------------------------------------


def is_upload_name(name: str) -> bool:
    """Tell whether ``name`` is an acceptable ``uploads/…`` entry (confined, plain names)."""
    parts = name.split("/")
    return parts[0] == "uploads" and 2 <= len(parts) <= MAX_DEPTH + 1 and all(_SAFE_SEGMENT.fullmatch(p) for p in parts[1:])


def _check_name(name: str, tables: set[str]) -> str:
    """Return the kind of an entry (manifest, settings, table, upload) or raise."""
    if name in ("manifest.json", "settings.json"):
        return name
    match = re.fullmatch(r"tables/([a-z_][a-z0-9_]{0,62})\.jsonl", name)
    if match and match.group(1) in tables:
        return "table"
    if is_upload_name(name):
        return "upload"
    raise ArchiveError(f"Entrée inattendue dans l'archive : {name[:200]!r}.")


def _check_entries(archive: zipfile.ZipFile, tables: set[str], max_total: int) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ArchiveError(f"L'archive contient trop d'entrées ({len(infos)}).")
    entries: dict[str, zipfile.ZipInfo] = {}
    declared = 0
    for info in infos:
        if info.is_dir():
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ArchiveError(f"Lien symbolique refusé dans l'archive : {info.filename[:200]!r}.")
        _check_name(info.filename, tables)
        if info.filename in entries:
            raise ArchiveError(f"Entrée en double dans l'archive : {info.filename[:200]!r}.")
        if info.file_size > 1024**2 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ArchiveError(f"Taux de compression suspect pour {info.filename[:200]!r} : archive refusée.")
        declared += info.file_size
        entries[info.filename] = info
    if declared > max_total:
        raise ArchiveError(f"L'archive décompressée dépasserait {max_total} octets.")
    if "manifest.json" not in entries:
        raise ArchiveError("Ce fichier n'est pas un dump Lieudit : manifest.json manquant.")
    return entries


class _Budget:
    """Counts bytes really decompressed, whatever the headers claim."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ArchiveError("L'archive décompressée dépasse la taille permise : chargement annulé.")


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, limit: int = 16 * 1024**2) -> bytes:
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ArchiveError(f"{info.filename} est trop volumineux.")
    budget.take(len(data))
    return data


def _lines(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget) -> Iterator[dict[str, Any]]:
    with archive.open(info) as handle:
        number = 0
        while True:
            line = handle.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            number += 1
            budget.take(len(line))
            if len(line) > MAX_LINE_BYTES:
                raise ArchiveError(f"{info.filename}, ligne {number} : ligne trop longue.")
            try:
                row = json.loads(line)
            except ValueError as err:
                raise ArchiveError(f"{info.filename}, ligne {number} : JSON invalide ({err}).") from err
            if not isinstance(row, dict):
                raise ArchiveError(f"{info.filename}, ligne {number} : un objet JSON est attendu.")
            yield row


def _copy_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path, budget: _Budget) -> None:
    target = root / info.filename.removeprefix("uploads/")
    if not target.resolve().is_relative_to(root.resolve()):
        raise ArchiveError(f"Entrée hors du dossier des fichiers : {info.filename[:200]!r}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as source, open(target, "xb") as out:
        while chunk := source.read(1024 * 1024):
            budget.take(len(chunk))
            out.write(chunk)


# --- load --------------------------------------------------------------------------


def read_manifest(source: Path | BinaryIO) -> dict[str, Any]:
    """Return the manifest of a dump after checking it is one this version loads."""
    try:
        with zipfile.ZipFile(source) as archive:
            tables = {t.name for t in migrate.load_metadata().sorted_tables}
            entries = _check_entries(archive, tables, MAX_TOTAL_BYTES)
            return _manifest(archive, entries, _Budget(MAX_TOTAL_BYTES))
    except zipfile.BadZipFile as err:
        raise ArchiveError("Ce fichier n'est pas une archive zip lisible.") from err


def _manifest(archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], budget: _Budget) -> dict[str, Any]:
    try:
        manifest = json.loads(_read_small(archive, entries["manifest.json"], budget))
    except ValueError as err:
        raise ArchiveError("manifest.json illisible.") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ArchiveError("Ce fichier n'est pas un dump Lieudit.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise ArchiveError(f"Version de format {manifest.get('format_version')!r} inconnue de cette version de Lieudit.")
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
                    raise ArchiveError(f"Colonne {table.name}.{fk.parent.name} : dépendance circulaire impossible à charger.")
                deferred.setdefault(table.name, []).append(fk.parent.name)
    return deferred


def load(engine: Engine, source: Path, *, uploads: Path, max_total: int = MAX_TOTAL_BYTES, on_table: Callable[[str, int], None] | None = None) -> Summary:
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
        entries = _check_entries(archive, {t.name for t in tables}, max_total)
        budget = _Budget(max_total)
        manifest = _manifest(archive, entries, budget)
        if uploads.exists() and any(uploads.iterdir()):
            raise ArchiveError(f"Le dossier {uploads} n'est pas vide : chargez le dump dans une instance neuve.")
        current = migrate.current_revision(engine)
        if current not in (None, manifest["migration"]):
            raise ArchiveError(f"La base est à la migration {current!r}, le dump à {manifest['migration']!r}.")
        if current is None:
            migrate.upgrade(engine, None, backup=False)
        settings: dict[str, Any] = {}
        if "settings.json" in entries:
            loaded = json.loads(_read_small(archive, entries["settings.json"], budget))
            settings = loaded if isinstance(loaded, dict) else {}
        staging = uploads.with_name(f".{uploads.name}.loading-{uuid.uuid4().hex[:8]}")
        summary = Summary(settings=settings, migration=manifest["migration"])
        try:
            for name, info in entries.items():
                if name.startswith("uploads/"):
                    _copy_file(archive, info, staging, budget)
                    summary.files += 1
            _load_rows(engine, archive, entries, tables, budget, summary, on_table)
            if staging.exists():
                if uploads.exists():
                    uploads.rmdir()
                staging.replace(uploads)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return summary


def _load_rows(
    engine: Engine, archive: zipfile.ZipFile, entries: dict[str, zipfile.ZipInfo], tables: list[Table], budget: _Budget,
    summary: Summary, on_table: Callable[[str, int], None] | None,
) -> None:
    """Insert every table's rows in one transaction."""
    from sqlalchemy.exc import DBAPIError

    deferred = _deferred_columns(tables)
    try:
        with engine.begin() as conn:
            busy = _non_empty(conn, tables)
            if busy:
                raise ArchiveError(f"L'instance n'est pas vide ({', '.join(busy[:5])}…) : chargez le dump dans une instance neuve (sans « lieudit init »).")
            later: dict[str, list[dict[str, Any]]] = {}
            for table in tables:
                info = entries.get(f"tables/{table.name}.jsonl")
                count = 0
                if info is not None:
                    count = _insert_table(conn, table, _lines(archive, info, budget), deferred.get(table.name, []), later)
                summary.tables[table.name] = count
                if on_table:
                    on_table(table.name, count)
            for table in tables:
                _fill_deferred(conn, table, deferred.get(table.name, []), later.get(table.name, []))
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn, tables)
    except DBAPIError as err:
        raise ArchiveError(f"La base a refusé les données du dump : {str(err.orig).strip()[:300]}") from err


def _insert_table(conn: Any, table: Table, rows: Iterator[dict[str, Any]], deferred: list[str], later: dict[str, list[dict[str, Any]]]) -> int:
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
        statement = table.update().where(*[k == bindparam(f"pk_{k.name}") for k in keys]).values({name: bindparam(f"new_{name}")})
        for start in range(0, len(values), BATCH):
            chunk = values[start : start + BATCH]
            conn.execute(statement, [{**{f"pk_{k.name}": row[f"pk_{k.name}"] for k in keys}, f"new_{name}": row[name]} for row in chunk])


def _reset_sequences(conn: Any, tables: list[Table]) -> None:
    """Move each serial sequence past the loaded ids (PostgreSQL)."""
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not keys[0].autoincrement or _base_type(keys[0].type).python_type is not int:
            continue
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({keys[0].name}), 0) + 1, false) FROM {table.name}"
            ),
            {"table": table.name, "column": keys[0].name},
        )
