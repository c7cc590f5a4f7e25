"""The search outbox: written with each change, applied in order after it, never lost (``wiki.search.outbox``)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select

from tests.factories import make_page
from tests.factories import make_user
from tests.wiki.search.test_indexer import found
from wiki import search as search_package
from wiki.db import Database
from wiki.pages import moderation
from wiki.search import indexer
from wiki.search import outbox
from wiki.search.backend import Query
from wiki.search.models import search_outbox


def _wait_until(check, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_a_change_is_written_with_its_transaction_and_a_rollback_writes_nothing(app, db):
    engine = Database.engine(app)
    backend = search_package.get_backend(app)
    make_page(db, "Lavoir de la Sauldre")
    db.rollback()
    assert outbox.pending(engine) == 0 and found(backend, "lavoir") == set()
    make_page(db, "Lavoir de la Sauldre")
    db.commit()  # applied by the committing thread (the tests' setting), then emptied
    assert found(backend, "lavoir") and outbox.pending(engine) == 0


def test_rows_left_by_a_crash_are_applied_at_the_next_start(make_app, tmp_path):
    first = make_app()
    engine = Database.engine(first)
    session = Database.new_session(first)
    with indexer.muted():  # as if the process died between the commit and the index write
        page = make_page(session, "Moulin du Boël")
        session.commit()
    with engine.begin() as conn:
        outbox.write(conn, [("page", str(page.id))])
    session.close()
    assert found(search_package.get_backend(first), "moulin") == set()
    indexer.unregister(engine)

    restarted = make_app(SEARCH_INDEX_IN_BACKGROUND=True)
    backend = search_package.get_backend(restarted)
    restarted.test_client().get("/-/health")  # the first request of the process wakes the indexer
    assert _wait_until(lambda: found(backend, "moulin") != set())
    assert _wait_until(lambda: outbox.pending(Database.engine(restarted)) == 0)
    indexer.unregister(Database.engine(restarted))


def test_in_the_background_a_save_does_not_wait_for_the_index_and_the_index_follows(make_app):
    app = make_app(SEARCH_INDEX_IN_BACKGROUND=True)
    engine = Database.engine(app)
    backend = search_package.get_backend(app)
    session = Database.new_session(app)
    moderator = make_user(session, "Modo", role="moderator")
    pages = [make_page(session, f"Four à pain {n}", f"Four numéro {n}.\n") for n in range(30)]
    session.commit()
    assert _wait_until(lambda: backend.search(Query(text="four")).total == 30)
    moderation.delete_page(session, pages[0], actor=moderator)
    session.commit()
    assert _wait_until(lambda: backend.search(Query(text="four")).total == 29)
    assert _wait_until(lambda: outbox.pending(engine) == 0)  # applied rows are deleted just after
    session.close()
    indexer.unregister(engine)  # stops the background thread


def test_one_drain_at_a_time_and_exactly_the_rows_applied_are_deleted(app, db):
    engine = Database.engine(app)
    backend = search_package.get_backend(app)
    applied: list[list[tuple[str, str]]] = []
    holding, release = threading.Event(), threading.Event()

    def slow(engine_, backend_, refs):
        applied.append(refs)
        holding.set()
        release.wait(10)

    with engine.begin() as conn:
        outbox.write(conn, [("page", "1"), ("page", "2"), ("page", "1")])
    worker = threading.Thread(target=outbox.drain, args=(engine, backend, slow))
    worker.start()
    assert holding.wait(10)
    with engine.begin() as conn:  # committed while the first drain applies its batch
        outbox.write(conn, [("record", "7")])
    assert outbox.drain(engine, backend, slow, wait=False) == 0  # another drain runs: it will apply them
    release.set()
    worker.join(10)
    assert applied == [[("page", "1"), ("page", "2")], [("record", "7")]]
    with engine.connect() as conn:
        assert conn.execute(select(search_outbox)).all() == []


def test_a_withdrawn_object_never_shows_even_while_the_index_lags(app, client, db):
    moderator = make_user(db, "Modo", role="moderator")
    page = make_page(db, "Lavoir de la Sauldre")
    db.commit()
    assert "Lavoir de la Sauldre" in client.get("/-/recherche?q=lavoir").text
    with indexer.muted():  # the index has not caught up with the deletion yet
        moderation.delete_page(db, page, actor=moderator)
        db.commit()
    assert found(search_package.get_backend(app), "lavoir")  # still in the index
    assert "Lavoir de la Sauldre" not in client.get("/-/recherche?q=lavoir").text
    assert client.get("/api/v1/search?q=lavoir").get_json()["total"] == 0
