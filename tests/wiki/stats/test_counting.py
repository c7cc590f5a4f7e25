"""Views are counted per day and address with no cookie set and nothing about the visitor stored."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import inspect
from sqlalchemy import select
from sqlalchemy import text

from tests.factories import make_page
from tests.factories import make_user
from wiki import stats
from wiki.db import Database
from wiki.demo import seed
from wiki.stats import counter
from wiki.stats.models import stat_counts

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 Témoin-UA-42"
ADDRESS = "203.0.113.77"


def _counts(app):
    with app.app_context(), Database.engine().connect() as conn:
        return {(row.kind, row.key): row.count for row in conn.execute(select(stat_counts))}


def _with_page(app):
    with app.app_context():
        db = Database.new_session()
        make_page(db, "Médiathèque de Redon")
        db.commit()
        db.close()


def _get(client, path, agent=BROWSER):
    return client.get(path, headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": ADDRESS})


def test_views_are_counted_without_cookie_and_nothing_about_the_visitor_is_stored(app, client):
    _with_page(app)
    for _ in range(3):
        response = _get(client, "/pages/mediatheque-de-redon")
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
    _get(client, "/fiches/999999")  # a 404 is no view
    assert stats.flush(app) == 3
    assert _counts(app) == {("page", "/pages/mediatheque-de-redon"): 3}
    # Scan every text value of every table: neither the address nor the user agent is anywhere.
    with app.app_context(), Database.engine().connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    assert ADDRESS not in str(value), table
                    assert "Témoin-UA-42" not in str(value), table


def test_answers_from_the_response_cache_are_counted(app, client):
    _with_page(app)
    first = _get(client, "/pages/mediatheque-de-redon")
    second = _get(client, "/pages/mediatheque-de-redon")
    assert first.status_code == second.status_code == 200
    stats.flush(app)
    assert _counts(app)[("page", "/pages/mediatheque-de-redon")] == 2


@pytest.mark.parametrize(
    "agent",
    ["Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "curl/8.5.0", "", "lieudit-snapshot"],
)
def test_robots_are_not_counted(app, client, agent):
    _with_page(app)
    _get(client, "/pages/mediatheque-de-redon", agent)
    assert stats.flush(app) == 0
    assert _counts(app) == {}


def test_agenda_map_records_and_downloads_are_counted_by_kind(app, client):
    with app.app_context():
        db = Database.new_session()
        seed(db)  # the built-in forms: the datasets
        db.commit()
        db.close()
    for path in ("/agenda", "/carte", "/donnees/lieu.csv", "/donnees/lieu/datapackage.json"):
        assert _get(client, path).status_code == 200, path
    _get(client, "/pages")  # the page index is not a page
    stats.flush(app)
    assert _counts(app) == {
        ("agenda", "/agenda"): 1,
        ("map", "/carte"): 1,
        ("download", "lieu.csv"): 1,
        ("download", "lieu/datapackage.json"): 1,
    }


def test_writes_come_in_batches_and_add_to_the_day_s_row(make_app):
    app = make_app(STATS_FLUSH_VIEWS=3, STATS_FLUSH_SECONDS=3600)
    client = app.test_client()
    _get(client, "/agenda")
    _get(client, "/agenda")
    assert _counts(app) == {}  # not yet written: no write per view
    _get(client, "/agenda")  # the third view writes the batch
    assert _counts(app) == {("agenda", "/agenda"): 3}
    _get(client, "/agenda")
    stats.flush(app)
    assert _counts(app) == {("agenda", "/agenda"): 4}


def test_a_flush_never_moves_the_content_version(app, client):
    with app.app_context():
        from wiki.db import read_content_version

        before = read_content_version(Database.engine())
        _get(client, "/agenda")
        stats.flush(app)
        assert read_content_version(Database.engine()) == before


def test_counts_of_several_days_stay_apart(app):
    views = counter.ViewCounter(3600, 1000)
    views.add("page", "/", date(2026, 1, 1))
    views.add("page", "/", date(2026, 1, 1))
    views.add("page", "/", date(2026, 1, 2))
    with app.app_context():
        assert views.flush(Database.engine()) == 3
        with Database.engine().connect() as conn:
            rows = conn.execute(select(stat_counts.c.day, stat_counts.c.count).order_by(stat_counts.c.day)).all()
    assert [tuple(r) for r in rows] == [(date(2026, 1, 1), 2), (date(2026, 1, 2), 1)]


def test_a_logged_in_moderator_is_counted_too(app, client, auth):
    _with_page(app)
    with app.app_context():
        db = Database.new_session()
        make_user(db, "Camille", role="moderator")
        db.commit()
        db.close()
    auth.login()
    _get(client, "/pages/mediatheque-de-redon")
    stats.flush(app)
    assert _counts(app) == {("page", "/pages/mediatheque-de-redon"): 1}
