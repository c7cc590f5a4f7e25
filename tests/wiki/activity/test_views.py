"""Recent changes and their Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tests.factories import make_page
from tests.factories import make_user
from wiki.pages import moderation
from wiki.pages import services

ATOM = "{http://www.w3.org/2005/Atom}"


def _history(db):
    author = make_user(db, "Alix")
    moderator = make_user(db, "Modo", role="moderator")
    page = make_page(db, "Marché <b>bio</b>", "un\n", actor=author)
    services.save_page(
        db,
        page,
        body="un\ndeux\n",
        comment="<script>x</script> ajout",
        actor=author,
        base_revision_id=page.current_revision_id,
        policy="account",
    )
    services.rename_page(db, page, "Marché bio", actor=author, policy="account")
    moderation.protect_page(db, page, True, actor=moderator)
    moderation.delete_page(db, page, actor=moderator, comment="doublon")
    db.commit()
    return page


def test_recent_changes_lists_every_action(client, db):
    _history(db)
    text = client.get("/-/modifications").text
    for label in ("création", "modification", "renommage", "protection", "suppression"):
        assert label in text
    assert "+1" in text
    assert "&lt;script&gt;x&lt;/script&gt; ajout" in text and "<script>x" not in text
    assert "Marché &lt;b&gt;bio&lt;/b&gt;" in text


def test_atom_feed_parses_and_escapes(client, db):
    _history(db)
    response = client.get("/-/modifications.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 5
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "Marché <b>bio</b>" in titles  # data, escaped by XML, never markup
    assert all(e.find(f"{ATOM}link").get("href").startswith("http://wiki.test/") for e in entries)


def test_atom_feed_declares_its_charset(client, db):
    # Werkzeug 3 dropped Response.charset: the charset comes with the XML mimetype, not from that attribute.
    response = client.get("/-/modifications.atom")
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"


def test_pagination_is_clamped(client, db):
    _history(db)
    for query in ("page=0", "page=-1", "page=abc", "page=1e9", "page=99999999999"):
        assert client.get(f"/-/modifications?{query}").status_code == 200
