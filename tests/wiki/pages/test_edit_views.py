"""The editor's save, statement by statement: what it reads, and when it takes the write lock.

A save reads (the user, the page), renders with no transaction open, then
writes in one short transaction; under its lock it reads the page once
again, as it is now. On both databases: the lock is ``FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from tests.support.statements import statements_with
from wiki.db import Database


def _login(client, db):
    make_user(db, "Camille")
    db.commit()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302


def _save(client, slug: str, body: str) -> tuple[int, list[str]]:
    """Open the editor, post ``body`` on its base; return the status and the save's statements.

    Those up to its commit (the content version's bump, its last statement): the search index is then
    brought up to date in the same thread by the tests' settings, a server does it in the background.
    """
    base = re.search(r'name="base_revision_id" value="(\d+)"', client.get(f"/pages/{slug}/edit").text).group(1)
    engine = Database.engine(client.application)
    with statements_with(engine, "") as seen:
        status = client.post(f"/pages/{slug}/edit", data={"body": body, "base_revision_id": base}).status_code
    statements = [" ".join(s.split()) for s in seen]
    bumps = [n for n, s in enumerate(statements) if s.startswith("UPDATE content_version")]
    return status, statements[: bumps[0] + 1] if bumps else statements


def _page_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith("SELECT pages.id, pages.slug")]


@pytest.fixture
def page(client, db):
    page = make_page(db, body="un\ndeux\ntrois\n")
    _login(client, db)
    assert _save(client, page.slug, "un\ndeux\ntrois\nquatre\n")[0] == 302  # the first save purges old logs
    return page


def test_a_save_reads_the_page_once_before_and_once_under_its_lock(client, page):
    status, statements = _save(client, page.slug, "un\ndeux\ntrois\nquatre\ncinq\n")
    assert status == 302
    reads = _page_reads(statements)
    assert len(reads) == 2, reads
    assert "FOR UPDATE" not in reads[0]  # to render ahead, no lock
    locks = [s for s in statements if s.endswith("FOR UPDATE")]
    if client.application.config["DATABASE_URL"].startswith("postgresql"):  # the row lock, then the reload
        assert len(locks) == 1 and statements.index(locks[0]) < statements.index(reads[1]), statements
    else:  # BEGIN IMMEDIATE is the lock
        assert not locks, locks
    assert sum(s.startswith("SELECT users.id") for s in statements) == 1, statements  # the user, once
    assert sum(s.startswith("UPDATE pages") for s in statements) == 1, statements  # pointer and date at once
    assert len(statements) <= 16, statements  # 3 of them the spam rules' counter


def test_a_save_on_a_stale_base_reads_its_base_once(client, db, page):
    base = re.search(r'name="base_revision_id" value="(\d+)"', client.get(f"/pages/{page.slug}/edit").text).group(1)
    assert _save(client, page.slug, "UN\ndeux\ntrois\nquatre\n")[0] == 302  # lands after that base
    engine = Database.engine(client.application)
    with statements_with(engine, "FROM page_revisions") as seen:
        response = client.post(
            f"/pages/{page.slug}/edit", data={"body": "un\ndeux\ntrois\nQUATRE\n", "base_revision_id": base}
        )
    assert response.status_code == 302
    assert client.get(f"/pages/{page.slug}/edit").text.count("UN\ndeux\ntrois\nQUATRE") == 1  # merged
    by_id = [s for s in seen if "WHERE page_revisions.id =" in s]
    assert len(by_id) == 1, seen  # read to render the merge ahead; the write finds it in the session


@pytest.mark.sqlite_only  # SQLite's BEGIN statements are seen by the engine; PostgreSQL's are implicit
def test_a_save_takes_the_write_lock_once_after_rendering(client, page):
    status, statements = _save(client, page.slug, "un\ndeux\ntrois\nquatre\ncinq\n")
    assert status == 302
    begins = [n for n, s in enumerate(statements) if s.startswith("BEGIN")]
    assert statements[0] == "BEGIN", statements  # the reads: deferred, no write lock
    assert [statements[n] for n in begins] == ["BEGIN", "BEGIN IMMEDIATE"], statements
    reads = statements[: begins[1]]
    assert all(s.startswith(("BEGIN", "SELECT")) for s in reads), reads
