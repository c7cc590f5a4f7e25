"""Anti-spam content rules per trust level: links an edit adds, the blocklist, pages and records alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.auth.services import Anonymous
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.moderation import blocklist
from wiki.moderation import spam
from wiki.pages import services as pages
from wiki.records import form_services
from wiki.records import services as records

pytestmark = pytest.mark.sqlite_only  # plain inserts and counts, no dialect-specific SQL

LINKS = "\n".join(f"- [offre {n}](https://promo{n}.example/achat)" for n in range(4))
FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_00000002", "key": "description", "type": "longtext", "label": "Description"},
]


@pytest.fixture
def ctx(app):
    """The app context the rules are read from (``SPAM_MAX_NEW_LINKS`` 3 by default)."""
    with app.app_context():
        yield


def _trusted_by_age(db, name="Ancienne"):
    """A contributor whose account is old and has enough accepted contributions."""
    user = make_user(db, name)
    user.created_at = utcnow() - timedelta(days=60)
    for n in range(5):
        make_page(db, f"Page {name} {n}", actor=user)
    return user


def test_links_are_found_in_markdown_html_and_bare_text():
    text = "[a](https://a.example/x) <a href='http://b.example'>b</a> www.c.example, //d.example/y et https://wiki.test/pages/x"
    assert spam.outside_links(text, ["wiki.test"]) == [
        "https://a.example/x",
        "http://b.example",
        "www.c.example",
        "//d.example/y",
    ]
    # Only what the edit adds counts; a second copy of a link is one more.
    before = "voir https://a.example/x"
    assert spam.added_links(before, before + " et https://a.example/x https://b.example") == [
        "https://a.example/x",
        "https://b.example",
    ]


def test_newcomer_and_anonymous_may_not_add_more_than_three_links(db, ctx):
    newcomer = make_user(db, "Nouvelle")
    with pytest.raises(spam.SpamRefused) as caught:
        pages.create_page(db, title="Bonnes affaires", body=LINKS, comment="", actor=newcomer, policy="account")
    assert "4 liens" in caught.value.errors["body"] and "3 à la fois" in caught.value.errors["body"]
    with pytest.raises(spam.SpamRefused):
        pages.create_page(db, title="Promos", body=LINKS, comment="", actor=Anonymous(), policy="open")
    three = "\n".join(LINKS.splitlines()[:3])
    assert pages.create_page(db, title="Trois liens", body=three, comment="", actor=newcomer, policy="account").revision


def test_links_already_in_the_page_are_not_counted(db, ctx):
    modo = make_user(db, "Modo", role="moderator")
    page = make_page(db, "Annuaire des sites", LINKS + "\n- https://e.example\n", actor=modo)
    newcomer = make_user(db, "Nouvelle")
    current = page.current_revision
    body = "Intro.\n" + current.body + "- https://f.example\n"
    result = pages.save_page(
        db, page, body=body, comment="", actor=newcomer, base_revision_id=current.id, policy="account"
    )
    assert result.revision is not None
    more = result.revision.body + "".join(f"- https://g{n}.example\n" for n in range(4))
    with pytest.raises(spam.SpamRefused):
        pages.save_page(
            db, page, body=more, comment="", actor=newcomer, base_revision_id=result.revision.id, policy="account"
        )


def test_moderators_and_trusted_contributors_are_exempt(db, ctx):
    modo = make_user(db, "Modo", role="moderator")
    assert pages.create_page(db, title="Liens modo", body=LINKS, comment="", actor=modo, policy="account").revision
    marked = make_user(db, "Marquée")
    marked.trusted = True
    assert pages.create_page(db, title="Liens marquée", body=LINKS, comment="", actor=marked, policy="account").revision
    old = _trusted_by_age(db)
    assert pages.create_page(db, title="Liens ancienne", body=LINKS, comment="", actor=old, policy="account").revision
    # An old account without contributions is still a newcomer.
    idle = make_user(db, "Dormante")
    idle.created_at = utcnow() - timedelta(days=60)
    with pytest.raises(spam.SpamRefused):
        pages.create_page(db, title="Liens dormante", body=LINKS, comment="", actor=idle, policy="account")


def test_blocklist_from_settings_and_moderators(make_app, db):
    app = make_app(SPAM_BLOCKLIST=["casino.example", "pilules miracles"])
    modo = make_user(db, "Modo", role="moderator")
    newcomer = make_user(db, "Nouvelle")
    with app.app_context():
        blocklist.add_pattern(db, "https://www.montres-pas-cheres.example/achat", actor=modo)
        assert [p.pattern for p in blocklist.list_patterns(db)] == ["montres-pas-cheres.example"]
        with pytest.raises(Forbidden):
            blocklist.add_pattern(db, "autre.example", actor=newcomer)
        refused = {
            "Un lien": "Voir https://jeux.casino.example/ ici",
            "Un domaine écrit": "rendez-vous sur casino.example",
            "Une phrase": "Des PILULES miracles pour tous",
            "Le domaine des modérateurs": "[montres](http://montres-pas-cheres.example)",
        }
        for title, body in refused.items():
            with pytest.raises(spam.SpamRefused) as caught:
                pages.create_page(db, title=title, body=body, comment="", actor=newcomer, policy="account")
            assert "interdit" in caught.value.errors["body"]
        fine = "Le site notcasino.example et le casino de la ville."
        assert pages.create_page(db, title="Voisin", body=fine, comment="", actor=newcomer, policy="account").revision
        assert pages.create_page(
            db, title="Casino modo", body=refused["Un lien"], comment="", actor=modo, policy="account"
        ).revision


def test_record_rules_count_links_across_fields(db, ctx):
    modo = make_user(db, "Modo", role="moderator")
    form = form_services.create_form(db, key="lieux", title="Lieux", fields=FIELDS, actor=modo)
    newcomer = make_user(db, "Nouvelle")
    spammy = {"title": "Promo https://a.example", "description": "https://b.example https://c.example www.d.example"}
    with pytest.raises(spam.SpamRefused) as caught:
        records.create_record(db, form, spammy, actor=newcomer, policy="account")
    assert set(caught.value.errors) == {"title"}
    record = records.create_record(
        db, form, {"title": "Jardin", "description": "https://a.example"}, actor=newcomer, policy="account"
    )
    # The existing link is not counted again; three more are fine, a fourth is not.
    ok = {"title": "Jardin", "description": "https://a.example https://b.example https://c.example https://d.example"}
    assert records.update_record(db, record, ok, actor=newcomer, policy="account", base_revision=None).changed
    too_many = {"title": "Jardin", "description": ok["description"] + " https://e.example https://f.example"}
    too_many["description"] += " https://g.example https://h.example"
    with pytest.raises(spam.SpamRefused):
        records.update_record(db, record, too_many, actor=newcomer, policy="account", base_revision=None)


def test_no_rules_without_an_app(db):
    # Scripts without an app (and the tests' factories) pass; the web, the API and the CLI have one.
    assert pages.create_page(db, title="Hors appli", body=LINKS, comment="", actor=make_user(db), policy="account")


def test_newcomer_accounts_are_limited_per_window(make_app, db):
    app = make_app(RATE_LIMIT_NEWCOMER=3)
    newcomer, other = make_user(db, "Nouvelle"), make_user(db, "Autre")
    with app.app_context():
        for n in range(5):  # a script run by the operator is not limited
            pages.create_page(db, title=f"Script {n}", body="texte", comment="", actor=newcomer, policy="account")
    with app.test_request_context("/"):
        for n in range(3):
            pages.create_page(db, title=f"Note {n}", body="texte", comment="", actor=newcomer, policy="account")
        with pytest.raises(spam.RateLimited) as caught:
            pages.create_page(db, title="Note 4", body="texte", comment="", actor=newcomer, policy="account")
        assert caught.value.status == 429 and "ce compte" in caught.value.errors["body"]
        # Another account has its own budget; past the window the first one writes again.
        pages.create_page(db, title="Note autre", body="texte", comment="", actor=other, policy="account")
        later = utcnow() + timedelta(seconds=601)
        spam.check_contribution(db, newcomer, before="", after="texte", now=later)


def test_the_api_gets_the_same_rules_as_json(make_app, db):
    from wiki.auth import tokens

    app = make_app(RATE_LIMIT_NEWCOMER=2)
    newcomer = make_user(db, "Nouvelle")
    auth = {"Authorization": f"Bearer {tokens.create_token(db, newcomer, 'tests').secret}"}
    db.commit()
    client = app.test_client()
    refused = client.put("/api/v1/pages/promos", json={"text": LINKS}, headers=auth)
    assert (
        refused.status_code == 400 and refused.json["error"] == "spam" and "4 liens" in refused.json["errors"]["text"]
    )
    for n in range(2):
        assert client.put(f"/api/v1/pages/note-{n}", json={"text": "Bonjour"}, headers=auth).status_code == 201
    limited = client.put("/api/v1/pages/note-3", json={"text": "Bonjour"}, headers=auth)
    assert limited.status_code == 429 and limited.json["error"] == "throttled"
