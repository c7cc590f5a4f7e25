"""A logged-in view of a page: what it asks the database, and what is kept between views.

Which links exist and the backlinks are kept per content version
(``wiki.pages.link_reads``), the author's waiting items and the moderators'
count too (``wiki.moderation.waiting``); the watch check uses the page the
view loaded. Every change must show at once, and the kept answers must give
the same HTML as reading again.
"""

from __future__ import annotations

import re

import pytest

from tests.exports_support import login
from tests.factories import make_page
from tests.factories import make_user
from tests.support.statements import statements_with
from wiki.auth import services as accounts
from wiki.db import Database
from wiki.moderation import waiting
from wiki.pages import link_reads
from wiki.pages import moderation
from wiki.pages import services as pages

KEPT = (link_reads._existing, link_reads._backlinks, waiting._count, waiting._targets)


def _html(client, url):
    """The page's HTML, its per-session CSRF tokens blanked."""
    answer = client.get(url)
    assert answer.status_code == 200
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", answer.text)


def _same_as_read_again(app, client, url):
    """The HTML of ``url`` with the kept answers, checked against the HTML with nothing kept."""
    kept = _html(client, url)
    for cache in KEPT:
        cache.resize(app, 0)
    try:
        assert _html(client, url) == kept
    finally:
        for cache in KEPT:
            cache.resize(app, cache.maxsize)
    return kept


@pytest.fixture
def reader(app, client, db):
    """A logged-in contributor and a page linking to a page, a missing page and a renamed one."""
    make_user(db, "Lectrice")
    modo = make_user(db, "Modo", role="moderator")
    make_page(db, "Moulin", "Le moulin.\n")
    old = make_page(db, "Ancien nom", "Texte.\n")
    pages.rename_page(db, old, "Nouveau nom", actor=modo, policy="account")
    make_page(db, "Lavoir", "Voir [[Moulin]], [[Four à pain]] et [[Ancien nom]].\n")
    db.commit()
    login(client, "Lectrice")
    client.get("/pages/moulin")  # shows the welcome message once
    return client


def test_a_logged_in_view_reads_the_user_the_page_the_version_and_the_watch_only(app, reader):
    reader.get("/pages/lavoir")
    with statements_with(Database.engine(app), "SELECT") as sent:
        reader.get("/pages/lavoir")
    tables = [re.search(r"\bFROM (\w+)", statement)[1] for statement in sent]
    assert tables == ["users", "pages", "content_version", "watches"]


def test_links_and_backlinks_kept_per_version_show_every_change_at_once(app, reader, db):
    shown = _same_as_read_again(app, reader, "/pages/lavoir")
    assert 'class="wikilink missing"' in shown and "Pages qui mènent ici" not in shown
    make_page(db, "Four à pain", "Il mène au [[Lavoir]].\n")
    db.commit()
    shown = _same_as_read_again(app, reader, "/pages/lavoir")
    assert "missing" not in shown and 'href="/pages/four-a-pain"><bdi>Four à pain</bdi>' in shown
    moderation.delete_page(db, pages.find_page(db, "four-a-pain"), actor=accounts.find_user(db, "Modo"))
    db.commit()
    shown = _same_as_read_again(app, reader, "/pages/lavoir")
    assert 'class="wikilink missing"' in shown and "Pages qui mènent ici" not in shown


def test_a_waiting_edit_shows_to_its_author_and_the_moderators_count_at_once(make_app, db):
    wiki = make_app(EDIT_POLICY="premoderated")
    page = make_page(db, "Lavoir", "Ligne un.\n", actor=make_user(db, "Modo", role="moderator"))
    make_user(db, "Nouveau")
    make_user(db, "Autre")
    db.commit()
    author, other, moderator = wiki.test_client(), wiki.test_client(), wiki.test_client()
    for client, name in ((author, "Nouveau"), (other, "Autre"), (moderator, "Modo")):
        login(client, name)
        assert "en attente" not in client.get("/pages/lavoir").text  # kept: nothing waits
    posted = author.post(
        "/pages/lavoir/edit", data={"body": "Ligne une.\n", "base_revision_id": page.current_revision_id}
    )
    assert posted.status_code == 302 and "/-/moderation/" in posted.location
    assert "en attente de relecture" in author.get("/pages/lavoir").text
    assert "en attente" not in other.get("/pages/lavoir").text  # the author's items are theirs alone
    assert '<span class="badge" aria-label="1 en attente">1</span>' in moderator.get("/pages/lavoir").text
    assert "en attente de relecture" not in moderator.get("/pages/lavoir").text
