"""A backup is checked whole before a restore touches anything; a failed backup leaves nothing behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.wiki.backup.conftest import kind_of
from tests.wiki.backup.conftest import small_fill
from wiki.backup import databases
from wiki.backup import taking
from wiki.backup.manifest import MANIFEST
from wiki.backup.manifest import SQLITE_FILE
from wiki.db import Database

pytestmark = pytest.mark.sqlite_only  # the checks read files only; the database steps run on both in test_drill


@pytest.fixture
def taken(app, tmp_path) -> Path:
    """A backup of a populated instance."""
    small_fill(app)
    folder = tmp_path / "sauvegarde"
    result = app.test_cli_runner().invoke(args=["backup", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _flip_a_byte(folder: Path) -> None:
    path = folder / SQLITE_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _add_a_file(folder: Path) -> None:
    (folder / "uploads" / "ajout.php").write_text("<?php system($_GET['c']);")


def _remove_a_file(folder: Path) -> None:
    next((folder / "uploads").rglob("*.png")).unlink()


def _rewrite_manifest(**changes: object) -> object:
    def edit(folder: Path) -> None:
        data = json.loads((folder / MANIFEST).read_text())
        data.update(changes)
        (folder / MANIFEST).write_text(json.dumps(data))

    return edit


def _escape(folder: Path) -> None:
    data = json.loads((folder / MANIFEST).read_text())
    data["files"]["../../instance/config.py"] = {"size": 1, "sha256": "0"}
    (folder / MANIFEST).write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (_flip_a_byte, "Somme de contrôle incorrecte pour database/lieudit.db"),
        (_add_a_file, "Fichier absent du manifeste : uploads/ajout.php"),
        (_remove_a_file, "Fichier manquant dans la sauvegarde : uploads/"),
        (_escape, "Chemin refusé dans le manifeste"),
        (_rewrite_manifest(schema_revision="9999"), "inconnu de cette version de Lieudit"),
        (_rewrite_manifest(format_version=2), "Format de sauvegarde 2 inconnu"),
        (lambda folder: (folder / MANIFEST).unlink(), "ne contient pas de manifest.json"),
        (_rewrite_manifest(database="oracle"), "ne nomme pas de copie de base de données utilisable"),
    ],
)
def test_a_damaged_or_newer_backup_is_refused_before_anything_is_touched(taken, fresh_app, damage, message):
    damage(taken)
    target = fresh_app("sqlite")
    instance = Path(target.instance_path)
    before = sorted(p.name for p in instance.iterdir())
    result = target.test_cli_runner().invoke(args=["restore", str(taken)])
    assert result.exit_code != 0 and message in result.output, result.output
    assert sorted(p.name for p in instance.iterdir()) == before  # no database, no uploads, no settings written
    assert databases.user_tables(Database.engine(target)) == []


def test_a_backup_that_fails_half_way_leaves_no_folder(app, tmp_path, monkeypatch):
    small_fill(app)
    real = taking._private_copy

    def copy_then_fail(source: Path, target: Path, *, link: bool) -> None:
        real(source, target, link=link)
        raise OSError(28, "No space left on device")  # the disk fills up after the first file

    monkeypatch.setattr(taking, "_private_copy", copy_then_fail)
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "sauvegarde")])
    assert result.exit_code != 0 and "No space left on device" in str(result.exception)
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.name != "sauvegarde"]
    assert not any(p.name.startswith((".sauvegarde", "sauvegarde")) for p in tmp_path.iterdir())


def test_backup_refuses_an_existing_folder_and_restore_another_database_kind(app, taken, tmp_path):
    again = app.test_cli_runner().invoke(args=["backup", str(taken)])
    assert again.exit_code != 0 and "existe déjà" in again.output
    assert kind_of(app) == "sqlite"
    copy = tmp_path / "copie"
    shutil.copytree(taken, copy)
    data = json.loads((copy / MANIFEST).read_text())
    data["database"] = "postgresql"
    data["files"]["database/lieudit.pgdump"] = data["files"].pop(SQLITE_FILE)
    (copy / SQLITE_FILE).rename(copy / "database/lieudit.pgdump")
    (copy / MANIFEST).write_text(json.dumps(data))
    refused = app.test_cli_runner().invoke(args=["restore", str(copy)])
    assert refused.exit_code != 0 and "lieudit dump" in refused.output
