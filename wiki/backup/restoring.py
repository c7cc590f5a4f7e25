"""Restoring a backup folder into this instance: checked first, then database, files and settings.

Order, so that a refusal touches nothing: the manifest and every checksum
(:func:`wiki.backup.manifest.read`), the schema revision (a backup newer than
this code is refused), the database kind, then whether the target database is
empty (``force`` replaces it). Only then the database is restored, the
attached files put in place (the previous folder, if any, is moved aside,
never deleted), the settings written, and the schema upgraded when the backup
is older. Rebuilding the search index is the caller's last step.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from wiki import migrate
from wiki.backup import databases
from wiki.backup import manifest as layout
from wiki.backup.manifest import BackupError
from wiki.backup.manifest import Manifest


@dataclass
class Restored:
    """What a restore did."""

    manifest: Manifest
    upgraded_to: str | None = None
    #: Where the previous attached files were moved, if there were any.
    set_aside: Path | None = None
    #: Settings files kept as they were, the backup's copy written beside them.
    kept_settings: list[Path] = field(default_factory=list)


def check_revision(revision: str) -> None:
    """Refuse a schema revision this code does not know (a newer version's)."""
    from alembic.script import ScriptDirectory  # only a restore needs Alembic, never a worker
    from alembic.util import CommandError

    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    try:
        known = revision and script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"La sauvegarde est au schéma {revision or '(vide)'}, inconnu de cette version de Lieudit "
            f"(schéma le plus récent : {migrate.head_revision()}) : mettez Lieudit à jour avant de la restaurer."
        )


def restore(folder: Path, engine: Engine, *, uploads: Path, instance: Path, force: bool = False) -> Restored:
    """Restore the backup ``folder`` into the database of ``engine``, ``uploads`` and ``instance``.

    Raises :class:`BackupError` (French) before touching anything when the
    backup is damaged, newer than this code, of another database kind, or
    when the target database holds tables and ``force`` is not given.
    """
    found = layout.read(folder)
    check_revision(found.schema_revision)
    kind = engine.dialect.name
    if found.database != kind:
        raise BackupError(
            f"Sauvegarde d'une base {found.database}, instance configurée sur {kind} : "
            "utilisez « lieudit dump » / « lieudit load » pour changer de base."
        )
    existing = databases.user_tables(engine)
    if existing and not force:
        raise BackupError(
            f"La base de données cible n'est pas vide ({len(existing)} table(s)) : la restauration la remplacerait. "
            "Relancez avec --force pour l'écraser."
        )
    source = folder / layout.DATABASE_FILES[kind]
    if kind == "sqlite":
        databases.restore_sqlite(source, engine)
    else:
        databases.restore_postgres(source, engine, replace=bool(existing))
    done = Restored(manifest=found)
    done.set_aside = _put_uploads(folder / "uploads", uploads)
    done.kept_settings = _put_settings(folder / "settings", instance)
    if found.schema_revision != migrate.head_revision():
        migrate.upgrade(engine, None, backup=False)
        done.upgraded_to = migrate.head_revision()
    return done


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S")


def _put_uploads(source: Path, uploads: Path) -> Path | None:
    """Copy the backup's files into a new folder beside ``uploads``, then swap it in."""
    uploads = uploads.absolute()
    uploads.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{uploads.name}.restauration-", dir=uploads.parent))
    try:
        if source.is_dir():
            shutil.copytree(source, fresh, dirs_exist_ok=True)
        fresh.chmod(0o755)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    aside = None
    if uploads.exists() and any(uploads.iterdir()):
        aside = uploads.with_name(f"{uploads.name}.avant-restauration-{_stamp()}")
        os.rename(uploads, aside)
    elif uploads.exists():
        uploads.rmdir()
    os.rename(fresh, uploads)
    return aside


def _put_settings(source: Path, instance: Path) -> list[Path]:
    """Write the backup's settings files; keep a differing existing one, the backup's copy beside it."""
    kept = []
    instance.mkdir(parents=True, exist_ok=True)
    for name in ("config.py", "secret_key"):
        saved = source / name
        if not saved.is_file():
            continue
        current = instance / name
        # The secret key always comes back (sessions and signed links stay valid); a settings file
        # may name this instance's own database: an existing different one is kept.
        if name == "config.py" and current.exists() and not filecmp.cmp(saved, current, shallow=False):
            current = instance / f"config.py.restauree-{_stamp()}"
            kept.append(current)
        temporary = current.with_name(f".{current.name}.tmp")
        shutil.copyfile(saved, temporary)
        temporary.chmod(0o600)
        os.replace(temporary, current)
    return kept
