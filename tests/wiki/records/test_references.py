"""Fields that speak to volunteers: communes picked and shown by name, linked records by title, places on a map."""

from __future__ import annotations

import re

import pytest

from geodata import zones as geo
from tests.factories import PASSWORD
from tests.factories import make_user
from wiki.records import form_services
from wiki.records import references
from wiki.records import services

FIELDS = [
    {"id": "f_0000000a", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_0000000b", "key": "commune", "type": "zone", "label": "Commune", "options": {"levels": ["commune"]}},
    {
        "id": "f_0000000c",
        "key": "communes",
        "type": "zone",
        "label": "Communes concernées",
        "options": {"levels": ["commune"], "multiple": True},
    },
    {
        "id": "f_0000000d",
        "key": "lieu",
        "type": "link",
        "label": "Lieu",
        "options": {"target": "record", "form": "salles"},
    },
    {"id": "f_0000000e", "key": "position", "type": "geometry", "label": "Position", "options": {"kinds": ["Point"]}},
]
PLACE_FIELDS = [{"id": "f_0000001a", "key": "title", "type": "text", "label": "Nom", "required": True}]
COMMUNES = [
    ("35236", "Redon", (-2.0802, 47.6559)),
    ("44067", "Guémené-Penfao", (-1.838, 47.6413)),
    ("56001", "Allaire", (-2.1857, 47.6314)),
    ("35999", "Saint-Homonyme", (-1.9, 47.7)),
    ("56999", "Saint-Homonyme", (-2.2, 47.7)),
]
REDON_SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.1, 47.64], [-2.06, 47.64], [-2.06, 47.67], [-2.1, 47.67], [-2.1, 47.64]]],
}


@pytest.fixture
def forms(db):
    moderator = make_user(db, "Modo", role="moderator")
    places = form_services.create_form(db, key="salles", title="Salles", fields=PLACE_FIELDS, actor=moderator)
    form = form_services.create_form(db, key="ateliers", title="Ateliers", fields=FIELDS, actor=moderator)
    for code, name, centre in COMMUNES:
        geometry = REDON_SQUARE if code == "35236" else None
        geo.save_zone(db, code=code, name=name, level="commune", geometry=geometry, centre=centre)
    hall = services.create_record(db, places, {"title": "Salle des fêtes de Redon"}, actor=moderator, policy="open")
    make_user(db, "Camille")
    db.commit()
    return form, places, hall


def _login(client, name="Camille"):
    assert client.post("/-/connexion", data={"name": name, "password": PASSWORD}).status_code == 302


