"""``lieudit db upgrade`` made safe: a backup first, and a failed migration leaves the previous version usable.

Pending migrations run in one transaction on both databases
(``wiki/migrations/env.py``): PostgreSQL rolls its DDL back with the rest.
SQLite rolls back too, but a migration can end the transaction on its own
(a statement that commits, a batch-mode table copy); so after a failure the
live schema and revision are compared with the pre-upgrade copy, and if they
differ the copy is written back. Either way the instance is left at the
previous version and the error is raised as :class:`UpgradeFailed`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from wiki import migrate
from wiki.backup import databases
from wiki.backup import taking
from wiki.backup.manifest import SQLITE_FILE
from wiki.backup.manifest import BackupError


class UpgradeFailed(Exception):
    """A migration failed; the message says, in French, what was done to keep the previous version."""


@dataclass
class Upgraded:
    """What an upgrade did: the backup taken first (None for an empty database) and the new revision."""

    backup: Path | None
    revision: str


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    query = "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name"
    return [(str(a), str(b), str(c)) for a, b, c in conn.execute(query)]


def _sqlite_state(path: Path | str) -> tuple[list[tuple[str, str, str]], list[str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            versions = [str(row[0]) for row in conn.execute("SELECT version_num FROM alembic_version")]
        except sqlite3.OperationalError:
            versions = []
        return _schema(conn), versions
    finally:
        conn.close()


def upgrade(sources: taking.Sources, backups: Path) -> Upgraded:
    """Back the instance up into ``backups``, then apply every pending migration.

    Returns what was done; raises :class:`UpgradeFailed` after a failed
    migration, the database left (or put back) at its previous revision.
    """
    engine = sources.engine
    before = migrate.current_revision(engine)
    if before == migrate.head_revision():
        return Upgraded(backup=None, revision=before or "")
    saved = None
    if before is not None:  # a new, empty database has nothing worth saving
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        try:
            saved = taking.take(sources, backups / f"avant-mise-a-jour-{stamp}", link_uploads=True).folder
        except BackupError as err:
            raise UpgradeFailed(
                f"Sauvegarde avant la mise à jour impossible : {err} Aucune migration appliquée."
            ) from err
    try:
        migrate.upgrade(engine, None, backup=False)
    except Exception as err:
        raise UpgradeFailed(_recover(engine, saved, before, err)) from err
    return Upgraded(backup=saved, revision=migrate.head_revision())


def _recover(engine: Engine, saved: Path | None, before: str | None, err: Exception) -> str:
    """Leave the database at ``before`` after a failed migration; say how, in French."""
    engine.dispose()
    failure = f"La migration a échoué ({type(err).__name__} : {err})."
    if saved is None:
        return f"{failure} La base était vide : rien à restaurer."
    if engine.dialect.name != "sqlite":
        now = migrate.current_revision(engine)
        if now == before:
            return (
                f"{failure} La transaction a été annulée : la base est restée à la migration {before}, "
                f"utilisable par la version précédente. Sauvegarde prise avant : {saved}."
            )
        return f"{failure} La base est à la migration {now} : restaurez {saved} avec « lieudit restore --force »."
    copy = saved / SQLITE_FILE
    live = str(engine.url.database)
    if _sqlite_state(live) == _sqlite_state(copy):
        return (
            f"{failure} La transaction a été annulée : la base est restée à la migration {before}, "
            f"utilisable par la version précédente. Sauvegarde prise avant : {saved}."
        )
    databases.restore_sqlite(copy, engine)
    return (
        f"{failure} La base, laissée à moitié migrée, a été remise automatiquement dans son état d'avant "
        f"la mise à jour (migration {before}) depuis {saved}."
    )
