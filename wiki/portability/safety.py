"""Reading an untrusted archive defensively (HOSTILE_INPUTS B7-58).

A dump comes from another server, or from anyone: before anything is
written, every entry name is checked (confined to the known tables and to
plain names under ``uploads/``, no links, no duplicates), the entry count and
the sizes the headers declare are bounded, and a suspicious compression ratio
refuses the archive. While streaming, ``Budget`` counts the bytes really
decompressed, whatever the headers claim, and rows are read one bounded line
at a time. The dump side uses ``is_upload_name`` too, so it never writes an
entry a load would refuse.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wiki.portability.archive import ArchiveError

#: Largest archive content accepted by ``load`` (uncompressed), in bytes.
MAX_TOTAL_BYTES = 20 * 1024**3
#: Most entries accepted in an archive.
MAX_ENTRIES = 1_000_000
#: Largest row (one JSON line), in bytes.
MAX_LINE_BYTES = 64 * 1024**2
#: Largest compression ratio of a big entry (zip bombs reach thousands).
MAX_RATIO = 200
#: One folder or file name under ``uploads/``: no separator, control
#: character or leading dot (so never ``.`` or ``..``), at most 255 characters.
_SAFE_SEGMENT = re.compile(r"[^./\\\x00-\x1f\x7f:][^/\\\x00-\x1f\x7f:]{0,254}")
MAX_DEPTH = 8


def is_upload_name(name: str) -> bool:
    """Tell whether ``name`` is an acceptable ``uploads/…`` entry (confined, plain names)."""
    parts = name.split("/")
    return (
        parts[0] == "uploads"
        and 2 <= len(parts) <= MAX_DEPTH + 1
        and all(_SAFE_SEGMENT.fullmatch(p) for p in parts[1:])
    )


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


def check_entries(archive: zipfile.ZipFile, tables: set[str], max_total: int) -> dict[str, zipfile.ZipInfo]:
    """Return the archive's file entries by name after checking names, links, duplicates, count and declared sizes."""
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


class Budget:
    """Counts bytes really decompressed, whatever the headers claim."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, size: int) -> None:
        """Count ``size`` more bytes, or raise once the limit is passed."""
        self.left -= size
        if self.left < 0:
            raise ArchiveError("L'archive décompressée dépasse la taille permise : chargement annulé.")


def read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget, limit: int = 16 * 1024**2) -> bytes:
    """Return the whole content of a small entry (manifest, settings), refused past ``limit`` bytes."""
    with archive.open(info) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ArchiveError(f"{info.filename} est trop volumineux.")
    budget.take(len(data))
    return data


def read_lines(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> Iterator[dict[str, Any]]:
    """Yield the JSON object of each line of a table entry, each line bounded by ``MAX_LINE_BYTES``."""
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


def copy_file(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path, budget: Budget) -> None:
    """Write an ``uploads/…`` entry under ``root``, refusing a path outside it or a file already there."""
    target = root / info.filename.removeprefix("uploads/")
    if not target.resolve().is_relative_to(root.resolve()):
        raise ArchiveError(f"Entrée hors du dossier des fichiers : {info.filename[:200]!r}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as source, open(target, "xb") as out:
        while chunk := source.read(1024 * 1024):
            budget.take(len(chunk))
            out.write(chunk)
