"""Writers of one SQLite file queue on a lock file: a waiter goes on as soon as the holder is done."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.db import Database
from wiki.sqlite_writers import connect_args

pytestmark = pytest.mark.sqlite_only


def _wait_for_a_queued_writer() -> None:
    """Return once some connection waits in the queue (its helper thread exists); fail after 10 s."""
    deadline = time.monotonic() + 10
    while not any(t.name == "sqlite-write-queue" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "no writer ever queued"
        time.sleep(0.01)


def _connect(path: Path, busy_ms: float = 5000) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, **connect_args(f"sqlite:///{path}", busy_ms))
    return conn


def test_a_writer_waits_for_the_holder_and_writes_once_it_commits(app):
    engine = Database.engine(app)
    done: list[str] = []
    with engine.connect() as holder:
        holder.begin()  # BEGIN IMMEDIATE, first in the queue
        holder.execute(text("CREATE TABLE queue_probe (who TEXT)"))

        def second_writer() -> None:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO queue_probe VALUES ('second')"))
            done.append("second")

        thread = threading.Thread(target=second_writer)
        thread.start()
        _wait_for_a_queued_writer()
        assert done == []  # still waiting its turn
        holder.execute(text("INSERT INTO queue_probe VALUES ('first')"))
        holder.commit()
    thread.join(10)
    assert done == ["second"]
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text("SELECT who FROM queue_probe ORDER BY rowid"))] == ["first", "second"]
    assert Path(app.config["DATABASE_URL"].removeprefix("sqlite:///") + "-writers").exists()


def test_a_page_save_waiting_for_another_writer_gets_through_once_it_is_done(app):
    db = Database.new_session(app)
    make_user(db, "Camille")
    page = make_page(db, "Accueil")
    db.commit()
    base = page.current_revision_id
    db.close()
    client = app.test_client()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
    answers: list[int] = []
    with Database.engine(app).connect() as holder:
        holder.begin()  # a long write elsewhere (an import, a rollback of spam)
        thread = threading.Thread(
            target=lambda: answers.append(
                client.post(
                    "/pages/accueil/edit", data={"body": "Texte patient.", "comment": "", "base_revision_id": str(base)}
                ).status_code
            )
        )
        thread.start()
        _wait_for_a_queued_writer()
        assert answers == []
        holder.rollback()
    thread.join(10)
    assert answers == [302]
    assert client.get("/api/v1/pages/accueil").json["content_markdown"] == "Texte patient."


def test_a_wait_past_the_timeout_gives_its_turn_up_and_a_later_write_queues_again(tmp_path):
    path = tmp_path / "base.db"
    first, second = _connect(path), _connect(path)
    first.queue_for_write(5)
    first.execute("BEGIN IMMEDIATE")
    second.queue_for_write(0.05)  # gives up: SQLite's own busy timeout decides from here
    assert not second._holding
    first.execute("CREATE TABLE t (x)")
    first.commit()  # the abandoned turn comes, and is passed on at once
    second.queue_for_write(5)
    assert second._holding
    second.execute("BEGIN IMMEDIATE")
    second.execute("INSERT INTO t VALUES (1)")
    second.commit()
    assert not second._holding
    first.queue_for_write(5)  # nobody holds the queue any more
    assert first._holding
    first.rollback()
    first.close(), second.close()


def test_without_a_writable_folder_for_the_lock_file_writers_rely_on_sqlite_alone(tmp_path):
    conn = _connect(tmp_path / "base.db")
    conn.lock_path = str(tmp_path / "missing" / "base.db-writers")
    conn.queue_for_write(1)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def test_memory_databases_and_uris_have_no_queue():
    assert "factory" not in connect_args("sqlite://", 1000)
    assert "factory" not in connect_args("sqlite:///:memory:", 1000)
    assert connect_args("sqlite:////srv/wiki.db", 1000)["factory"].lock_path == "/srv/wiki.db-writers"
