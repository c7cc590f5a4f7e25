"""The restore drill: a populated instance backed up while a writer saves, restored into a fresh one, compared.

Runs on SQLite and on the real PostgreSQL server: the copy (backup API,
``pg_dump`` on an exported snapshot) and the restore (backup API,
``pg_restore``) are each database's own.
"""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

from sqlalchemy import select

from tests.wiki.backup.conftest import Writer
from tests.wiki.backup.conftest import kind_of
from tests.wiki.backup.conftest import small_fill
from tests.wiki.portability.test_archive import contents
from tests.wiki.portability.test_archive import files
from tests.wiki.portability.test_archive import fill
from wiki import migrate
from wiki.backup import manifest as layout
from wiki.db import Database
from wiki.pages.models import Page


def _key(row: dict) -> str:
    return json.dumps(row.get("id", row), sort_keys=True, default=str)


def _private(folder: Path) -> None:
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_drill_restores_every_row_and_file_present_at_backup_time(app, fresh_app, tmp_path):
    fill(app)
    before = contents(app)
    target_dir = tmp_path / "sauvegarde"
    with Writer(app) as writer:
        writer.wait_for(3)
        result = app.test_cli_runner().invoke(args=["backup", str(target_dir)])
        writer.wait_for(len(writer.saved) + 2)  # still saving once the backup is done
    assert not writer.errors, writer.errors
    assert result.exit_code == 0, result.output
    assert f"Sauvegarde écrite dans {target_dir} : base {kind_of(app)} à la migration {migrate.head_revision()}" in (
        result.output
    )
    assert "1 fichier(s) joint(s)" in result.output and "données personnelles" in result.output
    _private(target_dir)
    found = layout.read(target_dir)
    after = contents(app)

    target = fresh_app(kind_of(app))
    restored = target.test_cli_runner().invoke(args=["restore", str(target_dir)])
    assert restored.exit_code == 0, restored.output
    assert "sommes de contrôle correctes" in restored.output and "Index de recherche reconstruit" in restored.output
    got = contents(target)

    # The copy is one snapshot: as many rows as the manifest counted, each save of the writer whole or absent.
    with Database.engine(target).connect() as conn:
        for table, count in found.tables.items():
            assert conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar_one() == count, table
    titles = [row["title"] for row in got["pages"] if row["title"].startswith("Charge ")]
    assert titles == writer.saved[: len(titles)] and 0 < len(titles) < len(writer.saved)
    shared = next(row for row in got["pages"] if row["id"] == writer.page_id)
    revisions = [row for row in got["page_revisions"] if row["page_id"] == writer.page_id]
    assert len(revisions) == len(titles) + 1 and shared["current_revision_id"] == max(r["id"] for r in revisions)

    # Row by row: a row the writer left alone is restored exactly; any other is one the source had.
    for table, rows in got.items():
        untouched = {_key(r): r for r in before[table] if r in after[table]}
        known = {_key(r) for r in before[table] + after[table]}
        restored_rows = {_key(r): r for r in rows}
        for key, row in untouched.items():
            assert restored_rows.get(key) == row, (table, key)
        assert set(restored_rows) <= known, table
    assert files(target) == files(app)

    # The restored instance works: pages, history, files, accounts.
    client = target.test_client()
    assert client.get("/pages/jardin-partage-du-bourg/history").status_code == 200
    assert client.post("/-/connexion", data={"name": "Alix", "password": "motdepasse-solide"}).status_code == 302
    attachment = got["attachments"][0]
    with client.get(f"/-/fichiers/{attachment['id']}/{attachment['filename']}") as served:
        assert served.status_code == 200 and served.data == next(iter(files(app).values()))
    assert "Jardin partagé du Bourg" in client.get("/-/recherche?q=Jardin").text  # the index was rebuilt


def test_drill_without_writer_gives_an_identical_instance_with_its_settings(app, fresh_app, tmp_path):
    fill(app)
    source = Path(app.instance_path)
    (source / "config.py").write_text('SITE_NAME = "Pays de Redon"\n')
    (source / "secret_key").write_text("une-cle-secrete-generee")
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    target = fresh_app(kind_of(app))
    restored = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
    assert restored.exit_code == 0, restored.output
    assert contents(target) == contents(app)
    assert files(target) == files(app)
    for name in ("config.py", "secret_key"):
        copy = Path(target.instance_path) / name
        assert copy.read_bytes() == (source / name).read_bytes() and stat.S_IMODE(copy.stat().st_mode) == 0o600
    if kind_of(app) == "sqlite":
        conn = sqlite3.connect(Database.engine(target).url.database)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            conn.close()
    db = Database.new_session(target)
    try:
        assert db.scalar(select(Page).where(Page.slug == "jardin-partage-du-bourg")) is not None
    finally:
        db.close()


def test_restore_refuses_a_non_empty_database_unless_forced(app, fresh_app, tmp_path):
    small_fill(app)
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    target = fresh_app(kind_of(app))
    target.test_cli_runner().invoke(args=["init"])  # a fresh instance that was initialised: tables, built-in forms
    seeded = contents(target)
    (Path(target.instance_path) / "uploads").mkdir(exist_ok=True)
    (Path(target.instance_path) / "uploads" / "ancien.txt").write_bytes(b"d'avant")
    refused = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
    assert refused.exit_code != 0
    assert "La base de données cible n'est pas vide" in refused.output and "--force" in refused.output
    assert contents(target) == seeded and (Path(target.instance_path) / "uploads" / "ancien.txt").exists()

    forced = target.test_cli_runner().invoke(args=["restore", "--force", str(tmp_path / "b")])
    assert forced.exit_code == 0, forced.output
    assert contents(target) == contents(app) and files(target) == files(app)
    assert "ont été déplacés dans" in forced.output
    aside = next(Path(target.instance_path).glob("uploads.avant-restauration-*"))
    assert (aside / "ancien.txt").read_bytes() == b"d'avant"
