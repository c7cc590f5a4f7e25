"""Taking a backup: the database, the attached files and the settings, into a new private folder.

Everything is written into a temporary folder beside the target, ``0700``
with ``0600`` files (it holds password hashes and the secret key), and the
folder is renamed to its name only once the manifest is written: a backup
that fails or is killed never leaves a partial folder under the target name.
The database is copied first; files attached later are copied too (harmless
orphans), a file deleted meanwhile is left out and counted.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from wiki import migrate
from wiki.backup import databases
from wiki.backup.manifest import DATABASE_FILES
from wiki.backup.manifest import MANIFEST
from wiki.backup.manifest import BackupError
from wiki.backup.manifest import Manifest
from wiki.backup.manifest import describe

#: The instance files that travel with a backup, by their name in ``settings/``.
SETTINGS_FILES = ("config.py", "secret_key")


@dataclass
class Sources:
    """Where the instance keeps what a backup copies."""

    engine: Engine
    uploads: Path
    instance: Path
    lieudit_version: str


@dataclass
class Taken:
    """A finished backup: its folder, its manifest, and files that vanished while it ran."""

    folder: Path
    manifest: Manifest
    vanished: int = 0


def _private_copy(source: Path, target: Path, *, link: bool) -> None:
    """Copy (or hard-link) ``source`` to ``target``; a copy is made ``0600``."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if link:
        try:
            os.link(source, target)  # same inode: no chmod, the 0700 folder keeps it private
            return
        except OSError:
            pass
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as inp:
        shutil.copyfileobj(inp, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())


def _copy_uploads(root: Path, folder: Path, *, link: bool) -> int:
    """Copy every attached file; return how many vanished before they could be read."""
    vanished = 0
    if not root.is_dir():
        return 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            _private_copy(path, folder / "uploads" / path.relative_to(root), link=link)
        except FileNotFoundError:
            vanished += 1
    return vanished


def _seal(folder: Path) -> None:
    """Make every sub-folder ``0700`` and flush the folder entries, so the rename publishes files on disk."""
    for path in [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())]:
        path.chmod(0o700)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def take(sources: Sources, target: Path, *, link_uploads: bool = False) -> Taken:
    """Write a complete backup of the instance into the new folder ``target``.

    ``link_uploads`` hard-links the attached files instead of copying them
    (the pre-upgrade backup: migrations never touch files, and uploads are
    written by rename, never in place). Raises :class:`BackupError` (French)
    if ``target`` exists or a step fails; nothing is left behind then.
    """
    target = target.absolute()
    if target.exists():
        raise BackupError(f"{target} existe déjà : choisissez un nouveau dossier pour la sauvegarde.")
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.partiel-", dir=target.parent))  # mode 0700
    try:
        taken = _fill(sources, temporary, link_uploads=link_uploads)
        _seal(temporary)
        os.rename(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    taken.folder = target
    return taken


def _fill(sources: Sources, folder: Path, *, link_uploads: bool) -> Taken:
    kind = sources.engine.dialect.name
    if kind not in DATABASE_FILES:
        raise BackupError(f"Base de données {kind} non prise en charge par la sauvegarde.")
    created = datetime.now(UTC)
    revision = migrate.current_revision(sources.engine) or ""
    database = folder / DATABASE_FILES[kind]
    database.parent.mkdir(mode=0o700)
    if kind == "sqlite":
        tables = databases.copy_sqlite(sources.engine, database)
        database.chmod(0o600)
    else:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # pg_dump keeps the mode
        tables = databases.dump_postgres(sources.engine, database)
    vanished = _copy_uploads(sources.uploads, folder, link=link_uploads)
    for name in SETTINGS_FILES:
        path = sources.instance / name
        if path.is_file():
            _private_copy(path, folder / "settings" / name, link=False)
    manifest = Manifest(
        lieudit_version=sources.lieudit_version,
        schema_revision=revision,
        database=kind,
        created_at=created.isoformat(timespec="seconds").replace("+00:00", "Z"),
        files={p.relative_to(folder).as_posix(): describe(p) for p in sorted(folder.rglob("*")) if p.is_file()},
        tables=tables,
    )
    _write_manifest(folder / MANIFEST, manifest)
    return Taken(folder=folder, manifest=manifest, vanished=vanished)


def _write_manifest(path: Path, manifest: Manifest) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(manifest.as_json(), out, ensure_ascii=False, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
