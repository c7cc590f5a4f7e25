"""The moderation queue: waiting page edits, new pages and records; accept (merged like a save) or refuse with a
reason the author reads on their pages and by e-mail; the API's 202; the moderators' count."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tests.exports_support import login
from tests.factories import make_page
from tests.factories import make_user
from tests.support.smtp import body_of
from wiki.activity import pseudonyms
from wiki.auth import tokens
from wiki.mail import delivery
from wiki.moderation.models import JournalEntry
from wiki.moderation.models import WaitingItem
from wiki.pages.models import Page
from wiki.records import form_services
from wiki.records import services as records
from wiki.records.models import Record

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "horaires", "type": "text", "label": "Horaires"},
]
TEXT = "Ligne un.\nLigne deux.\nLigne trois.\n"


@pytest.fixture
def wiki(make_app):
    """A pre-moderated wiki."""
    return make_app(EDIT_POLICY="premoderated")


@pytest.fixture
def seeded(wiki, db):
    """A moderator, a newcomer (with an address), a page and a form with one published record."""
    moderator = make_user(db, "Modo", role="moderator")
    newcomer = make_user(db, "Nouveau", email="nouveau@example.org")
    page = make_page(db, "Lavoir", TEXT, actor=moderator)
    form = form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=moderator)
    record = records.create_record(
        db, form, {"title": "Moulin", "horaires": "le lundi"}, actor=moderator, policy="account"
    )
    _done(db)
    return SimpleNamespace(moderator=moderator, newcomer=newcomer, page=page, form=form, record=record)


def _edit(client, slug, body, base_id, comment=""):
    return client.post(f"/pages/{slug}/edit", data={"body": body, "base_revision_id": base_id, "comment": comment})


def _items(db):
    """The queue's rows as stored now; the test's read transaction ends at once (a SQLite write lock otherwise)."""
    db.expire_all()
    items = list(db.scalars(select(WaitingItem).order_by(WaitingItem.id)))
    db.expire_on_commit = False
    db.commit()
    return items


def _done(db, value=None):
    """End the test's read transaction (it holds SQLite's write lock), keeping what was read."""
    db.expire_on_commit = False
    db.commit()
    return value


def test_a_waiting_edit_is_seen_by_its_author_and_moderators_only(wiki, db, seeded):
    author = wiki.test_client()
    login(author, "Nouveau")
    answer = _edit(
        author, "lavoir", "Ligne un, corrigée.\nLigne deux.\nLigne trois.\n", seeded.page.current_revision_id
    )
    [item] = _items(db)
    assert answer.status_code == 302 and answer.location.endswith(f"/-/moderation/{item.id}")
    assert (item.kind, item.state, item.origin, item.author_id) == ("page", "waiting", "web", seeded.newcomer.id)
    db.refresh(seeded.page)
    assert seeded.page.current_revision.body == TEXT  # not the page's text
    _done(db)
    assert "corrigée" not in wiki.test_client().get("/pages/lavoir").text
    shown = author.get("/pages/lavoir").text
    assert "en attente de relecture" in shown and "corrigée" not in shown
    assert "corrigée" in author.get(f"/-/moderation/{item.id}").text
    assert wiki.test_client().get(f"/-/moderation/{item.id}").status_code == 404
    other = wiki.test_client()
    make_user(db, "Autre")
    db.commit()
    login(other, "Autre")
    assert other.get(f"/-/moderation/{item.id}").status_code == 404
    assert other.get("/-/moderation").status_code == 403
    moderator = wiki.test_client()
    login(moderator, "Modo")
    queue = moderator.get("/-/moderation")
    assert queue.status_code == 200
    assert "corrigée" in queue.text and "Nouveau" in queue.text and "Modification de page" in queue.text
    assert '<span class="badge" aria-label="1 en attente">1</span>' in queue.text  # the moderators' navigation


def test_accepting_an_edit_made_against_an_older_revision_merges_it(wiki, db, seeded):
    base = seeded.page.current_revision_id
    author = wiki.test_client()
    login(author, "Nouveau")
    _edit(author, "lavoir", "Ligne un, par Nouveau.\nLigne deux.\nLigne trois.\n", base, "première ligne")
    moderator = wiki.test_client()
    login(moderator, "Modo")
    _edit(moderator, "lavoir", "Ligne un.\nLigne deux.\nLigne trois, par Modo.\n", base)
    [item] = _items(db)
    answer = moderator.post(f"/-/moderation/{item.id}/accepter", data={"reason": ""})
    assert answer.status_code == 302
    db.expire_all()
    page = db.get(Page, seeded.page.id)
    current = page.current_revision
    assert current.body == "Ligne un, par Nouveau.\nLigne deux.\nLigne trois, par Modo.\n"
    assert (current.author_id, current.action, current.comment) == (seeded.newcomer.id, "merge", "première ligne")
    [item] = _items(db)
    assert (item.state, item.decided_by_id) == ("accepted", seeded.moderator.id)
    entry = db.scalar(select(JournalEntry).where(JournalEntry.action == "accept"))
    assert entry is not None and entry.title == "Lavoir" and entry.actor_id == seeded.moderator.id
    assert "acceptée" in author.get("/-/mes-contributions").text


def test_an_overlapping_edit_is_not_accepted_and_the_moderator_is_told_why(wiki, db, seeded):
    base = seeded.page.current_revision_id
    author = wiki.test_client()
    login(author, "Nouveau")
    _edit(author, "lavoir", "Ligne un, version A.\nLigne deux.\nLigne trois.\n", base)
    moderator = wiki.test_client()
    login(moderator, "Modo")
    _edit(moderator, "lavoir", "Ligne un, version B.\nLigne deux.\nLigne trois.\n", base)
    [item] = _items(db)
    answer = moderator.post(f"/-/moderation/{item.id}/accepter", data={"reason": ""})
    assert answer.status_code == 409
    assert "mêmes lignes" in answer.text and "version A" in answer.text  # the queue again, the diff still there
    [item] = _items(db)
    assert item.state == "waiting"


def test_refusing_needs_a_reason_that_the_author_reads(wiki, db, seeded):
    author = wiki.test_client()
    login(author, "Nouveau")
    _edit(author, "lavoir", "Achetez des montres.\n", seeded.page.current_revision_id)
    [item] = _items(db)
    moderator = wiki.test_client()
    login(moderator, "Modo")
    refused = moderator.post(f"/-/moderation/{item.id}/refuser", data={"reason": "  "})
    assert refused.status_code == 409 and "Donnez la raison du refus" in refused.text
    assert _items(db)[0].state == "waiting"
    assert moderator.post(f"/-/moderation/{item.id}/refuser", data={"reason": "Publicité."}).status_code == 302
    [item] = _items(db)
    assert (item.state, item.reason) == ("refused", "Publicité.")
    db.refresh(seeded.page)
    assert seeded.page.current_revision.body == TEXT
    _done(db)
    mine = author.get("/-/mes-contributions").text
    assert "refusée" in mine and "Publicité." in mine
    account = author.get("/-/compte").text
    assert "/-/mes-contributions" in account and "Publicité." in account  # the decision on the account page
    entry = _done(db, db.scalar(select(JournalEntry).where(JournalEntry.action == "refuse")))
    assert entry.reason == "Publicité." and entry.title == "Lavoir"
    assert moderator.post(f"/-/moderation/{item.id}/accepter").status_code == 409  # decided once


def test_a_new_page_by_an_anonymous_visitor_waits_as_a_whole(wiki, db, seeded):
    visitor = wiki.test_client()
    answer = visitor.post(
        "/pages/four-a-pain/edit", data={"title": "Four à pain", "body": "Le four est rallumé en mai.\n"}
    )
    [item] = _items(db)
    assert answer.status_code == 302 and item.is_new and item.author_id is None and len(item.session_key) == 16
    assert _done(db, db.scalar(select(Page).where(Page.slug == "four-a-pain"))) is None
    assert "en attente de relecture" in visitor.get("/pages/four-a-pain").text  # the same browser session
    assert "en attente" not in wiki.test_client().get("/pages/four-a-pain").text
    assert "rallumé" in visitor.get(f"/-/moderation/{item.id}").text
    moderator = wiki.test_client()
    login(moderator, "Modo")
    queue = moderator.get("/-/moderation").text
    tag = pseudonyms.pseudonym(wiki.secret_key, item.session_key)  # as recent changes and mass rollback name it
    assert "Nouvelle page" in queue and f"Anonyme {tag}" in queue and item.session_key not in queue
    moderator.post(f"/-/moderation/{item.id}/accepter", data={"reason": "Bienvenue"})
    db.expire_all()
    page = db.scalar(select(Page).where(Page.slug == "four-a-pain"))
    assert page.title == "Four à pain" and page.current_revision.author_id is None
    assert "rallumé" in wiki.test_client().get("/pages/four-a-pain").text
    assert f'<span class="pseudonym">{tag}</span>' in wiki.test_client().get("/-/modifications").text
    assert "acceptée" in visitor.get("/-/mes-contributions").text


def test_records_wait_then_are_accepted_or_refused(wiki, db, seeded):
    author = wiki.test_client()
    login(author, "Nouveau")
    author.post("/annuaire/lieux/nouvelle", data={"title": "Ferme des Landes", "horaires": "samedi"})
    new = _done(db, db.scalar(select(Record).where(Record.title == "Ferme des Landes")))
    assert new.status == "pending"
    changed = author.post(
        f"/fiches/{seeded.record.id}/modifier",
        data={"title": "Moulin", "horaires": "le mardi", "base_revision": seeded.record.revision_number},
    )
    new_item, change = _items(db)
    assert changed.location.endswith(f"/-/moderation/{change.id}")
    db.refresh(seeded.record)
    assert _done(db, seeded.record.data["f_00000002"]) == "le lundi"  # the public values stay
    assert "le mardi" not in wiki.test_client().get(f"/fiches/{seeded.record.id}").text
    assert "en attente de relecture" in author.get(f"/fiches/{seeded.record.id}").text
    moderator = wiki.test_client()
    login(moderator, "Modo")
    queue = moderator.get("/-/moderation?type=record").text
    assert "Ferme des Landes" in queue and "Nouvelle fiche" in queue
    assert "<del>le lundi</del>" in queue and "<ins>le mardi</ins>" in queue  # the field diff
    moderator.post(f"/-/moderation/{change.id}/accepter")
    moderator.post(f"/-/moderation/{new_item.id}/refuser", data={"reason": "Déjà dans l’annuaire."})
    db.expire_all()
    assert db.get(Record, seeded.record.id).data["f_00000002"] == "le mardi"
    assert db.get(Record, new.id).status == "draft"  # back to its author, who may fix it
    mine = author.get("/-/mes-contributions").text
    assert "Déjà dans l’annuaire." in mine and "acceptée" in mine


def test_a_pending_record_published_from_its_own_screen_leaves_the_queue(wiki, db, seeded):
    with wiki.app_context():
        new = records.create_record(db, seeded.form, {"title": "Cale"}, actor=seeded.newcomer, policy="premoderated")
        db.commit()
    [item] = _items(db)
    assert item.object_id == new.id and item.state == "waiting"
    records.set_status(db, new, "published", actor=seeded.moderator)
    db.commit()
    assert _items(db)[0].state == "accepted"


def test_the_api_answers_202_for_writes_that_wait(wiki, db, seeded):
    token = tokens.create_token(db, seeded.newcomer, "script").secret
    _done(db)
    client = wiki.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    etag = client.get("/api/v1/pages/lavoir").headers["ETag"]
    answer = client.put("/api/v1/pages/lavoir", json={"text": "Par l'API.\n"}, headers=headers | {"If-Match": etag})
    assert answer.status_code == 202
    assert answer.json["state"] == "waiting" and answer.json["kind"] == "page"
    assert answer.json["url"].endswith(f"/-/moderation/{answer.json['item']}")
    assert client.get("/api/v1/pages/lavoir").json["content_markdown"] == TEXT
    created = client.post("/api/v1/forms/lieux/records", json={"values": {"title": "Par l'API"}}, headers=headers)
    assert created.status_code == 202 and created.json["kind"] == "record"
    assert client.get(created.headers["Location"]).status_code == 404  # anonymous readers: nothing there
    assert client.get(created.headers["Location"], headers=headers).json["status"] == "pending"  # its author: yes
    etag = client.get(f"/api/v1/records/{seeded.record.id}").headers["ETag"]
    changed = client.put(
        f"/api/v1/records/{seeded.record.id}",
        json={"values": {"title": "Moulin", "horaires": "jamais"}},
        headers=headers | {"If-Match": etag},
    )
    assert changed.status_code == 202
    assert "jamais" not in client.get(f"/api/v1/records/{seeded.record.id}").text
    assert {i.origin for i in _items(db)} == {"api"}


def test_the_author_gets_the_decision_by_mail(make_app, db, smtp_server):
    wiki = make_app(EDIT_POLICY="premoderated", **smtp_server.settings())
    moderator = make_user(db, "Modo", role="moderator")
    make_user(db, "Nouveau", email="nouveau@example.org")
    page = make_page(db, "Lavoir", TEXT, actor=moderator)
    _done(db)
    author = wiki.test_client()
    login(author, "Nouveau")
    _edit(author, "lavoir", "Achetez des montres.\n", page.current_revision_id)
    [item] = _items(db)
    moderator_client = wiki.test_client()
    login(moderator_client, "Modo")
    moderator_client.post(f"/-/moderation/{item.id}/refuser", data={"reason": "Publicité pour des montres."})
    [message] = smtp_server.wait_for(1)
    delivery.wait_for_sender(wiki)
    assert message["To"] == "nouveau@example.org"
    assert "Contribution refusée" in message["Subject"]
    body = body_of(message)
    assert "« Lavoir » a été refusée" in body and "Publicité pour des montres." in body
    assert "http://wiki.test/-/mes-contributions" in body


def test_a_moderator_sets_a_page_policy_on_its_protect_screen(app, db):
    moderator = make_user(db, "Modo", role="moderator")
    make_page(db, "Lavoir", TEXT, actor=moderator)
    make_user(db, "Nouveau")
    _done(db)
    client = app.test_client()
    login(client, "Modo")
    screen = client.get("/pages/lavoir/protect")
    assert screen.status_code == 200 and 'name="policy" value="premoderated"' in screen.text
    assert client.post("/pages/lavoir/protect", data={"policy": "premoderated"}).status_code == 302
    assert client.post("/pages/lavoir/protect", data={"policy": "n'importe"}).status_code == 400
    db.expire_all()
    page = _done(db, db.scalar(select(Page).where(Page.slug == "lavoir")))
    assert page.edit_policy == "premoderated" and not page.protected
    other = app.test_client()
    login(other, "Nouveau")
    assert other.get("/pages/lavoir/protect").status_code == 403
    _edit(other, "lavoir", "Autre texte.\n", page.current_revision_id)
    assert len(_items(db)) == 1  # the page waits although the wiki does not
    client.post("/pages/lavoir/protect", data={"policy": "locked"})
    db.expire_all()
    assert _done(db, db.get(Page, page.id).protected)
    assert _edit(other, "lavoir", "Encore.\n", page.current_revision_id).status_code in (302, 403)
    assert db.get(Page, page.id).current_revision.body == TEXT


def test_the_form_builder_sets_the_form_policy(app, db):
    moderator = make_user(db, "Modo", role="moderator")
    form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=moderator)
    make_user(db, "Nouveau")
    db.commit()
    client = app.test_client()
    login(client, "Modo")
    assert 'name="edit_policy"' in client.get("/-/formulaires/lieux").text
    client.post("/-/formulaires/lieux/regle", data={"edit_policy": "premoderated"})
    author = app.test_client()
    login(author, "Nouveau")
    author.post("/annuaire/lieux/nouvelle", data={"title": "Ferme"})
    assert db.scalar(select(Record.status).where(Record.title == "Ferme")) == "pending"
    assert len(_items(db)) == 1


def test_an_admin_marks_an_account_trusted_and_it_publishes_directly(wiki, db, seeded):
    make_user(db, "Admin", role="admin")
    newcomer_id = _done(db, seeded.newcomer.id)  # read now: a later read would hold SQLite's write lock
    moderator = wiki.test_client()
    login(moderator, "Modo")
    assert moderator.post(f"/-/comptes/{newcomer_id}/confiance", data={"trusted": "1"}).status_code == 403
    admin = wiki.test_client()
    login(admin, "Admin")
    assert "Marquer de confiance" in admin.get("/-/comptes").text
    assert admin.post(f"/-/comptes/{newcomer_id}/confiance", data={"trusted": "1"}).status_code == 302
    author = wiki.test_client()
    login(author, "Nouveau")
    _edit(author, "lavoir", "Texte de confiance.\n", seeded.page.current_revision_id)
    assert _items(db) == []
    assert "Texte de confiance." in wiki.test_client().get("/pages/lavoir").text
    assert "confiance accordée" in wiki.test_client().get("/-/journal").text
    admin.post(f"/-/comptes/{newcomer_id}/confiance", data={"trusted": "0"})
    db.expire_all()
    page = _done(db, db.get(Page, seeded.page.id))
    _edit(author, "lavoir", "Encore un texte.\n", page.current_revision_id)
    assert len(_items(db)) == 1
