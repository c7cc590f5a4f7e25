"""Dates people can type: date and time inputs, French forms read by the server, messages matching the input."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.factories import make_user
from wiki.records import form_services
from wiki.records import services

FIELDS = [
    {"id": "f_0000000a", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_0000000b", "key": "horaire", "type": "schedule", "label": "Date et horaire"},
    {"id": "f_0000000c", "key": "inauguration", "type": "datetime", "label": "Inauguration"},
    {"id": "f_0000000d", "key": "creation", "type": "date", "label": "Création"},
]


@pytest.fixture
def form(db):
    moderator = make_user(db, "Modo", role="moderator")
    created = form_services.create_form(db, key="rdv", title="Rendez-vous", fields=FIELDS, actor=moderator)
    make_user(db, "Camille")
    db.commit()
    return created


def _login(client):
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302


def _error(html, key):
    found = re.search(rf'<p class="field-error" id="f-{key}-error">([^<]*)</p>', html)
    return found.group(1).replace("&#39;", "'") if found else None


def test_the_form_uses_native_date_and_time_inputs(client, form):
    _login(client)
    page = client.get("/annuaire/rdv/nouvelle").text
    assert re.search(r'name="horaire_start_date" type="date"', page)
    assert re.search(r'name="horaire_start_time" type="time"', page)
    assert re.search(r'name="horaire_end_time" type="time"', page) and re.search(
        r'name="horaire_until" type="date"', page
    )
    assert re.search(r'name="inauguration_date" type="date"', page) and re.search(
        r'name="inauguration_time" type="time"', page
    )
    assert 'type="datetime-local"' not in page and "2026-05-02T14:00" not in page


@pytest.mark.parametrize(
    "day, start, end, expected_start, expected_end",
    [
        ("2/5/2026", "20h", "22h30", "2026-05-02T20:00", "2026-05-02T22:30"),
        ("02/05/2026", "14:30", "", "2026-05-02T14:30", None),
        ("2 mai 2026", "midi", "14h", "2026-05-02T12:00", "2026-05-02T14:00"),
        ("2026-05-02", "18h30", "minuit", None, None),  # midnight is before 18:30: refused below
    ],
)
def test_typed_french_dates_and_times_are_read(client, db, form, day, start, end, expected_start, expected_end):
    _login(client)
    data = {"title": "Réunion", "horaire_start_date": day, "horaire_start_time": start, "horaire_end_time": end,
            "horaire_timezone": "Europe/Paris", "inauguration_date": day, "inauguration_time": start,
            "creation": day}  # fmt: skip
    response = client.post("/annuaire/rdv/nouvelle", data=data)
    if expected_start is None:
        assert response.status_code == 400 and _error(response.text, "horaire") == "La fin doit être après le début."
        assert f'value="{day}"' in response.text and 'value="minuit"' in response.text
        return
    assert response.status_code == 302, _error(response.text, "horaire")
    record = services.get_record(db, int(response.location.rsplit("/", 1)[1]), None)
    assert record.data["f_0000000b"]["start"] == expected_start and record.data["f_0000000b"]["end"] == expected_end
    assert record.data["f_0000000c"].startswith(expected_start) and record.data["f_0000000d"] == "2026-05-02"
    edit = client.get(response.location + "/modifier").text
    assert 'value="2026-05-02"' in edit and f'value="{expected_start[11:]}"' in edit


@pytest.mark.parametrize(
    "day, time, key, message",
    [
        ("2/5/2026", "25h", "horaire", "Début : heure impossible : 25 h (de 0 à 23)."),
        (
            "2/5/2026",
            "bientôt",
            "horaire",
            "Début : heure invalide : écrivez-la comme 14:30, 14h30, 20h, midi ou minuit.",
        ),
        ("demain", "14h", "horaire", "Début : date invalide : écrivez-la comme 02/05/2026 ou 2 mai 2026."),
        ("31/02/2026", "14h", "horaire", "Début : date impossible : le 31 février n'existe pas."),
        ("2/5/2026", "bientôt", "inauguration", "Heure invalide : écrivez-la comme 14:30, 14h30, 20h, midi ou minuit."),
        ("2/5/2026", "", "inauguration", "Indiquez aussi l'heure."),
        ("demain", "14h", "creation", "Date invalide : écrivez-la comme 02/05/2026 ou 2 mai 2026."),
    ],
)
def test_wrong_dates_and_times_are_refused_with_a_message_matching_the_input(client, form, day, time, key, message):
    _login(client)
    data = {"title": "Réunion"}
    if key == "horaire":
        data |= {"horaire_start_date": day, "horaire_start_time": time}
    elif key == "inauguration":
        data |= {"inauguration_date": day, "inauguration_time": time}
    else:
        data["creation"] = day
    response = client.post("/annuaire/rdv/nouvelle", data=data)
    assert response.status_code == 400
    assert _error(response.text, key) == message
    assert f'value="{day}"' in response.text  # the text typed comes back
    assert "JJ/MM/AAAA" not in _error(response.text, key)
