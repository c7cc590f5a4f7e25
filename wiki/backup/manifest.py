"""The backup folder's contract: its layout, its manifest, and the checks a restore runs first.

Layout of a backup folder (``FORMAT_VERSION`` 1), every file ``0600`` in a ``0700`` folder::

    manifest.json              format, versions, schema revision, database kind, created_at,
                               each file's size and sha256, rows per table
    database/lieudit.db        SQLite: a consistent copy (backup API)
    database/lieudit.pgdump    PostgreSQL: ``pg_dump -Fc`` of the same snapshot the rows were counted in
    uploads/<path>             the attached files (``UPLOADS_DIR``)
    settings/config.py         the instance's settings file, when it has one
    settings/secret_key        the generated secret key, when it has one

The search index is not copied: it is derived from the database, and a
restore rebuilds it (a copy of a live Whoosh index would not match the
database snapshot anyway).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from pathlib import PurePosixPath
from typing import Any

FORMAT = "lieudit-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database/lieudit.db"
POSTGRES_FILE = "database/lieudit.pgdump"
#: Where each kind of database is stored in the folder.
DATABASE_FILES = {"sqlite": SQLITE_FILE, "postgresql": POSTGRES_FILE}
#: Read and hashed in blocks of this many bytes.
BLOCK = 1 << 20


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why, in French."""


@dataclass
class Manifest:
    """What a backup holds: the ``manifest.json`` of its folder."""

    lieudit_version: str
    schema_revision: str
    database: str
    created_at: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The manifest as written to disk."""
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "lieudit_version": self.lieudit_version,
            "schema_revision": self.schema_revision,
            "database": self.database,
            "created_at": self.created_at,
            "files": self.files,
            "tables": self.tables,
        }

    @property
    def upload_count(self) -> int:
        """How many attached files the backup holds."""
        return sum(1 for name in self.files if name.startswith("uploads/"))

    @property
    def size(self) -> int:
        """Bytes of every file of the backup but the manifest."""
        return sum(int(entry["size"]) for entry in self.files.values())


def sha256(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def describe(path: Path) -> dict[str, Any]:
    """The manifest entry of a file: its size and sha256."""
    return {"size": path.stat().st_size, "sha256": sha256(path)}


def folder_files(folder: Path) -> Iterator[str]:
    """Every file under ``folder`` but the manifest, as relative POSIX paths."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() or path.is_symlink():
            name = path.relative_to(folder).as_posix()
            if name != MANIFEST:
                yield name


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return bool(name) and not pure.is_absolute() and ".." not in pure.parts and "\\" not in name


def read(folder: Path) -> Manifest:
    """Read and check the manifest of ``folder`` and every file it lists, before anything is touched.

    Raises :class:`BackupError` (in French) for a missing or unreadable
    manifest, another format, a file missing, added, resized or whose
    checksum differs: a tampered or damaged backup is never restored.
    """
    if not folder.is_dir():
        raise BackupError(f"{folder} n'est pas un dossier de sauvegarde.")
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{folder} ne contient pas de {MANIFEST} : ce n'est pas une sauvegarde Lieudit.") from None
    except (OSError, ValueError) as err:
        raise BackupError(f"{MANIFEST} illisible : {err}.") from err
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} ne décrit pas une sauvegarde Lieudit.")
    if data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Format de sauvegarde {data.get('format_version')!r} inconnu de cette version (attendu : {FORMAT_VERSION})."
        )
    try:
        manifest = Manifest(
            lieudit_version=str(data["lieudit_version"]),
            schema_revision=str(data["schema_revision"]),
            database=str(data["database"]),
            created_at=str(data["created_at"]),
            files=dict(data["files"]),
            tables={str(k): int(v) for k, v in dict(data["tables"]).items()},
        )
    except (KeyError, TypeError, ValueError) as err:
        raise BackupError(f"{MANIFEST} incomplet : {err}.") from err
    if manifest.database not in DATABASE_FILES or DATABASE_FILES[manifest.database] not in manifest.files:
        raise BackupError(f"{MANIFEST} ne nomme pas de copie de base de données utilisable.")
    _verify_files(folder, manifest)
    return manifest


def _verify_files(folder: Path, manifest: Manifest) -> None:
    """Compare every file with its manifest entry; refuse unlisted files."""
    unlisted = sorted(set(folder_files(folder)) - set(manifest.files))
    if unlisted:
        raise BackupError(f"Fichier absent du manifeste : {unlisted[0]} ; sauvegarde refusée.")
    for name, entry in sorted(manifest.files.items()):
        path = folder / name
        if not _safe_name(name) or path.is_symlink():
            raise BackupError(f"Chemin refusé dans le manifeste : {name!r}.")
        if not path.is_file():
            raise BackupError(f"Fichier manquant dans la sauvegarde : {name}.")
        if path.stat().st_size != entry.get("size") or sha256(path) != entry.get("sha256"):
            raise BackupError(
                f"Somme de contrôle incorrecte pour {name} : la sauvegarde est altérée, rien n'est restauré."
            )
