"""Mass rollback through its screen and its command: preview, apply, the journal's entry, undo."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_page
from tests.factories import make_user
from wiki.moderation.models import JournalEntry
from wiki.pages import services as pages
from wiki.pages.models import Page

pytestmark = pytest.mark.sqlite_only  # the HTTP and CLI surface over the services tested on both databases


@pytest.fixture
def app(make_app):
    """The spam here got past the anti-spam limits: they are off."""
    return make_app(RATE_LIMIT_NEWCOMER=0, SPAM_MAX_NEW_LINKS=10_000)


@pytest.fixture
def spammed(db):
    alix, spam = make_user(db, "Alix"), make_user(db, "Vendeur", email="vendeur@example.org")
    make_user(db, "Modo", role="moderator")
    page = make_page(db, "Marché", "Le samedi.\n", actor=alix)
    pages.save_page(
        db, page, body="MONTRES\n", comment="", actor=spam, base_revision_id=page.current_revision_id, policy="account"
    )
    pages.create_page(db, title="Montres pas chères", body="pub", comment="", actor=spam, policy="account")
    db.commit()
    return page


def _body(db, slug):
    db.expire_all()
    page = db.scalar(select(Page).where(Page.slug == slug))
    body = page.current_revision.body, page.is_deleted
    db.rollback()
    return body


def test_a_moderator_previews_applies_and_undoes_from_the_screens(client, auth, db, spammed):
    auth.login("Modo")
    preview = client.get("/-/moderation/annulation-en-masse?auteur=Vendeur").text
    assert "Marché" in preview and "Montres pas chères" in preview and "suppression (restaurable)" in preview
    assert _body(db, "marche") == ("MONTRES\n", False)  # a preview changes nothing

    response = client.post("/-/moderation/annulation-en-masse", data={"auteur": "Vendeur", "reason": "publicité"})
    assert response.status_code == 302 and "/-/journal#entry-" in response.location
    assert _body(db, "marche") == ("Le samedi.\n", False)
    assert _body(db, "montres-pas-cheres")[1] is True

    log = client.get("/-/journal").text
    assert "annulation en masse" in log and "Vendeur" in log and "publicité" in log and "2 pages" in log
    assert "vendeur@example.org" not in log
    entry_id = db.scalar(select(JournalEntry.id).where(JournalEntry.action == "rollback"))
    db.rollback()
    assert f"/-/journal/{entry_id}/retablir" in log
    assert client.post(f"/-/journal/{entry_id}/retablir").status_code == 302
    assert _body(db, "marche") == ("MONTRES\n", False)
    assert _body(db, "montres-pas-cheres")[1] is False
    again = client.get("/-/journal").text
    assert "rétablie" in again and f"/-/journal/{entry_id}/retablir" not in again


def test_rollback_screens_are_for_moderators(client, auth, db, spammed):
    assert client.get("/-/moderation/annulation-en-masse?auteur=Vendeur").status_code == 403
    auth.login("Alix")
    assert client.post("/-/moderation/annulation-en-masse", data={"auteur": "Vendeur"}).status_code == 403
    assert _body(db, "marche") == ("MONTRES\n", False)
    assert "retablir" not in client.get("/-/journal").text


def test_recent_changes_of_an_account_link_to_its_rollback(client, auth, spammed):
    auth.login("Modo")
    assert "/-/moderation/annulation-en-masse?auteur=Vendeur" in client.get("/-/modifications?auteur=Vendeur").text


def test_cli_rollback_then_undo(runner, db, spammed):
    dry = runner.invoke(args=["moderation", "rollback", "--user", "Vendeur", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "2 change(s) to undo: 2 page(s)" in dry.output
    assert _body(db, "marche") == ("MONTRES\n", False)

    done = runner.invoke(args=["moderation", "rollback", "--user", "Vendeur", "--reason", "spam", "--as", "Modo"])
    assert done.exit_code == 0, done.output
    assert _body(db, "marche") == ("Le samedi.\n", False)
    entry_id = int(done.output.split("moderation log entry ")[1].split(":")[0])

    undone = runner.invoke(args=["moderation", "undo", str(entry_id)])
    assert undone.exit_code == 0, undone.output
    assert _body(db, "marche") == ("MONTRES\n", False)
    assert runner.invoke(args=["moderation", "rollback"]).exit_code != 0
    assert runner.invoke(args=["moderation", "rollback", "--user", "Vendeur", "--as", "Alix"]).exit_code != 0
