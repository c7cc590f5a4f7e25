"""The moderator's form builder over HTTP: forms, fields, shared lists, themes (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import pytest
from markupsafe import escape

from tests.factories import PASSWORD
from tests.factories import make_user
from wiki.records import admin_forms
from wiki.records import form_services
from wiki.records import taxonomy
from wiki.revisions import list_revisions

pytestmark = (
    pytest.mark.sqlite_only
)  # no dialect-specific code: form builder screens over record services tested on both

KEY = "producteurs_locaux"
BUILDER = f"/-/formulaires/{KEY}"
#: The builder with every field open (« Tout déplier »): the tests below edit several fields in one post.
ALL = f"{BUILDER}?champs=tous"


class _FormReader(HTMLParser):
    """Collect what a browser would submit from the form posting to ``action`` (no button pressed)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.data = action, False, []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.append((a["name"], a.get("value", "on")))
            elif a.get("type") not in ("submit", "button"):
                self.data.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a["name"]
            self.data.append((a["name"], ""))
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.data[-1]
            self.data[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
            name, value = self.data[-1]
            self.data[-1] = (name, value.removeprefix("\n"))
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [v for v, _ in self._options[:1]]
            self.data.extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "form":
            self.inside = False


def form_data(html: str, action: str) -> dict[str, str]:
    """Return the fields of the form posting to ``action`` as a browser would send them."""
    reader = _FormReader(action)
    reader.feed(html)
    assert reader.data, f"no form posting to {action}"
    return dict(reader.data)


def rows_of(data: dict[str, str]) -> list[int]:
    """Row numbers of the builder, in page order."""
    return sorted({int(m.group(1)) for name in data if (m := re.match(r"fields-(\d+)-key$", name))})


def row_by_key(data: dict[str, str], key: str) -> int:
    return next(n for n in rows_of(data) if data[f"fields-{n}-key"] == key)


def blank_rows(data: dict[str, str]) -> list[int]:
    return [
        n
        for n in rows_of(data)
        if not data[f"fields-{n}-id"] and not data[f"fields-{n}-key"] and not data[f"fields-{n}-label"]
    ]


def keys_in_order(html: str) -> list[str]:
    data = form_data(html, BUILDER)
    return [data[f"fields-{n}-key"] for n in rows_of(data) if data[f"fields-{n}-key"]]


def login(client, db, name="Modo", role="moderator"):
    make_user(db, name, role=role)
    db.commit()
    response = client.post("/-/connexion", data={"name": name, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def moderator(app, client, db):
    return login(client, db)


def create_producers(client) -> None:
    """Create « Producteurs locaux » through the web UI: title (text, required), categorie (choice), prix (number)."""
    response = client.post(
        "/-/formulaires/nouveau", data={"title": "Producteurs locaux", "key": "", "description": "Fermes et artisans."}
    )
    assert response.status_code == 302 and response.location.endswith(BUILDER)
    data = form_data(client.get(ALL).text, BUILDER)
    title_row = row_by_key(data, "title")
    assert data[f"fields-{title_row}-required"] == "on" and data[f"fields-{title_row}-type"] == "text"
    data[f"fields-{title_row}-label"] = "Nom"
    (first,) = blank_rows(data)
    second = first + 1  # a second « Ajouter un champ » row, as after « Ajouter et régler ce champ »
    data |= {
        f"fields-{first}-label": "Catégorie", f"fields-{first}-key": "categorie", f"fields-{first}-type": "choice",
        f"fields-{first}-choices": "bio | Agriculture biologique\nlocal | Production locale",
        f"fields-{second}-label": "Prix", f"fields-{second}-type": "number", f"fields-{second}-unit": "€",
        f"fields-{second}-min": "0", "comment": "trois champs",
    }  # fmt: skip
    response = client.post(BUILDER, data=data)
    assert response.status_code == 302, response.text


def add_record(client, values: dict[str, str]) -> int:
    response = client.post(f"/annuaire/{KEY}/nouvelle", data=values)
    assert response.status_code == 302, response.text
    return int(re.search(r"/fiches/(\d+)$", response.location).group(1))


def read(db, fn):
    """Read through the test's session without keeping a transaction open (SQLite writers would wait on it)."""
    db.rollback()
    try:
        return fn(db)
    finally:
        db.rollback()


@dataclass(frozen=True)
class FormState:
    id: int
    revision: int
    title: str
    description: str
    title_field: str
    fields: dict[str, Any]


def the_form(db) -> FormState:
    """The stored form, as plain values."""

    def state(session):
        form = form_services.get_form(session, KEY)
        fields = {f.key: f for f in form_services.form_fields(form)}
        return FormState(form.id, form.revision_number, form.title, form.description, form.title_field, fields)

    return read(db, state)


def revisions(db, kind: str, object_id: int) -> list[tuple[int, str, dict[str, Any]]]:
    """Revisions of an object, newest first: (number, comment, snapshot)."""
    return read(db, lambda s: [(r.number, r.comment, r.snapshot) for r in list_revisions(s, kind, object_id)])


def form_keys(db) -> list[str]:
    return read(db, lambda s: [f.key for f in form_services.list_forms(s)])


# --- permissions ---------------------------------------------------------------------------

GETS = (
    "/-/formulaires",
    "/-/formulaires/nouveau",
    BUILDER,
    f"{BUILDER}/historique",
    "/-/listes",
    "/-/listes/statuts",
    "/-/thematiques",
)
POSTS = ("/-/formulaires/nouveau", BUILDER, "/-/listes", "/-/listes/statuts", "/-/thematiques")


@pytest.fixture
def seeded(app, db):
    modo = make_user(db, "Modo", role="moderator")
    form_services.create_form(
        db,
        key=KEY,
        title="Producteurs locaux",
        fields=[{"key": "title", "type": "text", "label": "Nom", "required": True}],
        actor=modo,
    )
    taxonomy.save_choice_list(
        db, key="statuts", title="Statuts", items=[{"value": "asso", "label": "Association"}], actor=modo
    )
    db.commit()
    return modo


def test_anonymous_visitors_are_sent_to_log_in(app, seeded):
    client = app.test_client()
    for url in GETS:
        response = client.get(url)
        assert response.status_code == 302 and "/-/connexion" in response.location, url
    for url in POSTS:
        response = client.post(
            url, data={"title": "Piraté", "key": "pirate", "themes-0-key": "pirate", "themes-0-label": "Piraté"}
        )
        assert response.status_code == 302 and "/-/connexion" in response.location, url


def test_contributors_get_403_everywhere(app, db, seeded):
    client = login(app.test_client(), db, "Contrib", role="contributor")
    for url in GETS:
        assert client.get(url).status_code == 403, url
    payload = {"title": "Piraté", "key": "pirate", "items": "a | A", "fields-0-key": "title", "fields-0-label": "X", "fields-0-type": "text",
               "themes-0-key": "pirate", "themes-0-label": "Piraté"}  # fmt: skip
    for url in POSTS:
        assert client.post(url, data=payload).status_code == 403, url
    assert client.get("/-/formulaires/inexistant").status_code == 403  # no existence oracle
    assert form_keys(db) == [KEY]
    assert the_form(db).revision == 1 and the_form(db).title == "Producteurs locaux"
    assert read(db, lambda s: [cl.title for cl in taxonomy.list_choice_lists(s)]) == ["Statuts"]
    assert read(db, taxonomy.list_themes) == []


def test_moderators_reach_every_screen(app, db, seeded):
    client = login(app.test_client(), db, "Modérateur", role="moderator")
    for url in GETS:
        assert client.get(url).status_code == 200, url
    assert client.get("/-/formulaires/inexistant").status_code == 404
    assert client.get("/-/listes/inexistante").status_code == 404
    listing = client.get("/-/formulaires").text
    for link in (
        BUILDER,
        f"/annuaire/{KEY}",
        f"{BUILDER}/historique",
        "/-/listes",
        "/-/thematiques",
        "/-/formulaires/nouveau",
    ):
        assert f'href="{link}"' in listing


def test_posts_need_the_csrf_token(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    make_user(db, "Modo", role="moderator")
    db.commit()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/-/connexion").text).group(1)
    assert (
        client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD, "csrf_token": token}).status_code == 302
    )
    assert client.post("/-/formulaires/nouveau", data={"title": "Sans jeton"}).status_code == 400
    assert form_keys(db) == []
    page = client.get("/-/formulaires/nouveau").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/-/formulaires/nouveau", data={"title": "Avec jeton", "csrf_token": token}).status_code == 302
    assert form_keys(db) == ["avec_jeton"]


# --- building a form -------------------------------------------------------------------------


def test_create_a_form_then_a_record_in_it(moderator, db):
    create_producers(moderator)
    form = the_form(db)
    assert form.title == "Producteurs locaux" and form.description == "Fermes et artisans." and form.revision == 2
    fields = form.fields
    assert list(fields) == ["title", "categorie", "prix"]  # « Prix » got its key from its label
    assert fields["title"].required and fields["title"].label == "Nom"
    assert fields["categorie"].options == {
        "choices": [
            {"value": "bio", "label": "Agriculture biologique"},
            {"value": "local", "label": "Production locale"},
        ]
    }
    assert fields["prix"].options == {"unit": "€", "min": 0}
    assert [comment for _, comment, _ in revisions(db, "form", form.id)] == ["trois champs", "Création du formulaire"]
    record_id = add_record(moderator, {"title": "Ferme du Pâtis", "categorie": "bio", "prix": "12,5"})
    listing = moderator.get(f"/annuaire/{KEY}")
    assert listing.status_code == 200 and "Ferme du Pâtis" in listing.text
    page = moderator.get(f"/fiches/{record_id}").text
    assert "Agriculture biologique" in page and "12,5" in page


def test_new_form_is_refused_with_what_was_typed(moderator, db):
    response = moderator.post(
        "/-/formulaires/nouveau", data={"title": "", "key": "Mauvaise Clé", "description": "Gardée <b>telle quelle</b>"}
    )
    assert response.status_code == 400
    assert 'value="Mauvaise Clé"' in response.text and "Gardée &lt;b&gt;telle quelle&lt;/b&gt;" in response.text
    assert 'aria-invalid="true"' in response.text and "Identifiant invalide" in response.text
    create_producers(moderator)
    again = moderator.post("/-/formulaires/nouveau", data={"title": "Producteurs locaux"})
    assert again.status_code == 400 and "déjà" in again.text
    reserved = moderator.post("/-/formulaires/nouveau", data={"title": "Nouveau", "key": "nouveau"})
    assert reserved.status_code == 400 and "réservé" in reserved.text
    assert form_keys(db) == [KEY]


def test_builder_labels_every_input(moderator):
    create_producers(moderator)
    html = moderator.get(ALL).text
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html)
    labelled = set(re.findall(r'<label for="([^"]+)"', html))
    assert ids and set(ids) <= labelled and len(ids) == len(set(ids))
    assert html.count("<fieldset") == html.count("<legend>")
    for text in ("Texte long (Markdown)", "Lien vers une fiche ou une page", "Membres connectés", "Privé (modérateurs et auteur)",
                 "Donnée personnelle (RGPD)", "Supprimer ce champ", "Ajouter un champ", "Monter", "Descendre"):  # fmt: skip
        assert text in html
    data = form_data(html, BUILDER)
    assert data["base_revision"] == "2" and len(blank_rows(data)) == admin_forms.BUILDER_BLANKS


def test_renaming_a_field_keeps_the_records_values(moderator, db):
    create_producers(moderator)
    record_id = add_record(moderator, {"title": "Ferme du Pâtis", "categorie": "bio", "prix": "12,5"})
    data = form_data(moderator.get(ALL).text, BUILDER)
    row = row_by_key(data, "prix")
    data |= {
        f"fields-{row}-key": "tarif",
        f"fields-{row}-label": "Tarif au kilo",
        f"fields-{row}-visibility": "members",
        f"fields-{row}-personal": "on",
    }
    title_row = row_by_key(data, "title")
    data[f"fields-{title_row}-key"] = "nom"  # the title field follows: the select holds field ids
    assert moderator.post(BUILDER, data=data).status_code == 302
    form = the_form(db)
    fields = form.fields
    assert form.title_field == "nom" and fields["tarif"].visibility == "members" and fields["tarif"].personal
    assert fields["tarif"].options == {"unit": "€", "min": 0}
    page = moderator.get(f"/fiches/{record_id}").text
    assert "Tarif au kilo" in page and "12,5" in page and "Ferme du Pâtis" in page
    history = moderator.get(f"{BUILDER}/historique").text
    assert "Clé renommée : « prix » → « tarif »" in history and "Modo" in history


def test_removing_a_field_keeps_old_revisions_readable(moderator, db):
    create_producers(moderator)
    record_id = add_record(moderator, {"title": "Ferme du Pâtis", "categorie": "local", "prix": "8"})
    data = form_data(moderator.get(ALL).text, BUILDER)
    data[f"fields-{row_by_key(data, 'categorie')}-delete"] = "on"
    assert moderator.post(BUILDER, data=data).status_code == 302
    assert list(the_form(db).fields) == ["title", "prix"]
    edit = form_data(moderator.get(f"/fiches/{record_id}/modifier").text, f"/fiches/{record_id}/modifier")
    edit["prix"] = "9"
    assert moderator.post(f"/fiches/{record_id}/modifier", data=edit).status_code == 302
    history = moderator.get(f"/fiches/{record_id}/historique")
    assert history.status_code == 200 and "n° 1" in history.text and "n° 2" in history.text
    assert moderator.get(f"/fiches/{record_id}/diff?from=1&to=2").status_code == 200
    first_form = revisions(db, "form", the_form(db).id)[-2][2]
    categorie = next(f["id"] for f in first_form["fields"] if f["key"] == "categorie")
    assert revisions(db, "record", record_id)[-1][2]["data"][categorie] == "local"  # the removed field's value
    form_history = moderator.get(f"{BUILDER}/historique").text
    assert "Champ supprimé : « categorie »" in form_history and "Champ ajouté : « prix » (Nombre)" in form_history


def test_a_refused_type_change_comes_back_with_what_was_typed(moderator, db):
    create_producers(moderator)
    add_record(moderator, {"title": "Ferme du Pâtis", "prix": "12"})
    data = form_data(moderator.get(ALL).text, BUILDER)
    row = row_by_key(data, "prix")
    first_blank = blank_rows(data)[0]
    data |= {f"fields-{row}-type": "date", f"fields-{row}-min": "", f"fields-{row}-label": "Prix modifié", f"fields-{first_blank}-label": "Site web",
             f"fields-{first_blank}-type": "url", "title": "Producteurs du pays", "comment": "essai"}  # fmt: skip
    response = moderator.post(BUILDER, data=data)
    assert response.status_code == 400
    assert "le type ne peut pas passer de number à date" in response.text
    again = form_data(response.text, BUILDER)
    row = row_by_key(again, "prix")
    assert again[f"fields-{row}-type"] == "date" and again[f"fields-{row}-label"] == "Prix modifié"
    assert again[f"fields-{row_by_key(again, 'site_web')}-type"] == "url"
    assert again["title"] == "Producteurs du pays" and again["comment"] == "essai" and again["base_revision"] == "2"
    assert f'id="f-{row}-error"' in response.text and f'href="#f-{row}"' in response.text
    form = the_form(db)
    assert form.revision == 2 and form.title == "Producteurs locaux"
    compatible = form_data(moderator.get(ALL).text, BUILDER)
    compatible[f"fields-{row_by_key(compatible, 'title')}-type"] = "longtext"  # same storage: allowed
    assert moderator.post(BUILDER, data=compatible).status_code == 302
    assert the_form(db).fields["title"].type == "longtext"


@pytest.mark.parametrize("hostile", ["`name` , (SELECT password FROM user)) --", "__proto__", "id"])
def test_hostile_field_keys_are_refused(moderator, db, hostile):
    create_producers(moderator)
    data = form_data(moderator.get(ALL).text, BUILDER)
    row = blank_rows(data)[0]
    data |= {
        f"fields-{row}-key": hostile,
        f"fields-{row}-label": "<script>alert(1)</script>",
        f"fields-{row}-type": "text",
    }
    response = moderator.post(BUILDER, data=data)
    assert response.status_code == 400
    assert "invalide" in response.text or "réservée" in response.text
    assert "<script>alert(1)</script>" not in response.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    again = form_data(response.text, BUILDER)
    assert hostile in [again[f"fields-{n}-key"] for n in rows_of(again)]
    assert f'value="{escape(hostile)}"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert the_form(db).revision == 2 and len(the_form(db).fields) == 3


def test_hostile_builder_inputs_are_refused(moderator, db):
    create_producers(moderator)
    data = form_data(moderator.get(ALL).text, BUILDER)
    row = row_by_key(data, "prix")
    for name, value in (("visibility", "everyone"), ("type", "script"), ("id", "f_0000000g")):
        attempt = dict(data) | {f"fields-{row}-{name}": value, "fields-99999-key": "x", "fields-abc-key": "y"}
        assert moderator.post(BUILDER, data=attempt).status_code == 400, name
    assert the_form(db).revision == 2


def test_half_filled_rows_come_back_instead_of_being_dropped(moderator, db):
    create_producers(moderator)
    data = form_data(moderator.get(ALL).text, BUILDER)
    row = blank_rows(data)[0]
    data |= {f"fields-{row}-type": "choice", f"fields-{row}-choices": "oui | Oui\nnon | Non"}  # no label, no key
    response = moderator.post(BUILDER, data=data)
    assert response.status_code == 400 and "oui | Oui\nnon | Non" in response.text
    assert the_form(db).revision == 2


def test_move_up_and_down_reorder_without_saving(moderator, db):
    create_producers(moderator)
    html = moderator.get(ALL).text
    assert keys_in_order(html) == ["title", "categorie", "prix"]
    data = form_data(html, BUILDER)
    data[f"fields-{row_by_key(data, 'title')}-label"] = "Nom (modifié, pas encore enregistré)"
    moved = moderator.post(BUILDER, data=data | {"move": f"{row_by_key(data, 'prix')}:up"})
    assert moved.status_code == 200 and "pas encore enregistré" in moved.text
    assert keys_in_order(moved.text) == ["title", "prix", "categorie"]
    assert "Nom (modifié, pas encore enregistré)" in moved.text
    data = form_data(moved.text, BUILDER)
    moved = moderator.post(BUILDER, data=data | {"move": f"{row_by_key(data, 'title')}:down"})
    assert keys_in_order(moved.text) == ["prix", "title", "categorie"]
    data = form_data(moved.text, BUILDER)
    top = moderator.post(
        BUILDER, data=data | {"move": f"{row_by_key(data, 'prix')}:up"}
    )  # already first: nothing moves
    assert keys_in_order(top.text) == ["prix", "title", "categorie"]
    assert the_form(db).revision == 2
    assert list(the_form(db).fields) == ["title", "categorie", "prix"]
    assert moderator.post(BUILDER, data=form_data(top.text, BUILDER)).status_code == 302
    assert list(the_form(db).fields) == ["prix", "title", "categorie"]
    assert the_form(db).revision == 3
    assert "Champs réordonnés" in moderator.get(f"{BUILDER}/historique").text


def test_positions_reorder_when_saving(moderator, db):
    create_producers(moderator)
    data = form_data(moderator.get(ALL).text, BUILDER)
    data[f"fields-{row_by_key(data, 'title')}-position"] = "9"
    assert moderator.post(BUILDER, data=data).status_code == 302
    assert list(the_form(db).fields) == ["categorie", "prix", "title"]


def test_concurrent_form_edits_give_a_clear_message(app, moderator, db):
    create_producers(moderator)
    stale = form_data(moderator.get(ALL).text, BUILDER)
    other = login(app.test_client(), db, "Autre modo")
    fresh = form_data(other.get(ALL).text, BUILDER)
    fresh["title"] = "Producteurs (autre)"
    assert other.post(BUILDER, data=fresh).status_code == 302
    stale["title"] = "Producteurs (moi)"
    response = moderator.post(BUILDER, data=stale)
    assert response.status_code == 409 and "modifié entre-temps" in response.text
    kept = form_data(response.text, BUILDER)
    assert kept["title"] == "Producteurs (moi)" and kept["base_revision"] == "3"
    assert the_form(db).title == "Producteurs (autre)"
    assert moderator.post(BUILDER, data=kept).status_code == 302  # saving again, knowingly
    assert the_form(db).title == "Producteurs (moi)"


def test_saving_without_changes_makes_no_revision(moderator, db):
    create_producers(moderator)
    response = moderator.post(BUILDER, data=form_data(moderator.get(ALL).text, BUILDER))
    assert response.status_code == 302
    assert the_form(db).revision == 2
    assert "Aucune modification" in moderator.get(ALL).text


# --- shared lists and themes ---------------------------------------------------------------


def test_choice_lists_are_edited_with_revisions_and_used_by_forms(moderator, db):
    response = moderator.post(
        "/-/listes", data={"title": "Types de structure", "items": "asso | Association\nCollectivité territoriale"}
    )
    assert response.status_code == 302 and response.location.endswith("/-/listes/types_de_structure")
    list_id, items = read(db, lambda s: next((cl.id, cl.items) for cl in taxonomy.list_choice_lists(s)))
    assert items == [
        {"value": "asso", "label": "Association"},
        {"value": "collectivite-territoriale", "label": "Collectivité territoriale"},
    ]
    data = form_data(moderator.get("/-/listes/types_de_structure").text, "/-/listes/types_de_structure")
    assert data["items"] == "asso | Association\ncollectivite-territoriale | Collectivité territoriale"
    data |= {"items": data["items"] + "\ntiers_lieu | Tiers-lieu", "comment": "ajout des tiers-lieux"}
    assert moderator.post("/-/listes/types_de_structure", data=data).status_code == 302
    history = revisions(db, "list", list_id)
    assert [number for number, _, _ in history] == [2, 1] and history[0][1] == "ajout des tiers-lieux"
    assert len(history[0][2]["items"]) == 3
    page = moderator.get("/-/listes/types_de_structure").text
    assert "n° 2" in page and "ajout des tiers-lieux" in page
    bad = moderator.post(
        "/-/listes/types_de_structure", data={"title": "Types", "items": "BAD VALUE | x\nasso | Association"}
    )
    assert (
        bad.status_code == 400 and "BAD VALUE | x\nasso | Association" in bad.text and 'aria-invalid="true"' in bad.text
    )
    duplicate = moderator.post("/-/listes", data={"title": "Autre", "key": "types_de_structure", "items": "a | A"})
    assert duplicate.status_code == 400 and "déjà" in duplicate.text
    assert len(revisions(db, "list", list_id)) == 2
    create_producers(moderator)
    data = form_data(moderator.get(ALL).text, BUILDER)
    row = blank_rows(data)[0]
    data |= {
        f"fields-{row}-label": "Type de structure",
        f"fields-{row}-type": "choice",
        f"fields-{row}-list": "types_de_structure",
    }
    assert moderator.post(BUILDER, data=data).status_code == 302
    assert the_form(db).fields["type_de_structure"].options == {"list": "types_de_structure"}
    assert "Producteurs locaux" in moderator.get("/-/listes").text
    record_id = add_record(moderator, {"title": "Le Grenier", "type_de_structure": "tiers_lieu"})
    assert "Tiers-lieu" in moderator.get(f"/fiches/{record_id}").text


def test_themes_are_edited_in_one_table(moderator, db):
    data = form_data(moderator.get("/-/thematiques").text, "/-/thematiques")
    assert [name for name in data if name.endswith("-label")] == ["themes-0-label", "themes-1-label", "themes-2-label"]
    data |= {"themes-0-label": "Mobilité", "themes-0-synonyms": "transport, covoiturage", "themes-0-position": "2",
             "themes-1-key": "velo", "themes-1-label": "Vélo", "themes-1-parent": "mobilite",
             "themes-2-label": "Alimentation", "themes-2-position": "1"}  # fmt: skip
    assert moderator.post("/-/thematiques", data=data).status_code == 302
    themes = read(db, lambda s: [(t.key, t.label, t.synonyms, t.parent_id, t.id) for t in taxonomy.list_themes(s)])
    assert [t[0] for t in themes] == ["velo", "alimentation", "mobilite"]
    by_key = {t[0]: t for t in themes}
    assert by_key["mobilite"][2] == ["transport", "covoiturage"] and by_key["velo"][3] == by_key["mobilite"][4]
    data = form_data(moderator.get("/-/thematiques").text, "/-/thematiques")
    n = next(int(name.split("-")[1]) for name, value in data.items() if name.endswith("-key") and value == "mobilite")
    data |= {f"themes-{n}-label": "Mobilités", f"themes-{n}-parent": "velo"}  # a loop
    refused = moderator.post("/-/thematiques", data=data)
    assert refused.status_code == 400 and "sous elle-même" in refused.text and 'value="Mobilités"' in refused.text
    data |= {f"themes-{n}-parent": "", f"themes-{n}-position": "deux"}
    refused = moderator.post("/-/thematiques", data=data)
    assert refused.status_code == 400 and "Position" in refused.text and 'aria-invalid="true"' in refused.text
    assert read(db, lambda s: {t.key: t.label for t in taxonomy.list_themes(s)})["mobilite"] == "Mobilité"
    data[f"themes-{n}-position"] = "5"
    assert moderator.post("/-/thematiques", data=data).status_code == 302
    assert read(db, lambda s: {t.key: t.label for t in taxonomy.list_themes(s)})["mobilite"] == "Mobilités"


def test_a_taxonomy_longer_than_the_row_limit_keeps_its_last_rows(moderator, db, monkeypatch):
    from wiki.records import admin_inputs

    monkeypatch.setattr(admin_inputs, "MAX_ROWS", 3)  # what 220 rows did to a taxonomy of 230 themes
    data = form_data(moderator.get("/-/thematiques").text, "/-/thematiques")
    data |= {"themes-0-label": "Mobilité", "themes-1-label": "Culture", "themes-2-label": "Alimentation"}
    assert moderator.post("/-/thematiques", data=data).status_code == 302
    assert read(db, lambda s: sorted(t.key for t in taxonomy.list_themes(s))) == ["alimentation", "culture", "mobilite"]
    data = form_data(moderator.get("/-/thematiques").text, "/-/thematiques")
    last = max(int(name.split("-")[1]) for name in data if name.endswith("-label"))
    culture = next(
        int(name.split("-")[1]) for name, value in data.items() if name.endswith("-key") and value == "culture"
    )
    data |= {f"themes-{culture}-label": "Culture et patrimoine", f"themes-{last}-label": "Énergie"}
    assert moderator.post("/-/thematiques", data=data).status_code == 302
    labels = read(db, lambda s: {t.key: t.label for t in taxonomy.list_themes(s)})
    assert labels["culture"] == "Culture et patrimoine" and labels["energie"] == "Énergie"


# --- consent boxes of personal fields ------------------------------------------------------------


def add_contact_fields(client) -> dict[str, str]:
    """Add a yes/no « accord » and a personal, public « courriel » to the producers; return the builder's data after."""
    data = form_data(client.get(ALL).text, BUILDER)
    (box,) = blank_rows(data)
    mail = box + 1
    data |= {
        f"fields-{box}-label": "Le contact accepte la publication", f"fields-{box}-key": "accord", f"fields-{box}-type": "boolean",
        f"fields-{mail}-label": "Courriel du contact", f"fields-{mail}-key": "courriel", f"fields-{mail}-type": "email",
        f"fields-{mail}-personal": "on",
    }  # fmt: skip
    assert client.post(BUILDER, data=data).status_code == 302
    return form_data(client.get(ALL).text, BUILDER)


def test_a_consent_box_is_chosen_in_the_builder_and_follows_its_renamed_key(moderator, db):
    create_producers(moderator)
    data = add_contact_fields(moderator)
    html = moderator.get(ALL).text
    mail, box = row_by_key(data, "courriel"), row_by_key(data, "accord")
    box_id = data[f"fields-{box}-id"]
    options = re.search(
        rf'<select id="f-{mail}-consent" name="fields-{mail}-consent"[^>]*>(.*?)</select>', html, re.S
    ).group(1)
    assert re.findall(r'<option value="([^"]*)"', options) == ["", box_id]  # only yes/no fields, never the row itself
    assert data[f"fields-{mail}-consent"] == ""
    data |= {f"fields-{mail}-consent": box_id, f"fields-{box}-key": "accord_publication"}  # renamed in the same save
    assert moderator.post(BUILDER, data=data).status_code == 302
    fields = the_form(db).fields
    assert fields["courriel"].consent_field == "accord_publication" and fields["courriel"].visibility == "public"
    again = form_data(moderator.get(ALL).text, BUILDER)
    assert again[f"fields-{row_by_key(again, 'courriel')}-consent"] == box_id
    assert "Réglages de « courriel » modifiés : case de consentement" in moderator.get(f"{BUILDER}/historique").text
    # « aucune » unlinks it.
    again[f"fields-{row_by_key(again, 'courriel')}-consent"] = ""
    assert moderator.post(BUILDER, data=again).status_code == 302
    assert the_form(db).fields["courriel"].consent_field is None


@pytest.mark.parametrize(
    "target, message",
    [
        pytest.param(
            "prix", "une case de consentement ne s'emploie qu'avec une donnée personnelle", id="field_not_personal"
        ),
        pytest.param("title", "la case de consentement « title » doit être un champ oui/non", id="box_not_yes_no"),
    ],
)
def test_a_refused_consent_box_comes_back_with_what_was_typed(moderator, db, target, message):
    create_producers(moderator)
    data = add_contact_fields(moderator)
    box_id = data[f"fields-{row_by_key(data, 'accord')}-id"]
    title_id = data[f"fields-{row_by_key(data, 'title')}-id"]
    row = row_by_key(data, target if target == "prix" else "courriel")
    chosen = (
        box_id if target == "prix" else title_id
    )  # a text field: the select never offers it, an old page may send it
    data |= {f"fields-{row}-consent": chosen, f"fields-{row}-label": "Modifié", "comment": "consentement"}
    response = moderator.post(BUILDER, data=data)
    assert response.status_code == 400 and escape(message) in response.text
    again = form_data(response.text, BUILDER)
    assert (
        again[f"fields-{row}-consent"] == chosen
        and again[f"fields-{row}-label"] == "Modifié"
        and again["comment"] == "consentement"
    )
    assert re.search(rf'<select id="f-{row}-consent"[^>]*aria-invalid="true"', response.text)
    if target == "title":
        assert "pas une case oui/non de ce formulaire" in response.text
    assert the_form(db).fields["courriel"].consent_field is None and the_form(db).revision == 3


def test_deleting_a_consent_box_still_named_by_a_field_is_refused_by_name(moderator, db):
    create_producers(moderator)
    data = add_contact_fields(moderator)
    box = row_by_key(data, "accord")
    data |= {f"fields-{row_by_key(data, 'courriel')}-consent": data[f"fields-{box}-id"]}
    assert moderator.post(BUILDER, data=data).status_code == 302
    data = form_data(moderator.get(ALL).text, BUILDER)
    data[f"fields-{row_by_key(data, 'accord')}-delete"] = "on"
    response = moderator.post(BUILDER, data=data)
    assert (
        response.status_code == 400
        and escape("la case de consentement « accord » n'est pas un champ du formulaire") in response.text
    )
    assert "accord" in the_form(db).fields
