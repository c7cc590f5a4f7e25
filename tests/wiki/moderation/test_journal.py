"""The public moderation log: entries written by services, shown at /-/journal without personal data."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.factories import make_user
from wiki.moderation import journal

pytestmark = pytest.mark.sqlite_only  # HTTP surface and plain inserts, no dialect-specific SQL

ATOM = "{http://www.w3.org/2005/Atom}"


def test_log_keeps_one_line_reason_and_details(db):
    modo = make_user(db, "Modo", role="moderator", email="modo@example.org")
    entry = journal.log(
        db,
        action="refuse",
        actor=modo,
        kind="record",
        object_id=12,
        title="Vente\nde <b>montres</b>",
        key="12",
        reason="publicité\x00 déguisée\n",
        details={"summary": "1 fiche", "private": "x"},
    )
    db.commit()
    assert entry.id and entry.actor_id == modo.id
    assert entry.title == "Vente de <b>montres</b>" and entry.reason == "publicité déguisée"
    assert journal.list_entries(db) == [entry]
    assert journal.list_entries(db, action="accept") == []


def test_public_page_lists_decisions_without_personal_data(client, db):
    modo = make_user(db, "Modo", role="moderator", email="modo@example.org")
    journal.log(db, action="accept", actor=modo, kind="page", object_id=1, title="Marché", key="marche")
    journal.log(
        db,
        action="refuse",
        actor=modo,
        kind="record",
        object_id=2,
        title="Spam <script>",
        key="2",
        reason="lien publicitaire",
        details={"summary": "refusée", "session_key": "0123456789abcdef"},
    )
    db.commit()
    text = client.get("/-/journal").text
    assert "Journal de modération" in text
    assert "Modo" in text and "lien publicitaire" in text and "refusée" in text
    assert "Spam &lt;script&gt;" in text and "<script>" not in text
    assert "modo@example.org" not in text and "0123456789abcdef" not in text
    only = client.get("/-/journal?action=refuse").text
    assert "lien publicitaire" in only and "Marché" not in only
    assert client.get("/-/journal?action=%3Cx%3E").status_code == 200


def test_journal_feed_is_atom(client, db):
    modo = make_user(db, "Modo", role="moderator", email="modo@example.org")
    journal.log(db, action="refuse", actor=modo, kind="page", object_id=1, title="Pub", key="pub", reason="spam")
    db.commit()
    response = client.get("/-/journal.atom")
    assert response.mimetype == "application/atom+xml"
    entries = ET.fromstring(response.data).findall(f"{ATOM}entry")
    assert len(entries) == 1 and b"modo@example.org" not in response.data


def test_journal_pages(client, db, app):
    modo = make_user(db, "Modo", role="moderator")
    for n in range(app.config["PER_PAGE"] + 1):
        journal.log(db, action="patrol", actor=modo, kind="page", object_id=n, title=f"Page {n}", key=f"p{n}")
    db.commit()
    first = client.get("/-/journal?action=patrol").text
    assert "page=2" in first and "action=patrol" in first
    assert "Page 0<" in client.get("/-/journal?action=patrol&page=2").text
