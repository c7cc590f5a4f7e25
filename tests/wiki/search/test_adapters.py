"""Adapters decide what is public: private records, non-public fields and personal data never reach the index."""

from __future__ import annotations

import pytest

from tests.factories import make_page
from tests.factories import make_user
from wiki.auth.services import Anonymous
from wiki.db import utcnow
from wiki.pages import moderation
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.search import adapters
from wiki.search.adapters import ADAPTERS

FIELDS = [
    {"key": "nom", "type": "text", "label": "Nom", "required": True},
    {"key": "description", "type": "longtext", "label": "Description"},
    {"key": "themes", "type": "theme", "label": "Thèmes"},
    {"key": "commune", "type": "zone", "label": "Commune", "options": {"levels": ["commune"]}},
    {"key": "note", "type": "longtext", "label": "Note interne", "visibility": "members"},
    {"key": "tel", "type": "phone", "label": "Téléphone", "personal": True},
    {"key": "secret", "type": "text", "label": "Code", "visibility": "private"},
]
VALUES = {
    "nom": "Atelier vélo",
    "description": "Réparation de vélos le samedi.",
    "themes": ["mobilite"],
    "commune": "35236",
    "note": "Digicode zorglub",
    "tel": "02 99 71 00 00",
    "secret": "clé sous le pot",
}


@pytest.fixture
def moderator(db):
    return make_user(db, "Modo", role="moderator")


@pytest.fixture
def form(db, moderator):
    taxonomy.save_theme(db, key="mobilite", label="Mobilité", actor=moderator, synonyms=["transports", "covoiturage"])
    return form_services.create_form(db, key="lieu", title="Lieu", fields=FIELDS, actor=moderator, title_field="nom")


def record(db, form, actor, **changes):
    return services.create_record(db, form, VALUES | changes, actor=actor, policy="open")


def test_public_record_document_holds_public_values_only(db, form, moderator):
    doc = adapters.to_document(record(db, form, moderator))
    assert doc["id"].startswith("record:") and doc["kind"] == "record" and doc["form"] == "lieu"
    assert doc["title"] == "Atelier vélo" and doc["status"] == "published" and doc["url"] == f"/fiches/{doc['id'][7:]}"
    assert "Réparation de vélos" in doc["body"] and "Mobilité" in doc["body"] and "covoiturage" in doc["body"]
    assert doc["themes"] == ["mobilite"] and doc["zones"] == ["35236"]
    text = " ".join(str(v) for v in doc.values())
    for private in ("zorglub", "99 71", "0299", "clé sous le pot"):
        assert private not in text


def test_drafts_pending_deleted_are_never_documents(db, form, moderator):
    draft = record(db, form, moderator, nom="Brouillon")
    services.set_status(db, draft, "draft", actor=moderator)
    pending = services.create_record(db, form, VALUES | {"nom": "Proposée"}, actor=Anonymous(), policy="open")
    assert pending.status == "pending"
    gone = record(db, form, moderator, nom="Supprimée")
    services.delete_record(db, gone, actor=moderator)
    archived = record(db, form, moderator, nom="Archivée")
    services.set_status(db, archived, "archived", actor=moderator)
    db.flush()
    for hidden in (draft, pending, gone):
        assert not adapters.is_indexable(hidden) and adapters.to_document(hidden) is None
    assert adapters.is_indexable(archived)
    assert adapters.all_ids(db) == {f"record:{archived.id}"}


def test_records_of_a_deleted_form_leave(db, form, moderator):
    rec = record(db, form, moderator)
    form.deleted_at = utcnow()
    db.flush()
    assert not adapters.is_indexable(rec) and ADAPTERS["record"].all_ids(db) == set()


def test_a_personal_title_gets_a_neutral_title(db, moderator):
    fields = [
        {"key": "nom", "type": "text", "label": "Nom", "personal": True},
        {"key": "ville", "type": "text", "label": "Ville"},
    ]
    people = form_services.create_form(
        db, key="contact", title="Contact", fields=fields, actor=moderator, title_field="nom"
    )
    rec = services.create_record(db, people, {"nom": "Jeanne Dupont", "ville": "Redon"}, actor=moderator, policy="open")
    doc = adapters.to_document(rec)
    assert doc["title"] == f"Contact n° {rec.id}" and "Dupont" not in doc["body"] and "Redon" in doc["body"]


def test_a_field_made_private_leaves_the_document_before_any_record_is_saved(db, form, moderator):
    rec = record(db, form, moderator)
    assert "samedi" in rec.search_text
    fields = [dict(f, visibility="private") if f["key"] == "description" else f for f in form.fields]
    form_services.update_form(db, form, title=form.title, fields=fields, actor=moderator)
    assert "samedi" not in adapters.to_document(rec)["body"]
    assert "samedi" not in rec.search_text  # the lists' text filter is refreshed with the form, too


def test_page_documents(db, moderator):
    page = make_page(
        db,
        "Médiathèque de Redon",
        "# Horaires\n\nOuvert le **samedi**, voir [[Plan d'accès|le plan]].\n\n```\ncode()\n```\n",
    )
    doc = adapters.to_document(page)
    assert doc["id"] == f"page:{page.id}" and doc["url"] == "/pages/mediatheque-de-redon" and doc["form"] == ""
    assert (
        "**" not in doc["body"] and "[[" not in doc["body"] and "code()" not in doc["body"] and "samedi" in doc["body"]
    )
    assert doc["excerpt"] and len(doc["excerpt"]) <= adapters.EXCERPT_CHARS
    moderation.delete_page(db, page, actor=moderator)
    assert adapters.to_document(page) is None and ADAPTERS["page"].all_ids(db) == set()


def test_all_ids_agree_with_is_indexable(db, form, moderator):
    objects = [record(db, form, moderator, nom=f"Fiche {i}") for i in range(3)]
    services.set_status(db, objects[0], "pending", actor=moderator)
    objects.append(make_page(db, "Une page"))
    db.flush()
    assert adapters.all_ids(db) == {adapters.to_document(o)["id"] for o in objects if adapters.is_indexable(o)}
    assert adapters.load(db, f"record:{objects[1].id}") is objects[1]
    assert adapters.load(db, "record:abc") is None and adapters.load(db, "zone:35236") is None


def test_long_paragraphs_lose_no_word():
    text = ("mot " * 1000) + "dernier"
    assert adapters.plain_text(text).endswith("dernier")
