"""``lieudit db upgrade``: a backup first on both databases, and a failed migration leaves the previous version.

Migrations are injected by pointing ``wiki.migrate.MIGRATIONS_DIR`` at a copy
of the shipped folder with extra versions after the head: one that succeeds,
one that fails, and (SQLite) one that commits half-way before failing, as a
statement that ends the transaction would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tests.factories import make_page
from tests.factories import make_user
from tests.wiki.backup.conftest import kind_of
from tests.wiki.backup.conftest import small_fill
from tests.wiki.portability.test_archive import contents
from tests.wiki.portability.test_archive import files
from wiki import migrate
from wiki.backup import databases
from wiki.backup import manifest as layout
from wiki.db import Database

MIGRATION = '''"""{doc}"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade():
    {body}
    op.create_table("{table}", sa.Column("id", sa.Integer(), primary_key=True))
    {after}


def downgrade():
    op.drop_table("{table}")
'''


def inject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, fail: bool, commit_first: bool = False) -> str:
    """Point the migrations at a copy with a working 9990 and, with ``fail``, a 9991 that breaks; return the old head."""
    head = migrate.head_revision()
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    versions = folder / "versions"
    (versions / "9990_essai.py").write_text(
        MIGRATION.format(doc="works", revision="9990", down=head, table="essai_migration", body="pass", after="")
    )
    if fail:
        body = 'op.get_bind().exec_driver_sql("COMMIT")' if commit_first else "pass"
        after = 'raise RuntimeError("migration 9991 cassée")'
        (versions / "9991_echec.py").write_text(
            MIGRATION.format(doc="breaks", revision="9991", down="9990", table="essai_echec", body=body, after=after)
        )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    return head


def _tables(app) -> set[str]:
    return set(inspect(Database.engine(app)).get_table_names())


def _still_usable(app) -> None:
    """The previous version serves and saves."""
    db = Database.new_session(app)
    try:
        make_page(db, "Après l'échec", actor=make_user(db, "Témoin"))
        db.commit()
    finally:
        db.close()
    client = app.test_client()
    assert client.get("/pages/apres-l-echec").status_code == 200
    assert client.get("/pages/jardin-partage").status_code == 200


def test_upgrade_backs_up_first_then_migrates(app, tmp_path, monkeypatch):
    small_fill(app)
    old = inject(tmp_path, monkeypatch, fail=False)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Base de données à jour (migration 9990)." in result.output
    line = next(line for line in result.output.splitlines() if line.startswith("Sauvegarde avant mise à jour : "))
    saved = Path(line.split(" : ", 1)[1])
    assert saved.parent == Path(app.instance_path) / "backups"
    found = layout.read(saved)  # a complete, verified backup of the version before
    assert found.schema_revision == old and found.database == kind_of(app) and found.upload_count == 1
    assert migrate.current_revision(Database.engine(app)) == "9990" and "essai_migration" in _tables(app)
    nothing = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert "Sauvegarde" not in nothing.output  # up to date: no backup


def test_a_failed_migration_leaves_the_previous_version_usable(app, tmp_path, monkeypatch):
    small_fill(app)
    before = contents(app)
    old = inject(tmp_path, monkeypatch, fail=True)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert "La migration a échoué (RuntimeError : migration 9991 cassée)." in result.output
    assert f"La transaction a été annulée : la base est restée à la migration {old}" in result.output
    assert "Sauvegarde prise avant : " in result.output
    assert migrate.current_revision(Database.engine(app)) == old
    assert not {"essai_migration", "essai_echec"} & _tables(app)  # 9990's table went with the transaction
    assert contents(app) == before
    _still_usable(app)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_migration_that_committed_half_way_on_sqlite_is_undone_from_the_backup(app, tmp_path, monkeypatch):
    small_fill(app)
    before, attached = contents(app), files(app)
    old = inject(tmp_path, monkeypatch, fail=True, commit_first=True)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert "La migration a échoué (RuntimeError : migration 9991 cassée)." in result.output
    assert f"remise automatiquement dans son état d'avant la mise à jour (migration {old})" in result.output
    assert migrate.current_revision(Database.engine(app)) == old
    assert not {"essai_migration", "essai_echec"} & _tables(app)
    assert databases.integrity(Path(Database.engine(app).url.database or "")) == "ok"
    assert contents(app) == before and files(app) == attached
    _still_usable(app)


def test_restoring_an_older_backup_upgrades_it(app, fresh_app, tmp_path, monkeypatch):
    small_fill(app)
    assert app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")]).exit_code == 0
    old = inject(tmp_path, monkeypatch, fail=False)  # this code is now one migration ahead of the backup
    target = fresh_app(kind_of(app))
    result = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert f"migration {old}." in result.output and "Schéma mis à jour vers la migration 9990." in result.output
    assert migrate.current_revision(Database.engine(target)) == "9990" and "essai_migration" in _tables(target)
    assert target.test_client().get("/pages/jardin-partage").status_code == 200


def _previous_schemas(count: int) -> list[str]:
    """The ``count`` schema revisions before the shipped head, newest first."""
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    found, revision = [], script.get_revision(migrate.head_revision())
    while len(found) < count and revision is not None and revision.down_revision:
        down = revision.down_revision
        assert isinstance(down, str)  # one line of migrations, no merge point
        found.append(down)
        revision = script.get_revision(down)
    return found


@pytest.mark.parametrize("older", _previous_schemas(3))
@pytest.mark.parametrize("fail", [False, True], ids=["completes", "fails"])
def test_an_upgrade_from_each_of_the_last_three_schemas_completes_or_keeps_the_previous_version(
    app, tmp_path, monkeypatch, older, fail
):
    """HOSTILE_INPUTS G26: from each recent schema, the upgrade either completes or leaves that schema usable."""
    small_fill(app)
    command.downgrade(migrate.alembic_config(Database.engine(app)), older)
    tables = _tables(app)
    inject(tmp_path, monkeypatch, fail=fail)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    saved = layout.read(next((Path(app.instance_path) / "backups").iterdir()))
    assert saved.schema_revision == older and saved.upload_count == 1
    if fail:
        assert result.exit_code != 0 and "La migration a échoué" in result.output
        assert migrate.current_revision(Database.engine(app)) == older and _tables(app) == tables
    else:
        assert result.exit_code == 0, result.output
        assert migrate.current_revision(Database.engine(app)) == "9990"
    assert app.test_client().get("/pages/jardin-partage").status_code == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_no_migration_runs_when_the_backup_before_it_cannot_be_taken(app, tmp_path, monkeypatch):
    old = inject(tmp_path, monkeypatch, fail=False)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    monkeypatch.setattr(databases, "PG_VERSIONS_DIR", tmp_path / "nothing")  # no /usr/lib/postgresql either
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert "Sauvegarde avant la mise à jour impossible : Programme pg_dump introuvable" in result.output
    assert "postgresql-client" in result.output and "Aucune migration appliquée." in result.output
    assert migrate.current_revision(Database.engine(app)) == old
    assert not list((Path(app.instance_path) / "backups").iterdir())
