"""``lieudit dump`` and ``load`` on a full disk: a clear message, nothing half-written, an earlier dump kept (G6)."""

from __future__ import annotations

import errno
import io

import pytest
from PIL import Image

from tests.conftest import base_config
from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from tests.support.storage import failing_files
from tests.support.storage import fill
from tests.support.storage import small_disk
from wiki import create_app
from wiki.db import Database

pytestmark = pytest.mark.sqlite_only  # the fault is the target's filesystem, whatever the database


@pytest.fixture
def content(db):
    make_page(db, "Accueil", body="Le texte.\n")
    db.commit()


@pytest.mark.usefixtures("content")
def test_a_dump_whose_sync_fails_says_so_and_keeps_the_earlier_dump(runner, tmp_path, monkeypatch, caplog):
    target = tmp_path / "sauvegarde.zip"
    target.write_bytes(b"the earlier dump")
    with failing_files(monkeypatch, code=errno.ENOSPC, at="fsync"), caplog.at_level("ERROR", logger="lieudit.storage"):
        result = runner.invoke(args=["dump", "--force", str(target)])
    assert result.exit_code == 1
    assert "Dump impossible : le disque est plein" in result.output and "Traceback" not in result.output
    assert target.read_bytes() == b"the earlier dump"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no part file left
    assert [r.name for r in caplog.records] == ["lieudit.storage"]


@pytest.mark.usefixtures("content")
def test_a_dump_onto_a_really_full_disk_leaves_nothing_behind(runner, tmp_path):
    disk = tmp_path / "disk"
    with small_disk(disk, size="1m"):
        filler = fill(disk)
        result = runner.invoke(args=["dump", str(disk / "sauvegarde.zip")])
        assert result.exit_code == 1 and "Dump impossible : le disque est plein" in result.output
        assert sorted(p.name for p in disk.iterdir()) == ["filler.bin"]
        filler.unlink()
        assert runner.invoke(args=["dump", str(disk / "sauvegarde.zip")]).exit_code == 0


def test_a_load_onto_a_really_full_disk_says_so_loads_nothing_and_can_run_again(app, db, client, tmp_path):
    make_user(db, "Camille")
    make_page(db, "Accueil", body="Le texte.\n")
    db.commit()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
    image = io.BytesIO()
    Image.new("RGB", (300, 300), (10, 60, 200)).save(image, "PNG")
    image.seek(0)
    sent = client.post("/pages/accueil/files", data={"file": (image, "plan.png")}, content_type="multipart/form-data")
    assert sent.status_code == 302
    dump = tmp_path / "sauvegarde.zip"
    assert app.test_cli_runner().invoke(args=["dump", str(dump)]).exit_code == 0

    disk = tmp_path / "disk"
    with small_disk(disk, size="256k"):  # the new instance's uploads folder, full
        target = create_app(
            base_config(tmp_path / "target")
            | {"DATABASE_URL": f"sqlite:///{tmp_path / 'target.db'}", "UPLOADS_DIR": str(disk / "uploads")}
        )
        try:
            filler = fill(disk)
            refused = target.test_cli_runner().invoke(args=["load", str(dump)])
            assert refused.exit_code == 1
            assert "Chargement impossible : le disque est plein. Rien n'a été chargé" in refused.output
            assert sorted(p.name for p in disk.iterdir()) == ["filler.bin"]  # no files copied aside left
            filler.unlink()
            assert target.test_cli_runner().invoke(args=["load", str(dump)]).exit_code == 0
            assert len([p for p in (disk / "uploads").rglob("*") if p.is_file()]) == 1
        finally:
            Database.engine(target).dispose()
