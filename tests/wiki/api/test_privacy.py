"""Privacy through the API: what each caller sees of fields and records."""

from __future__ import annotations

import pytest

from tests.factories import make_user
from wiki.auth import tokens
from wiki.auth.services import Anonymous
from wiki.records import form_services
from wiki.records import services

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: field visibility, decided in Python

FIELDS = [
    {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom", "required": True},
    {
        "id": "f_00000002",
        "key": "categorie",
        "type": "choice",
        "label": "Catégorie",
        "options": {"choices": [{"value": "bio", "label": "Bio"}]},
    },
    {
        "id": "f_00000003",
        "key": "horaires_membres",
        "type": "text",
        "label": "Horaires (membres)",
        "visibility": "members",
    },
    {"id": "f_00000004", "key": "note_interne", "type": "text", "label": "Note interne", "visibility": "private"},
    {"id": "f_00000005", "key": "telephone", "type": "phone", "label": "Téléphone du contact", "personal": True},
]
VALUES = {
    "title": "Ferme du Pâtis",
    "categorie": "bio",
    "horaires_membres": "mardi 18 h",
    "note_interne": "à rappeler",
    "telephone": "06 12 34 56 78",
}


def _bearer(db, user):
    return {"Authorization": "Bearer " + tokens.create_token(db, user, "t").secret}


def test_each_caller_sees_only_what_the_web_pages_show(make_app, db):
    app = make_app(EDIT_POLICY="open")
    client = app.test_client()
    moderator = make_user(db, "Modo", role="moderator")
    author = make_user(db, "Autrice")
    member = make_user(db, "Membre")
    form = form_services.create_form(db, key="producteurs", title="Producteurs", fields=FIELDS, actor=moderator)
    published = services.create_record(db, form, VALUES, actor=author, policy="open")
    draft = services.create_record(
        db, form, VALUES | {"title": "Brouillon"}, actor=author, policy="open", status="draft"
    )
    pending = services.create_record(db, form, VALUES | {"title": "Anonyme"}, actor=Anonymous(), policy="open")
    headers = {
        "moderator": _bearer(db, moderator),
        "author": _bearer(db, author),
        "member": _bearer(db, member),
        "anonymous": {},
    }
    db.commit()
    assert pending.status == "pending"

    expected = {
        "anonymous": {"title", "categorie"},
        "member": {"title", "categorie", "horaires_membres"},
        "author": set(VALUES),
        "moderator": set(VALUES),
    }
    for who, keys in expected.items():
        one = client.get(f"/api/v1/records/{published.id}", headers=headers[who]).json
        assert set(one["values"]) == keys, who
        listed = client.get("/api/v1/forms/producteurs/records", headers=headers[who]).json
        assert [item["id"] for item in listed["items"]] == [published.id], who
        assert set(listed["items"][0]["values"]) == keys, who
        # A text search never matches on what the caller may not read.
        assert client.get("/api/v1/forms/producteurs/records?q=rappeler", headers=headers[who]).json["total"] == 0, who
        assert client.get("/api/v1/forms/producteurs/records?q=06%2012", headers=headers[who]).json["total"] == 0, who

    for record in (draft, pending):
        for who in ("anonymous", "member"):
            response = client.get(f"/api/v1/records/{record.id}", headers=headers[who])
            assert response.status_code == 404, who
            listed = client.get(f"/api/v1/forms/producteurs/records?statut={record.status}", headers=headers[who]).json
            assert record.id not in [item["id"] for item in listed["items"]], who
    assert client.get(f"/api/v1/records/{draft.id}", headers=headers["author"]).status_code == 200
    moderated = client.get("/api/v1/forms/producteurs/records?statut=pending", headers=headers["moderator"]).json
    assert [item["id"] for item in moderated["items"]] == [pending.id]


def test_writes_keep_the_values_the_caller_cannot_see(client, db):
    moderator = make_user(db, "Modo", role="moderator")
    author = make_user(db, "Autrice")
    member = make_user(db, "Membre")
    form = form_services.create_form(db, key="producteurs", title="Producteurs", fields=FIELDS, actor=moderator)
    record = services.create_record(db, form, VALUES, actor=author, policy="account")
    auth = _bearer(db, member)
    db.commit()
    etag = client.get(f"/api/v1/records/{record.id}", headers=auth).headers["ETag"]
    changed = client.put(
        f"/api/v1/records/{record.id}",
        json={"values": {"title": "Ferme du Pâtis (Redon)", "categorie": "bio", "horaires_membres": "mercredi"}},
        headers=auth | {"If-Match": etag},
    )
    assert changed.status_code == 200, changed.json
    assert set(changed.json["values"]) == {"title", "categorie", "horaires_membres"}
    seen_by_author = client.get(f"/api/v1/records/{record.id}", headers=_bearer_commit(db, author)).json["values"]
    assert seen_by_author["note_interne"] == "à rappeler" and seen_by_author["telephone"] == "+33612345678"
    assert seen_by_author["horaires_membres"] == "mercredi"


def _bearer_commit(db, user):
    headers = _bearer(db, user)
    db.commit()
    return headers
