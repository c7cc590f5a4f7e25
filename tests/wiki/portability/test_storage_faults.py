"""``lieudit dump`` on a full disk: a clear message, no half dump left, an earlier dump kept (G6)."""

from __future__ import annotations

import errno

import pytest

from tests.factories import make_page
from tests.support.storage import failing_files
from tests.support.storage import fill
from tests.support.storage import small_disk

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
