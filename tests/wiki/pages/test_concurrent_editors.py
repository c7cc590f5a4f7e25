"""Editors saving at once through ``gunicorn -w 4`` on SQLite lose nothing (issue 17, HOSTILE_INPUTS G1).

The reduced form of ``bench/reliability_saves.py``, run by ``.ci/run``: an
instance made by ``lieudit init`` (SQLite, the defaults, as the Docker image
serves it); 20 editors at once, each saving its own page, its own line of
shared pages (merged with the others) and the line several of them claim
(refused with 409 to all but one). Every answer is 302 or 409, every 409
gives the text back, every accepted save is a revision and no refused one
is, the final texts keep every accepted change, and the log has no
"database is locked".
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections import Counter

from tests.factories import PASSWORD
from tests.support import editors as E
from tests.support.nodes import free_port
from tests.support.nodes import serve_with_gunicorn
from tests.support.nodes import sqlite_instance
from wiki import create_app
from wiki.db import Database

EDITORS = 20
SAVES = 4
SHARED = ["commun-1", "commun-2"]


def test_twenty_editors_on_four_workers_lose_nothing(tmp_path):
    instance = tmp_path / "instance"
    env = sqlite_instance(instance)
    app = create_app({"INSTANCE_PATH": str(instance), "SEARCH_INDEX_IN_BACKGROUND": False})
    with Database.new_session(app) as db:
        E.seed(db, EDITORS, SHARED)
        db.commit()
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()
    port = free_port()

    log = tmp_path / "gunicorn.log"
    server = serve_with_gunicorn(env, port, workers=4, log=log)
    try:
        run = E.run_editors(f"http://127.0.0.1:{port}", EDITORS, SAVES, PASSWORD, SHARED, think=0.2)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    assert run.errors == []
    assert "database is locked" not in log.read_text() and "Traceback" not in log.read_text()
    assert len(run.saves) == EDITORS * SAVES
    statuses = Counter(save.status for save in run.saves)
    assert set(statuses) <= {302, 409}, statuses  # no 5xx, no other refusal
    assert all(save.text_returned and save.contested for save in run.saves if save.status == 409)
    database = sqlite3.connect(instance / "lieudit.db")

    def revisions(slug: str) -> list[str]:
        query = "SELECT r.body FROM page_revisions r JOIN pages p ON p.id = r.page_id WHERE p.slug = ?"
        return [row[0] for row in database.execute(query, (slug,))]

    def current(slug: str) -> str:
        query = "SELECT r.body FROM pages p JOIN page_revisions r ON r.id = p.current_revision_id WHERE p.slug = ?"
        return database.execute(query, (slug,)).fetchone()[0]

    assert E.audit(run, revisions, current, SHARED) == {"lost": 0, "phantom": 0, "missing": 0}
    database.close()
