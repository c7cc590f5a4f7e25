"""Whole anonymous answers kept per content version (``wiki.site.response_cache``)."""

from __future__ import annotations

import gzip

from sqlalchemy import event
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.db import Database
from wiki.db import read_content_version
from wiki.pages import services as pages
from wiki.site import response_cache


def _statements(app):
    """Count the SQL statements the app's engine sends from now on."""
    sent: list[str] = []
    event.listen(Database.engine(app), "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def test_a_second_anonymous_view_costs_one_read_of_the_version(app, client, db):
    make_page(db, "Médiathèque", "Horaires : le mardi.\n")
    db.commit()
    first = client.get("/pages/mediatheque")
    assert first.status_code == 200 and "le mardi" in first.text
    sent = _statements(app)
    checkouts: list[object] = []
    event.listen(Database.engine(app).pool, "checkout", lambda *args: checkouts.append(args[0]))
    second = client.get("/pages/mediatheque")
    assert second.text == first.text and second.headers["ETag"] == first.headers["ETag"]
    # One connection taken, for the version read on the driver itself: no statement goes through the ORM nor Core.
    assert len(checkouts) == 1 and sent == []
    assert "Set-Cookie" not in second.headers


def test_any_change_of_content_is_seen_at_once(app, client, db):
    page = make_page(db, "Médiathèque", "Horaires : le mardi.\n")
    author = make_user(db, "Dominique", role="moderator")
    db.commit()
    before = read_content_version(Database.engine(app))
    assert "le mardi" in client.get("/pages/mediatheque").text
    pages.save_page(db, page, body="Horaires : le jeudi.\n", comment="", actor=author,
                    base_revision_id=page.current_revision_id, policy="open")  # fmt: skip
    db.commit()
    assert read_content_version(Database.engine(app)) == before + 1
    assert "le jeudi" in client.get("/pages/mediatheque").text
    # A transaction that changes nothing leaves the version (and every kept answer) alone.
    db.execute(text("SELECT 1"))
    db.commit()
    assert read_content_version(Database.engine(app)) == before + 1


def test_a_kept_anonymous_answer_never_reaches_a_logged_in_visitor_nor_the_reverse(client, db):
    make_page(db, "Médiathèque", "Horaires.\n")
    make_user(db, "Dominique")
    db.commit()
    anonymous = client.get("/pages/mediatheque").text
    assert "Dominique" not in anonymous
    client.post("/-/connexion", data={"name": "Dominique", "password": PASSWORD})
    logged_in = client.get("/pages/mediatheque")
    assert "Dominique" in logged_in.text and logged_in.headers["Cache-Control"].startswith("private")
    stranger = client.application.test_client()
    assert "Dominique" not in stranger.get("/pages/mediatheque").text
    assert "Dominique" not in stranger.get("/pages/mediatheque").text


def test_an_answer_kept_under_one_prefix_is_never_served_under_another(client, db):
    make_page(db, "Médiathèque", "Horaires.\n")
    db.commit()
    root = client.get("/pages/mediatheque").text
    prefixed = client.get("/pages/mediatheque", environ_overrides={"SCRIPT_NAME": "/wiki"}).text
    assert 'href="/wiki/pages/' in prefixed and 'href="/wiki/pages/' not in root
    assert client.get("/pages/mediatheque").text == root


def test_answers_that_set_a_cookie_are_never_kept(client):
    first = client.get("/-/connexion")
    again = client.application.test_client().get("/-/connexion")
    assert first.status_code == again.status_code == 200
    # The login form starts a session (its CSRF token): each visitor gets their own.
    assert "Set-Cookie" in first.headers and "Set-Cookie" in again.headers


def test_kept_answers_are_compressed_once_and_revalidate(client, db):
    make_page(db, "Médiathèque", "Un texte assez long pour être compressé. " * 100)
    db.commit()
    plain = client.get("/pages/mediatheque")
    packed = client.get("/pages/mediatheque", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = client.get(
        "/pages/mediatheque", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304


def test_health_and_old_entries_are_never_served(app, client, db, monkeypatch):
    assert client.get("/-/health").headers["Cache-Control"] == "no-store"
    make_page(db, "Médiathèque", "Horaires.\n")
    db.commit()
    client.get("/pages/mediatheque")
    clock = response_cache.time.monotonic() + app.config["RESPONSE_CACHE_SECONDS"] + 1
    monkeypatch.setattr(response_cache.time, "monotonic", lambda: clock)
    sent = _statements(app)
    assert client.get("/pages/mediatheque").status_code == 200
    assert len([s for s in sent if "page" in s.lower()]) >= 1  # built again from the database


def test_a_database_failure_reading_the_version_is_an_sqlalchemy_error(app):
    with Database.engine(app).begin() as conn:
        conn.execute(text("DROP TABLE content_version"))
    try:
        read_content_version(Database.engine(app))
    except DBAPIError as err:
        assert "content_version" in str(err)
    else:
        raise AssertionError("no error without the table")


def test_kept_answers_hold_at_most_their_megabytes(make_app):
    app = make_app(RESPONSE_CACHE_MB=1)
    client = app.test_client()
    with app.app_context():
        db = Database.new_session()
        for number in range(12):  # about 130 KB of text each, a dozen: more than one megabyte
            make_page(
                db, f"Page {number}", "".join(f"Ligne {number}-{n} : {n * 7919 % 10007}.\n" for n in range(6_000))
            )
        db.commit()
        db.close()
    for number in range(12):
        assert client.get(f"/pages/page-{number}").status_code == 200
    assert 0 < response_cache._responses.weight(app) <= 2**20
    assert response_cache._responses.size(app) < 12


def test_the_cache_can_be_turned_off(make_app):
    app = make_app(RESPONSE_CACHE_SECONDS=0)
    with app.app_context():
        assert not any(f.__name__ == "serve_kept" for f in app.before_request_funcs.get(None, []))


def test_items_written_in_savepoints_bump_the_version_once_even_when_one_is_refused(app, db):
    before = read_content_version(Database.engine(app))
    with db.begin_nested():
        make_page(db, "Premier import", "Un.\n")
    refused = db.begin_nested()
    make_page(db, "Refusé", "Deux.\n")
    refused.rollback()
    with db.begin_nested():
        make_page(db, "Troisième import", "Trois.\n")
    db.commit()
    assert read_content_version(Database.engine(app)) == before + 1
