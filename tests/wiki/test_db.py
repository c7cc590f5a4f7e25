"""Database kernel: SQLite tuning, migrations matching the models, backups."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event
from sqlalchemy import text

from tests.factories import make_page
from tests.factories import make_user
from wiki import migrate
from wiki.db import Database
from wiki.db import read_content_version
from wiki.db import session_content_version
from wiki.pages import services


def test_migrations_match_the_models(app):
    with app.app_context():
        with Database.engine().connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"include_object": migrate.object_filter(migrate.database_kinds(conn))}
            )
            diff = compare_metadata(context, migrate.load_metadata())
    assert diff == []
    with app.app_context():
        assert migrate.current_revision(Database.engine()) == migrate.head_revision()


def test_sqlite_pragmas(tmp_path):
    from tests.conftest import base_config
    from wiki import create_app

    app = create_app(base_config(tmp_path) | {"DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})
    with app.app_context():
        with Database.engine().connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_backup_before_upgrade_is_a_consistent_copy(tmp_path):
    import sqlite3

    from tests.conftest import base_config
    from wiki import create_app

    instance = tmp_path / "inst"
    app = create_app(base_config(instance) | {"DATABASE_URL": f"sqlite:///{instance}/lieudit.db"})
    with app.app_context():
        engine = Database.engine()
        assert migrate.upgrade(engine, instance) is None  # a new database: nothing to save
        assert migrate.upgrade(engine, instance) is None  # already at head: nothing to do
        session = Database.new_session()
        make_page(session, "Sauvegardée", "texte\n")
        session.commit()
        session.close()
        saved = migrate.backup_sqlite(engine, instance)
        engine.dispose()
    copy = sqlite3.connect(saved)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT title FROM pages").fetchall() == [("Sauvegardée",)]
    copy.close()


def test_concurrent_writers_queue_instead_of_failing(app):
    """Eight threads saving the same page: no "database is locked", no lost save."""
    with app.app_context():
        session = Database.new_session()
        page = make_page(session, "Partagée", "".join(f"ligne {i}\n" for i in range(40)))
        users = [make_user(session, f"Plume {i}") for i in range(8)]
        session.commit()
        page_id, base = page.id, page.current_revision_id
        user_ids = [u.id for u in users]
        session.close()
    errors: list[BaseException] = []

    def work(index: int) -> None:
        with app.app_context():
            s = Database.new_session()
            try:
                from wiki.auth.models import User
                from wiki.pages.models import Page

                target = s.get(Page, page_id)
                lines = target.current_revision.body.splitlines(keepends=True)
                s.rollback()
                target = s.get(Page, page_id)
                body = "".join(f"ligne {i} par {index}\n" if i == index * 5 else line for i, line in enumerate(lines))
                services.save_page(
                    s,
                    target,
                    body=body,
                    comment="",
                    actor=s.get(User, user_ids[index]),
                    base_revision_id=base,
                    policy="account",
                )
                s.commit()
            except BaseException as err:  # collected for the assertion below
                errors.append(err)
            finally:
                s.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with app.app_context():
        s = Database.new_session()
        from wiki.pages.models import Page

        final = s.get(Page, page_id).current_revision
        assert final.number == 9
        for index in range(8):
            assert f"par {index}" in final.body  # every edit merged, none lost
        s.close()


def _version_updates(app):
    """Collect the UPDATEs of the content version the app's engine sends from now on."""
    sent: list[str] = []

    def record(conn, cursor, statement, *rest):
        if statement.lstrip().upper().startswith("UPDATE CONTENT_VERSION"):
            sent.append(statement)

    event.listen(Database.engine(app), "before_cursor_execute", record)
    return sent


def test_items_written_in_savepoints_bump_the_content_version_once(app, db):
    """An import writes each item in a SAVEPOINT: releasing one is not a commit of content."""
    before = read_content_version(Database.engine(app))
    updates = _version_updates(app)
    for title in ("Premier", "Deuxième", "Troisième"):
        with db.begin_nested():
            make_page(db, title, "Texte.\n")
    assert updates == []
    db.commit()
    assert len(updates) == 1
    assert read_content_version(Database.engine(app)) == before + 1


def test_a_refused_item_after_written_ones_still_bumps_at_commit(app, db):
    """The last SAVEPOINT rolled back forgets its own item, not the items released before it."""
    before = read_content_version(Database.engine(app))
    with db.begin_nested():
        make_page(db, "Importée", "Un.\n")
    refused = db.begin_nested()
    make_page(db, "Refusée", "Deux.\n")
    refused.rollback()
    db.commit()
    assert read_content_version(Database.engine(app)) == before + 1


def test_a_whole_rollback_does_not_bump_the_content_version(app, db):
    """Changes rolled back with their transaction are not content: the next commit leaves the version."""
    before = read_content_version(Database.engine(app))
    with db.begin_nested():
        make_page(db, "Abandonnée", "Un.\n")
    db.rollback()
    db.commit()
    assert read_content_version(Database.engine(app)) == before


def test_the_version_a_transaction_sees_is_read_once_and_not_while_it_holds_changes(app, db):
    """What a transaction reads may be kept under this version; its own changes may not (nobody else's yet)."""
    before = read_content_version(Database.engine(app))
    reads = []
    event.listen(Database.engine(app), "before_cursor_execute", lambda *args: reads.append(args[2]))
    assert session_content_version(db) == session_content_version(db) == before
    assert len([statement for statement in reads if "content_version" in statement]) == 1
    make_page(db, "Nouvelle", "Texte.\n")
    assert session_content_version(db) is None
    db.commit()
    assert session_content_version(db) == before + 1
