"""The field builder shows one field's own settings at a time, reorders without JavaScript, restores old revisions."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.wiki.records.test_admin import ALL
from tests.wiki.records.test_admin import BUILDER
from tests.wiki.records.test_admin import add_record
from tests.wiki.records.test_admin import create_producers
from tests.wiki.records.test_admin import form_data
from tests.wiki.records.test_admin import login
from tests.wiki.records.test_admin import read
from tests.wiki.records.test_admin import revisions
from tests.wiki.records.test_admin import row_by_key
from tests.wiki.records.test_admin import the_form
from wiki.activity.models import Activity
from wiki.errors import Forbidden
from wiki.records import form_services
from wiki.records.seeding import seed_builtin

pytestmark = pytest.mark.sqlite_only  # screens over the record services, tested on both

OPTION_INPUTS = ("max_length", "unit", "min", "max", "list", "choices", "multiple")


class _Controls(HTMLParser):
    """Count the form controls a page holds (inputs of every kind, selects, textareas), by name."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea"):
            self.names.append(dict(attrs).get("name") or "")


def controls(html: str) -> list[str]:
    parser = _Controls()
    parser.feed(html)
    return parser.names


def row_options(html: str) -> dict[int, set[str]]:
    """The type settings rendered for each field row, by row number."""
    found: dict[int, set[str]] = {}
    for n, name in re.findall(r'name="fields-(\d+)-([a-z_]+)"', html):
        found.setdefault(int(n), set())
        if name in OPTION_INPUTS:
            found[int(n)].add(name)
    return found


@pytest.fixture
def moderator(app, client, db):
    return login(client, db)


@pytest.fixture
def initiative(app, db, client):
    seed_builtin(db, make_user(db, "Installateur", role="admin"))
    db.commit()
    return login(client, db)


def test_the_initiative_builder_shows_one_field_at_a_time(initiative, db):
    page = initiative.get("/-/formulaires/initiative")
    assert page.status_code == 200
    names = controls(page.text)
    # Was 851 inputs (every field with every type's settings); now each field is one line with its id and position.
    assert len(names) <= 110, len(names)
    assert not any(name.endswith(OPTION_INPUTS) for name in names)
    fields = read(db, lambda s: form_services.form_fields(form_services.get_form(s, "initiative")))
    assert len([n for n in names if n.endswith("-kept")]) == len(fields)
    for field in fields:  # every field is listed, by label, key and type
        assert f"<code>{field.key}</code>" in page.text
    assert page.text.count('name="open"') == len(fields) + 1  # « Modifier » per field, « Ajouter et régler » once


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("text", {"max_length"}),
        ("longtext", {"max_length"}),
        ("number", {"unit", "min", "max"}),
        ("choice", {"list", "choices"}),
        ("multichoice", {"list", "choices"}),
        ("zone", {"multiple"}),
        ("boolean", set()),
        ("geometry", set()),
        ("url", set()),
    ],
)
def test_an_open_field_shows_only_its_own_type_settings(initiative, db, kind, expected):
    fields = read(db, lambda s: form_services.form_fields(form_services.get_form(s, "initiative")))
    field = next(f for f in fields if f.type == kind)
    html = initiative.get(f"/-/formulaires/initiative?champ={field.key}").text
    opened = {n: names for n, names in row_options(html).items() if f'name="fields-{n}-label"' in html}
    (row,) = [n for n in opened if f'name="fields-{n}-open"' in html]
    assert opened[row] == expected
    assert len(controls(html)) <= 110 + 12