def _options(html, name):
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select named {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_the_form_picks_communes_by_name_and_linked_records_by_title(client, forms):
    _login(client)
    page = client.get("/annuaire/ateliers/nouvelle").text
    communes = _options(page, "commune")
    assert ("35236", "Redon (35)") in communes and ("44067", "Guémené-Penfao (44)") in communes
    assert ("35999", "Saint-Homonyme (35)") in communes and ("56999", "Saint-Homonyme (56)") in communes
    assert re.search(r'<select[^>]*name="communes"[^>]*multiple', page)
    hall = forms[2]
    assert (str(hall.id), "Salle des fêtes de Redon") in _options(page, "lieu")
    assert "numéro de fiche" not in page and "js/picker.js" in page


def test_a_record_shows_names_titles_and_its_place_by_name(client, db, forms):
    _login(client)
    hall = forms[2]
    response = client.post(
        "/annuaire/ateliers/nouvelle",
        data={
            "title": "Atelier vélo",
            "commune": "44067",
            "communes": ["35236", "56001"],
            "lieu": str(hall.id),
            "position": "47.65, -2.08",
        },
    )
    assert response.status_code == 302, response.text
    shown = client.get(response.location).text
    assert "Guémené-Penfao" in shown and "Commune 44067" not in shown
    assert re.search(r">Redon</a>, <a[^>]*>Allaire</a>", shown)
    assert f'href="/fiches/{hall.id}">Salle des fêtes de Redon</a>' in shown
    # The geometry: the commune it lies in, a map, the coordinates only in a detail line.
    place = re.search(r'<div class="record-place">(.*?)</div>\s*<link', shown, re.S).group(1)
    assert "Communes :" in place and ">Redon</a>" in place and ">Guémené-Penfao</a>" in place  # field and point
    assert '<p class="coordinates">Coordonnées : Point (47.65, -2.08)</p>' in place
    edit = client.get(response.location + "/modifier").text
    assert ("44067", "Guémené-Penfao (44)") in _options(edit, "commune")
    assert re.search(r'<option value="44067" selected>', edit) and re.search(r'<option value="56001" selected>', edit)


def test_lists_and_facets_show_communes_by_name(client, db, forms):
    form, _, _ = forms
    moderator = make_user(db, "Autre", role="moderator")
    for title, commune in (("A", "35236"), ("B", "35236"), ("C", "35236"), ("D", "56001")):
        services.create_record(db, form, {"title": title, "commune": commune}, actor=moderator, policy="open")
    db.commit()
    listing = client.get("/annuaire/ateliers?vue=tableau").text
    assert re.search(r">Redon <span class=\"count\">\(3\)</span>", listing)
    assert re.search(r">Allaire <span class=\"count\">\(1\)</span>", listing)
    assert "35236 (" not in listing and "<td>Redon</td>" in listing
    api = client.get("/api/v1/forms/ateliers/records").get_json()
    assert {"value": "35236", "label": "Redon", "count": 3} in api["facets"]["commune"]


@pytest.mark.parametrize(
    "typed, message",
    [
        ("99999", "Commune inconnue : 99999."),
        ("Atlantide", "Commune inconnue : « Atlantide » ; choisissez-la dans la liste."),
        ("Saint-Homonyme", "Plusieurs communes s’appellent"),
    ],
)
def test_an_unknown_commune_is_refused_next_to_the_field_with_the_text_back(client, forms, typed, message):
    _login(client)
    response = client.post("/annuaire/ateliers/nouvelle", data={"title": "Atelier", "commune": typed})
    assert response.status_code == 400
    error = re.search(r'<p class="field-error" id="f-commune-error">([^<]*)</p>', response.text).group(1)
    assert error.replace("&#39;", "’").replace("'", "’").startswith(message.replace("'", "’"))
    assert f'<option value="{typed}" selected>' in response.text  # the typed value comes back


def test_a_name_typed_instead_of_a_code_is_read(client, db, forms):
    _login(client)
    response = client.post(
        "/annuaire/ateliers/nouvelle",
        data={"title": "Atelier", "commune": "guémené-penfao", "communes": ["Saint-Homonyme (56)", "redon"]},
    )
    assert response.status_code == 302, response.text
    record = services.get_record(db, int(response.location.rsplit("/", 1)[1]), None)
    assert record.data["f_0000000b"] == "44067" and record.data["f_0000000c"] == ["56999", "35236"]


def test_without_loaded_zones_the_form_explains_and_takes_a_code(client, db):
    moderator = make_user(db, "Modo", role="moderator")
    form_services.create_form(db, key="ateliers", title="Ateliers", fields=FIELDS[:2], actor=moderator)
    make_user(db, "Camille")
    db.commit()
    _login(client)
    page = client.get("/annuaire/ateliers/nouvelle").text
    assert "Aucune zone de ce niveau n’est encore chargée" in page and 'name="commune"' in page
    response = client.post("/annuaire/ateliers/nouvelle", data={"title": "Atelier", "commune": "35236"})
    assert response.status_code == 302


def test_a_big_target_form_is_a_search_step(client, db, forms, monkeypatch):
    monkeypatch.setattr(references, "MAX_RECORD_OPTIONS", 1)
    _, places, hall = forms
    moderator = make_user(db, "Autre", role="moderator")
    other = services.create_record(db, places, {"title": "Salle des fêtes de Renac"}, actor=moderator, policy="open")
    db.commit()
    _login(client)
    page = client.get("/annuaire/ateliers/nouvelle").text
    assert re.search(r'<input id="f-lieu" name="lieu" type="search"', page) and "data-record-search" in page
    step = client.post("/annuaire/ateliers/nouvelle", data={"title": "Atelier", "lieu": "salle fêtes"})
    assert step.status_code == 400 and "Plusieurs fiches correspondent" in step.text
    assert (
        f'value="{hall.id}"' in step.text and f'value="{other.id}"' in step.text and 'value="salle fêtes"' in step.text
    )
    done = client.post("/annuaire/ateliers/nouvelle", data={"title": "Atelier", "lieu": str(other.id)})
    assert done.status_code == 302
    assert "Salle des fêtes de Renac</a>" in client.get(done.location).text
    found = client.post("/annuaire/ateliers/nouvelle", data={"title": "Atelier 2", "lieu": "renac"})
    assert found.status_code == 302
    nothing = client.post("/annuaire/ateliers/nouvelle", data={"title": "Atelier 3", "lieu": "piscine"})
    assert nothing.status_code == 400 and "Aucune fiche ne correspond à « piscine »" in nothing.text


def test_the_list_finds_a_record_by_its_commune_s_name(client, db, forms):
    form, _, _ = forms
    moderator = make_user(db, "Autre", role="moderator")
    services.create_record(db, form, {"title": "Atelier", "commune": "44067"}, actor=moderator, policy="open")
    db.commit()
    assert "Atelier" in client.get("/annuaire/ateliers?q=guemene").text


def test_embedded_forms_and_lists_pick_and_show_communes_by_name(client, db, forms):
    from tests.factories import make_page

    form, _, _ = forms
    moderator = make_user(db, "Autre", role="moderator")
    services.create_record(db, form, {"title": "Atelier", "commune": "44067"}, actor=moderator, policy="open")
    make_page(db, "Ateliers", '{{formulaire form="ateliers"}}\n\n{{liste form="ateliers"}}\n', actor=moderator)
    db.commit()
    _login(client)
    page = client.get("/pages/ateliers").text
    assert ("44067", "Guémené-Penfao (44)") in _options(page, "commune")
    assert re.search(r"Guémené-Penfao(?! \(44\))", page) and "44067</" not in page  # the list: the name
