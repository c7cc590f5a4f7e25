"""Record pages through HTTP: create, refuse with input kept, lists, history, privacy."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.factories import make_user
from wiki.records import form_services
from wiki.records import services

FIELDS = [
    {"id": "f_0000000a", "key": "title", "type": "text", "label": "Nom", "required": True},
    {
        "id": "f_0000000b",
        "key": "categorie",
        "type": "choice",
        "label": "Catégorie",
        "options": {"choices": [{"value": "bio", "label": "Bio"}, {"value": "local", "label": "Local"}]},
    },
    {"id": "f_0000000c", "key": "prix", "type": "number", "label": "Prix", "options": {"unit": "€"}},
    {"id": "f_0000000d", "key": "presentation", "type": "longtext", "label": "Présentation"},
    {
        "id": "f_0000000e",
        "key": "courriel",
        "type": "email",
        "label": "Courriel du responsable",
        "personal": True,
        "visibility": "private",
    },
]


@pytest.fixture
def form(db):
    moderator = make_user(db, "Modo", role="moderator")
    created = form_services.create_form(
        db, key="producteurs", title="Producteurs locaux", fields=FIELDS, actor=moderator
    )
    make_user(db, "Camille")
    db.commit()
    return created


def _login(client, name="Camille"):
    assert client.post("/-/connexion", data={"name": name, "password": PASSWORD}).status_code == 302


def test_create_a_record_through_the_form(client, form):
    _login(client)
    page = client.get("/annuaire/producteurs/nouvelle")
    assert page.status_code == 200 and 'for="f-prix"' in page.text
    response = client.post(
        "/annuaire/producteurs/nouvelle",
        data={
            "title": "Ferme du Pâtis",
            "categorie": "bio",
            "prix": "12,5",
            "presentation": "Des **légumes** <script>x</script>",
            "courriel": "ferme@example.org",
        },
    )
    assert response.status_code == 302
    shown = client.get(response.location)
    assert "Ferme du Pâtis" in shown.text and "12,5" in shown.text and "Bio" in shown.text
    assert "<strong>légumes</strong>" in shown.text and "<script>x" not in shown.text


def test_refused_record_keeps_everything_typed(client, form):
    _login(client)
    response = client.post(
        "/annuaire/producteurs/nouvelle",
        data={"title": "", "categorie": "inventee", "prix": "douze", "presentation": "Mon long texte", "owner_id": "1"},
    )
    assert response.status_code == 400
    assert "Mon long texte" in response.text and 'value="douze"' in response.text
    assert 'aria-invalid="true"' in response.text and "obligatoire" in response.text


def test_anonymous_is_sent_to_login(client, form):
    assert "/-/connexion" in client.get("/annuaire/producteurs/nouvelle").location


def test_list_views_filters_and_sorting(client, db, form):
    author = make_user(db, "Auteur")
    for i, cat in enumerate(["bio", "local", "bio"]):
        services.create_record(
            db, form, {"title": f"Ferme {i}", "categorie": cat, "prix": str(10 + i)}, actor=author, policy="account"
        )
    db.commit()
    listing = client.get("/annuaire/producteurs?categorie=bio")
    assert "2 fiches" in listing.text and "Ferme 1" not in listing.text
    assert re.search(r'name="categorie" value="bio" checked', listing.text)
    table = client.get("/annuaire/producteurs?vue=tableau&tri=-prix")
    assert table.text.index("Ferme 2") < table.text.index("Ferme 0")
    assert 'aria-sort="descending"' in table.text
    cards = client.get("/annuaire/producteurs?vue=fiches&q=ferme+2")
    assert "1 fiche" in cards.text
    for hostile in (
        "tri=password",
        "page=-1",
        "page=1e9",
        "par_page=100000000",
        "categorie=')) OR 1=1 --",
        "vue=<script>",
    ):
        assert client.get(f"/annuaire/producteurs?{hostile}").status_code == 200


def test_history_and_field_diff(client, db, form):
    _login(client)
    created = client.post("/annuaire/producteurs/nouvelle", data={"title": "Ferme", "prix": "10"})
    record_id = int(created.location.rstrip("/").rsplit("/", 1)[1])
    edit = client.get(f"/fiches/{record_id}/modifier")
    assert 'name="base_revision" value="1"' in edit.text
    client.post(f"/fiches/{record_id}/modifier", data={"title": "Ferme", "prix": "11", "base_revision": "1"})
    diff = client.get(f"/fiches/{record_id}/diff?from=1&to=2")
    assert "Prix" in diff.text and "<ins>" in diff.text
    history = client.get(f"/fiches/{record_id}/historique")
    assert "n° 2" in history.text
    client.post(f"/fiches/{record_id}/revert/1")
    assert "10" in client.get(f"/fiches/{record_id}").text


def test_private_fields_and_drafts_stay_private(client, db, form):
    author = make_user(db, "Auteur")
    record = services.create_record(
        db, form, {"title": "Ferme", "courriel": "secret@example.org"}, actor=author, policy="account"
    )
    draft = services.create_record(
        db, form, {"title": "Brouillon secret"}, actor=author, policy="account", status="draft"
    )
    db.commit()
    assert "secret@example.org" not in client.get(f"/fiches/{record.id}").text
    assert client.get(f"/fiches/{draft.id}").status_code == 404
    assert "Brouillon secret" not in client.get("/annuaire/producteurs").text
    assert "Brouillon secret" not in client.get("/-/modifications").text
    api = client.get(f"/api/v1/records/{record.id}").json
    assert "courriel" not in api["values"]
    assert client.get(f"/api/v1/records/{draft.id}").status_code == 404
    client.post("/-/connexion", data={"name": "Auteur", "password": PASSWORD})
    assert "secret@example.org" in client.get(f"/fiches/{record.id}").text
    assert client.get(f"/fiches/{draft.id}").status_code == 200


CONTACT_FIELDS = [
    {"id": "f_000000a1", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_000000a2", "key": "courriel", "type": "email", "label": "Courriel du contact", "personal": True, "consent_field": "accord"},
    {"id": "f_000000a3", "key": "telephone", "type": "phone", "label": "Téléphone du contact", "personal": True},
    {"id": "f_000000a4", "key": "accord", "type": "boolean", "label": "Le contact accepte la publication"},
]  # fmt: skip


@pytest.fixture
def contacts(db):
    moderator = make_user(db, "Modo", role="moderator")
    form = form_services.create_form(db, key="contacts", title="Contacts", fields=CONTACT_FIELDS, actor=moderator)
    author = make_user(db, "Camille")
    yes = services.create_record(db, form, {"title": "Ferme Oui", "courriel": "oui@example.org", "telephone": "02 99 71 06 04", "accord": "on"},
                                 actor=author, policy="account")  # fmt: skip
    no = services.create_record(
        db, form, {"title": "Ferme Non", "courriel": "non@example.org"}, actor=author, policy="account"
    )
    db.commit()
    return yes, no


def test_lists_and_pages_show_a_personal_value_only_where_consent_is_ticked(client, db, contacts):
    yes, no = contacts
    for view in ("liste", "fiches", "tableau"):
        listing = client.get(f"/annuaire/contacts?vue={view}").text
        assert "oui@example.org" in listing and "non@example.org" not in listing, view
        # A personal field without consent box is no column, even among the first fields.
        assert "Téléphone du contact" not in listing and "02 99 71 06 04" not in listing, view
    assert "oui@example.org" in client.get(f"/fiches/{yes.id}").text
    page = client.get(f"/fiches/{no.id}").text
    assert "non@example.org" not in page and "Courriel du contact" not in page
    assert "02 99 71 06 04" not in client.get(f"/fiches/{yes.id}").text


def test_history_never_shows_personal_values_to_other_visitors_consent_or_not(client, db, contacts):
    yes, _ = contacts
    services.update_record(db, yes, {"title": "Ferme Oui", "courriel": "nouveau@example.org", "accord": "on"},
                           actor=make_user(db, "Modo2", role="moderator"), policy="account", base_revision=None)  # fmt: skip
    db.commit()
    diff = client.get(f"/fiches/{yes.id}/diff?from=1&to=2").text
    assert "Courriel du contact" not in diff and "example.org" not in diff
    _login(client)  # the author
    diff = client.get(f"/fiches/{yes.id}/diff?from=1&to=2").text
    assert "<del>oui</del>@example.org" in diff and "<ins>nouveau</ins>@example.org" in diff


def test_the_record_form_says_who_reads_personal_values_and_what_the_box_publishes(client, contacts):
    _login(client)
    page = client.get("/annuaire/contacts/nouvelle").text
    mail = re.search(r'<input id="f-courriel"[^>]*>', page).group(0)
    assert 'aria-describedby="f-courriel-privacy"' in mail
    assert re.search(
        r'id="f-courriel-privacy">Donnée personnelle : publiée seulement si la case « Le contact accepte la publication » est cochée',
        page,
    )
    assert re.search(
        r'id="f-telephone-privacy">Donnée personnelle : visible seulement par les modérateurs et l’auteur de la fiche',
        page,
    )
    box = re.search(r'<input type="checkbox" id="f-accord"[^>]*>', page).group(0)
    assert 'aria-describedby="f-accord-privacy"' in box
    assert re.search(r'id="f-accord-privacy">Cocher cette case publie : Courriel du contact\.', page)
    assert 'id="f-title-privacy"' not in page
    english = client.get("/annuaire/contacts/nouvelle", headers={"Accept-Language": "en"}).text
    assert "Personal data: published only if the box “Le contact accepte la publication” is ticked" in english
    assert "Ticking this box publishes: Courriel du contact." in english


def test_a_contributor_may_withdraw_consent_but_not_give_it(client, db, contacts):
    yes, no = contacts
    make_user(db, "Voisin")
    db.commit()
    _login(client, "Voisin")
    edit = client.get(f"/fiches/{no.id}/modifier").text
    assert 'name="courriel"' not in edit and 'name="accord"' in edit  # consent opens reading, not editing
    refused = client.post(f"/fiches/{no.id}/modifier", data={"title": "Ferme Non", "accord": "on"})
    assert refused.status_code == 400 and "Seuls l’auteur de la fiche et les modérateurs" in refused.text
    assert re.search(
        r'<input type="checkbox" id="f-accord" name="accord" value="on" checked', refused.text
    )  # the input comes back
    assert client.post(f"/fiches/{yes.id}/modifier", data={"title": "Ferme Oui"}).status_code == 302
    client.post("/-/deconnexion")
    assert "oui@example.org" not in client.get(f"/fiches/{yes.id}").text
    assert "oui@example.org" not in client.get("/annuaire/contacts?vue=tableau").text


def test_verify_and_status(client, db, form):
    author = make_user(db, "Auteur")
    record = services.create_record(db, form, {"title": "Ferme"}, actor=author, policy="account")
    db.commit()
    _login(client, "Camille")
    client.post(f"/fiches/{record.id}/verifier")
    assert "Vérifiée le" in client.get(f"/fiches/{record.id}").text
    assert client.post(f"/fiches/{record.id}/statut", data={"status": "archived"}).status_code == 403


def test_api_forms_and_records(client, db, form):
    author = make_user(db, "Auteur")
    for i in range(3):
        services.create_record(
            db, form, {"title": f"Ferme {i}", "categorie": "bio", "prix": str(i)}, actor=author, policy="account"
        )
    db.commit()
    forms = client.get("/api/v1/forms").json["items"]
    assert [f["key"] for f in forms] == ["producteurs"]
    schema = client.get("/api/v1/forms/producteurs").json
    assert [f["key"] for f in schema["fields"]] == ["title", "categorie", "prix", "presentation", "courriel"]
    page = client.get("/api/v1/forms/producteurs/records?limit=2&offset=1&tri=title").json
    assert page["total"] == 3 and [r["title"] for r in page["items"]] == ["Ferme 1", "Ferme 2"]
    assert page["facets"]["categorie"] == [{"value": "bio", "label": "Bio", "count": 3}]
    assert page["items"][0]["values"]["prix"] == 1
    assert client.get("/api/v1/forms/inconnu").status_code == 404
    assert client.get("/api/v1/records/999999").json["error"] == "not_found"


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (6, 4), (20, 90, 40)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def photo_form(db):
    moderator = make_user(db, "Modo2", role="moderator")
    created = form_services.create_form(
        db,
        key="lieux",
        title="Lieux",
        actor=moderator,
        fields=[
            {"id": "f_000000b1", "key": "title", "type": "text", "label": "Nom", "required": True},
            {"id": "f_000000b2", "key": "photo", "type": "image", "label": "Photo"},
            {"id": "f_000000b3", "key": "document", "type": "file", "label": "Compte rendu", "visibility": "members"},
        ],
    )
    make_user(db, "Camille")
    db.commit()
    return created


def test_image_and_file_fields(client, photo_form):
    import io

    _login(client)
    response = client.post(
        "/annuaire/lieux/nouvelle",
        data={
            "title": "Médiathèque",
            "photo": (io.BytesIO(_png()), "façade.png"),
            "photo_alt": "La façade",
            "document": (io.BytesIO(b"Ordre du jour\n"), "cr.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.location).text
    image = re.search(r'<img src="(/fiches/\d+/fichiers/\d+/[^"]+)" alt="La façade"', page)
    assert image
    with client.get(image.group(1).replace("&amp;", "&")) as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
    document = re.search(r'href="(/fiches/\d+/fichiers/\d+/cr.txt)"', page).group(1)
    with client.get(document) as served:
        assert served.headers["Content-Disposition"].startswith("attachment")
    client.post("/-/deconnexion")
    with client.get(document) as hidden:
        assert hidden.status_code == 404  # a members-only field's file stays hidden
    with client.get(image.group(1).replace("&amp;", "&")) as public:
        assert public.status_code == 200


def test_refused_upload_keeps_the_text_and_leaves_no_file(client, app, photo_form):
    import io
    from pathlib import Path

    _login(client)
    response = client.post(
        "/annuaire/lieux/nouvelle",
        data={"title": "Médiathèque", "photo": (io.BytesIO(b"<svg onload=alert(1)>"), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and 'value="Médiathèque"' in response.text
    invalid = client.post(
        "/annuaire/lieux/nouvelle",
        data={"title": "", "photo": (io.BytesIO(_png()), "ok.png")},
        content_type="multipart/form-data",
    )
    assert invalid.status_code == 400
    assert not list((Path(app.instance_path) / "uploads").rglob("*.png"))