def test_fields_open_and_retype_by_buttons_without_saving(moderator, db):
    create_producers(moderator)
    data = form_data(moderator.get(BUILDER).text, BUILDER)
    assert set(data) >= {"fields-0-kept", "fields-0-position"} and "fields-0-key" not in data
    prix = next(n for n in range(3) if data[f"fields-{n}-kept"] == the_form(db).fields["prix"].id)
    opened = moderator.post(BUILDER, data=data | {"open": str(prix)})
    assert opened.status_code == 200 and row_options(opened.text)[prix] == {"unit", "min", "max"}
    data = form_data(opened.text, BUILDER)
    assert data[f"fields-{prix}-unit"] == "€" and data[f"fields-{prix}-label"] == "Prix"
    # Retype: « Afficher les réglages du type choisi » shows the new type's settings, with what was typed.
    data |= {f"fields-{prix}-type": "choice", f"fields-{prix}-label": "Gamme de prix"}
    retyped = moderator.post(BUILDER, data=data | {"open": str(prix)})
    assert row_options(retyped.text)[prix] == {"list", "choices"}
    assert 'value="Gamme de prix"' in retyped.text
    assert the_form(db).revision == 2
    # The rows left closed are read back from the stored form: saving changes only the open one.
    data = form_data(retyped.text, BUILDER) | {f"fields-{prix}-choices": "bas | Petit prix\nhaut | Prix fort"}
    assert moderator.post(BUILDER, data=data).status_code == 302
    form = the_form(db)
    assert form.revision == 3 and list(form.fields) == ["title", "categorie", "prix"]
    assert form.fields["prix"].type == "choice" and form.fields["prix"].label == "Gamme de prix"
    assert form.fields["categorie"].options["choices"][0] == {"value": "bio", "label": "Agriculture biologique"}
    assert form.fields["title"].label == "Nom" and form.fields["title"].required


def test_saving_the_closed_rows_changes_nothing(moderator, db):
    create_producers(moderator)
    response = moderator.post(BUILDER, data=form_data(moderator.get(BUILDER).text, BUILDER))
    assert response.status_code == 302 and the_form(db).revision == 2
    assert "Aucune modification" in moderator.get(BUILDER).text


def test_reorder_closed_fields_by_buttons_without_javascript(moderator, db):
    create_producers(moderator)
    html = moderator.get(BUILDER).text
    assert re.search(r'value="0:up"[^>]*disabled', html) and not re.search(r'value="1:up"[^>]*disabled', html)
    data = form_data(html, BUILDER)
    moved = moderator.post(BUILDER, data=data | {"move": "2:up"})
    assert moved.status_code == 200 and "n’est pas encore enregistré" in moved.text
    order = re.findall(r"<code>(\w+)</code>", moved.text)
    assert order == ["title", "prix", "categorie"]
    assert the_form(db).revision == 2
    assert moderator.post(BUILDER, data=form_data(moved.text, BUILDER)).status_code == 302
    assert list(the_form(db).fields) == ["title", "prix", "categorie"]
    # The script moves rows in place and renumbers the hidden positions: the server sorts by them.
    data = form_data(moderator.get(BUILDER).text, BUILDER)
    data |= {"fields-0-position": "3", "fields-1-position": "1", "fields-2-position": "2"}
    assert moderator.post(BUILDER, data=data).status_code == 302
    assert list(the_form(db).fields) == ["prix", "categorie", "title"]


def _rename_prix(client, label: str) -> None:
    data = form_data(client.get(ALL).text, BUILDER)
    data[f"fields-{row_by_key(data, 'prix')}-label"] = label
    assert client.post(BUILDER, data=data).status_code == 302


