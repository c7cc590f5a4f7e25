"""Writing a dump: every table, the uploaded files, the settings and the manifest.

The database must be at this version's schema. Rows are read through one
snapshot (a consistent state on PostgreSQL), filtered by ``PublicFilter``
for a public dump, and the zip is written aside then renamed, so a failed
dump never leaves a half-written file under the target name.
"""

from __future__ import annotations

import glob
import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from wiki import migrate
from wiki.db import read_only_intent
from wiki.portability.archive import FORMAT
from wiki.portability.archive import FORMAT_VERSION
from wiki.portability.archive import ArchiveError
from wiki.portability.archive import Summary
from wiki.portability.public import PublicFilter
from wiki.portability.rows import sorted_tables
from wiki.portability.rows import table_rows
from wiki.portability.safety import is_upload_name


def dump(
    engine: Engine, target: Path, *, uploads: Path, settings: dict[str, Any], app_version: str, public: bool = False
) -> Summary:
    """Write the whole instance into the zip ``target`` (written aside, then renamed).

    ``public=True`` keeps only what anonymous visitors may see (``public.py``).

    :raises ArchiveError: the database is not at this version's schema.
    """
    revision = migrate.current_revision(engine)
    if revision != migrate.head_revision():
        raise ArchiveError(
            f"La base est à la migration {revision}, pas {migrate.head_revision()} : lancez d'abord « lieudit db upgrade »."
        )
    metadata = migrate.load_metadata()
    summary = Summary(settings=settings, migration=revision or "")
    _remove_stale_parts(target)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")
    # Owner-only from the first byte: a full dump holds personal data and password hashes.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with (
            os.fdopen(descriptor, "wb") as raw,
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive,
        ):
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
                            out.write(
                                json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
                            )
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
                        raise ArchiveError(
                            f"Nom de fichier impossible à transporter : {path} (renommez-le ou retirez-le)."
                        )
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
            archive.close()  # the central directory, before the sync: a full disk fails here, not after the rename
            raw.flush()
            os.fsync(raw.fileno())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return summary


def _remove_stale_parts(target: Path) -> None:
    """Delete what an earlier, killed dump to the same file left aside (personal data)."""
    for stale in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
        stale.unlink(missing_ok=True)


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
