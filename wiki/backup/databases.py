"""Copying a live database out and back in, for SQLite and PostgreSQL.

SQLite is copied with its online backup API in one step: the copy is the
snapshot of one read transaction, while writers go on (WAL), never a file copy
of a live database (HOSTILE_INPUTS B12-110). PostgreSQL is copied by
``pg_dump -Fc`` on a snapshot exported by a repeatable-read transaction, in
which the rows are counted too: the counts describe exactly the dumped data.
Restores go the other way: the backup API into the configured SQLite file
(the target's WAL handled by SQLite itself), ``pg_restore`` in one
transaction into the configured PostgreSQL database.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy import text

from wiki.backup.manifest import BackupError
from wiki.migrate import EXTENSION_TABLES

#: Where Debian installs each major version's PostgreSQL programs (``<major>/bin``), out of PATH.
PG_VERSIONS_DIR = Path("/usr/lib/postgresql")


def find_pg_tool(name: str) -> Path:
    """The newest PostgreSQL client ``name`` (``pg_dump``, ``pg_restore``): Debian's version folders, then PATH."""
    found: list[tuple[float, Path]] = []
    for bindir in PG_VERSIONS_DIR.glob("*/bin"):
        try:
            found.append((float(bindir.parent.name), bindir / name))
        except ValueError:
            continue
    for _, path in sorted(found, reverse=True):
        if path.is_file() and os.access(path, os.X_OK):
            return path
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    raise BackupError(
        f"Programme {name} introuvable (ni dans /usr/lib/postgresql/*/bin ni dans le PATH) : "
        "installez le paquet « postgresql-client » de la version de votre serveur."
    )


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """The database URL for PostgreSQL's tools, and an environment carrying the password."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(argv: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what} a échoué (code {result.returncode}) : {' / '.join(detail)}")


def user_tables(engine: Engine) -> list[str]:
    """The tables of the database, those of PostgreSQL extensions left out."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            sql = (
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT EXISTS "
                "(SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')"
            )
        names = [row[0] for row in conn.exec_driver_sql(sql)]
    return sorted(name for name in names if name not in EXTENSION_TABLES)


def _count(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]) for name in tables}


def copy_sqlite(engine: Engine, target: Path) -> dict[str, int]:
    """Copy the live SQLite database into ``target`` in one consistent step; return its rows per table."""
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas.")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination, pages=-1)  # one step: one read snapshot, writers go on (WAL)
        # A self-contained file (no -wal beside it): its checksum stays what the manifest says.
        destination.execute("PRAGMA journal_mode=DELETE")
        tables = [
            row[0]
            for row in destination.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return _count(destination, tables)
    finally:
        destination.close()
        source.close()


def dump_postgres(engine: Engine, target: Path) -> dict[str, int]:
    """``pg_dump -Fc`` the database into ``target`` on one snapshot, its rows counted in that snapshot."""
    pg_dump = find_pg_tool("pg_dump")
    url, env = _libpq(engine)
    tables = user_tables(engine)
    with engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ")
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        counts = {name: int(conn.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()) for name in tables}
        # The transaction stays open while pg_dump reads: the snapshot lives as long as it does.
        argv = [str(pg_dump), "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={url}"]
        _run(argv, env, "pg_dump")
        conn.rollback()
    return counts


def integrity(path: Path) -> str:
    """SQLite's ``PRAGMA integrity_check`` of a database file (``ok`` when sound)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(str(row[0]) for row in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def restore_sqlite(source: Path, engine: Engine) -> None:
    """Write the SQLite copy ``source`` over the configured database, then check its integrity."""
    target = engine.url.database
    if not target or target == ":memory:":
        raise BackupError("La base configurée est en mémoire : rien à restaurer.")
    checked = integrity(source)
    if checked != "ok":
        raise BackupError(f"La copie de la base est endommagée (integrity_check : {checked}).")
    engine.dispose()
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer, pages=-1)  # replaces every page of the target, its WAL included
        writer.execute("PRAGMA journal_mode=WAL")
    finally:
        writer.close()
        reader.close()
    engine.dispose()
    checked = integrity(Path(target))
    if checked != "ok":
        raise BackupError(f"La base restaurée ne passe pas integrity_check : {checked}.")


def restore_postgres(source: Path, engine: Engine, *, replace: bool) -> None:
    """``pg_restore`` the dump ``source`` into the configured database, in one transaction.

    With ``replace``, the current schema is emptied first (``DROP SCHEMA …
    CASCADE``, in the same all-or-nothing spirit: pg_restore then recreates
    the extensions it needs, ``IF NOT EXISTS``).
    """
    pg_restore = find_pg_tool("pg_restore")
    url, env = _libpq(engine)
    engine.dispose()
    if replace:
        with engine.begin() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        engine.dispose()
    argv = [
        str(pg_restore),
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        f"--dbname={url}",
        str(source),
    ]
    _run(argv, env, "pg_restore")
    engine.dispose()