def test_a_moderator_restores_an_earlier_form_revision(moderator, db):
    create_producers(moderator)
    _rename_prix(moderator, "Tarif")
    form = the_form(db)
    assert form.revision == 3 and form.fields["prix"].label == "Tarif"
    history = moderator.get(f"{BUILDER}/historique").text
    assert f'action="{BUILDER}/historique/2/retablir"' in history
    assert f'action="{BUILDER}/historique/3/retablir"' not in history  # the current one
    response = moderator.post(f"{BUILDER}/historique/2/retablir")
    assert response.status_code == 302
    form = the_form(db)
    assert (
        form.revision == 4
        and form.fields["prix"].label == "Prix"
        and list(form.fields) == ["title", "categorie", "prix"]
    )
    (latest, comment, snapshot), *_ = revisions(db, "form", form.id)
    assert latest == 4 and comment == "Retour à la version 2"
    assert snapshot["fields"] == revisions(db, "form", form.id)[2][2]["fields"]
    logged = read(db, lambda s: s.scalars(select(Activity).where(Activity.kind == "form").order_by(Activity.id)).all())
    assert (logged[-1].action, logged[-1].revision_number, logged[-1].key) == ("revert", 4, "producteurs_locaux")
    page = moderator.get(f"{BUILDER}/historique").text
    assert "La version 2 du formulaire a été rétablie." in page and "rétablissement" in page
    # Restoring the current definition again makes no revision.
    moderator.post(f"{BUILDER}/historique/4/retablir")
    assert the_form(db).revision == 4
    assert moderator.post(f"{BUILDER}/historique/99/retablir").status_code == 404


def test_restoring_a_revision_whose_types_no_longer_fit_the_records_is_refused(moderator, db):
    create_producers(moderator)
    data = form_data(moderator.get(ALL).text, BUILDER)
    data[f"fields-{row_by_key(data, 'prix')}-type"] = "text"
    assert moderator.post(BUILDER, data=data).status_code == 302
    add_record(moderator, {"title": "Ferme du Pâtis", "prix": "sur demande"})
    response = moderator.post(f"{BUILDER}/historique/2/retablir", follow_redirects=True)
    assert "le type ne peut pas passer de text à number" in response.text
    assert the_form(db).revision == 3 and the_form(db).fields["prix"].type == "text"


def test_only_moderators_restore_form_revisions(app, db, client):
    moderator = login(client, db)
    create_producers(moderator)
    _rename_prix(moderator, "Tarif")
    moderator.post("/-/deconnexion")
    anonymous = app.test_client()
    refused = anonymous.post(f"{BUILDER}/historique/2/retablir")
    assert refused.status_code == 302 and "/-/connexion" in refused.location
    contributor = login(app.test_client(), db, name="Contributrice", role="contributor")
    assert contributor.post(f"{BUILDER}/historique/2/retablir").status_code == 403
    assert the_form(db).revision == 3 and the_form(db).fields["prix"].label == "Tarif"
    editor = make_user(db, "Service", role="contributor")
    db.commit()
    with pytest.raises(Forbidden, match="modérateurs"):
        read(
            db,
            lambda s: form_services.revert_form(
                s, form_services.get_form(s, "producteurs_locaux"), 2, actor=s.merge(editor)
            ),
        )


def test_a_field_folded_with_unsaved_changes_keeps_them(moderator, db):
    create_producers(moderator)
    data = form_data(moderator.get(BUILDER).text, BUILDER)
    prix = next(n for n in range(3) if data[f"fields-{n}-kept"] == the_form(db).fields["prix"].id)
    data = form_data(moderator.post(BUILDER, data=data | {"open": str(prix)}).text, BUILDER)
    data[f"fields-{prix}-label"] = "Tarif du panier"
    folded = moderator.post(BUILDER, data=data | {"close": str(prix)})
    assert folded.status_code == 200 and "modifié, non enregistré" in folded.text
    assert f'id="f-{prix}-label"' not in folded.text and f'name="fields-{prix}-open"' not in folded.text
    assert row_options(folded.text)[prix] == {"unit", "min", "max"}  # its own settings only, hidden
    data = form_data(folded.text, BUILDER)
    assert data[f"fields-{prix}-label"] == "Tarif du panier" and f"fields-{prix}-kept" not in data  # carried, hidden
    assert moderator.post(BUILDER, data=data).status_code == 302
    assert the_form(db).fields["prix"].label == "Tarif du panier" and the_form(db).fields["prix"].options == {
        "unit": "€",
        "min": 0,
    }
