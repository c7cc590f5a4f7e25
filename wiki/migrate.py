"""Schema migrations with Alembic, run programmatically.

``upgrade`` runs every pending migration inside one transaction, so an
interruption leaves the previous schema intact (B12-112); with ``backup`` it
first copies a SQLite database with ``VACUUM INTO`` (a consistent online
backup, never a file copy of a live database, B12-110). ``lieudit init`` and
``lieudit db upgrade`` go through :mod:`wiki.backup.upgrading` instead, which
backs up the whole instance on both databases first and puts the SQLite copy
back if a migration ended its transaction early.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from collections.abc import Collection
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import MetaData

if TYPE_CHECKING:  # alembic is imported where it is used: a web process never needs it
    from alembic.config import Config

#: Every module that declares tables, so the metadata is complete.
MODEL_MODULES: tuple[str, ...] = (
    "wiki.auth.models",
    "wiki.pages.models",
    "wiki.activity.models",
    "wiki.revisions",
    "wiki.records.models",
    "wiki.agenda.models",
    "wiki.exports.models",
    "geodata.models",
    "importers.models",
    "wiki.search.models",
    "wiki.moderation.models",
    "wiki.moderation.spam_models",
    "wiki.mail.models",
    "wiki.activity.watch_models",
    "wiki.freshness.models",
    "wiki.stats.models",
    "wiki.hibernation.models",
    "wiki.parties.models",
)
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: Tables that PostgreSQL extensions own (PostGIS's reference systems): not ours to compare or drop.
EXTENSION_TABLES = frozenset({"spatial_ref_sys"})


def load_metadata() -> MetaData:
    """Import every model module and return the shared metadata."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
    from wiki.db import Base

    return Base.metadata


def database_kinds(conn: Connection) -> tuple[str, ...]:
    """Name what a database is: its dialect, plus ``postgis`` when that extension is installed."""
    kinds: tuple[str, ...] = (conn.dialect.name,)
    if (
        conn.dialect.name == "postgresql"
        and conn.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").first()
    ):
        kinds += ("postgis",)
    return kinds


def object_filter(dialect: str | Collection[str]) -> Callable[..., bool]:
    """Return Alembic's ``include_object`` for ``dialect``: tables declared for other databases are left out.

    A table whose ``info["dialects"]`` names none of ``dialect`` (one name or
    several, see :func:`database_kinds`: the PostgreSQL search table on
    SQLite, the PostGIS tables without PostGIS) is neither created nor
    compared there.
    """
    kinds = {dialect} if isinstance(dialect, str) else set(dialect)

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "table" and reflected and compare_to is None and name in EXTENSION_TABLES:
            return False
        table = obj if type_ == "table" else getattr(obj, "table", None)
        dialects = getattr(table, "info", {}).get("dialects") if table is not None else None
        return dialects is None or bool(kinds.intersection(dialects))

    return include_object


def alembic_config(engine: Engine) -> Config:
    """Build an Alembic configuration bound to ``engine``."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """Return the newest migration id shipped with this version."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return script.get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """Return the migration id the database is at (None when empty)."""
    with engine.connect() as conn:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(engine: Engine, instance: Path) -> Path | None:
    """Copy a SQLite database with ``VACUUM INTO``; return the backup path."""
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        return None
    if not Path(engine.url.database).exists() or Path(engine.url.database).stat().st_size == 0:
        return None
    folder = instance / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = folder / f"before-upgrade-{stamp}.db"
    # VACUUM cannot run inside a transaction: use the driver connection,
    # which SQLAlchemy's SQLite set-up leaves in autocommit mode.
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        if driver is None:  # only once the pool has invalidated it: never for a fresh checkout
            raise RuntimeError("the SQLite connection was closed before the backup")
        driver.execute("VACUUM INTO ?", (str(target),))
    finally:
        raw.close()
    return target


def upgrade(engine: Engine, instance: Path | None = None, *, backup: bool = True) -> Path | None:
    """Apply pending migrations; back up SQLite first. Return the backup path."""
    current = current_revision(engine)
    if current == head_revision():
        return None
    # A new, empty database has nothing worth saving.
    saved = backup_sqlite(engine, instance) if backup and instance and current is not None else None
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    return saved
