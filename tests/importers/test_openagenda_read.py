"""Reading OpenAgenda JSON exports: every shared sample, the answer shapes, French values, refusals."""

from __future__ import annotations

import json

import pytest

from importers.features import FormatError
from importers.openagenda_read import events_from_openagenda
from importers.openagenda_read import text
from tests.shared import DATA

SAMPLES = DATA / "opendata-fr/openagenda-json"


def event(**changes) -> dict:
    """An event as the API v2 gives it, published, one date in Redon."""
    base = {
        "uid": 7001, "slug": "atelier-velo", "state": 2, "status": 1, "timezone": "Europe/Paris",
        "title": {"fr": "Atelier vélo", "en": "Bike workshop"}, "description": {"fr": "Réparer son vélo."},
        "timings": [{"begin": "2026-11-03T18:00:00+01:00", "end": "2026-11-03T20:00:00+01:00"}],
        "location": {"name": "Garage solidaire", "address": "3 rue de la Gare", "postalCode": "35600",
                     "city": "Redon", "insee": "35236", "latitude": 47.6517, "longitude": -2.0853},
        "originAgenda": {"uid": 5, "slug": "pays-de-redon", "title": "Agenda du Pays de Redon"},
        "member": {"name": "Jeanne Contributrice", "email": "jeanne@exemple.fr"},
    }  # fmt: skip
    return base | changes


def read(*events: dict, **wrapper) -> tuple[list, list]:
    export = events_from_openagenda(json.dumps({"events": list(events), "total": len(events), **wrapper}).encode())
    return export.events, export.errors


def test_the_shared_event_samples():
    single = events_from_openagenda((SAMPLES / "events_event.json").read_bytes())
    (event_,) = single.events
    assert event_.uid == "9906334@openagenda.com" and event_.values["title"] == "Mon évènement"
    assert event_.values["description"] == "Description courte\n\nDescription longue\n\nConditions : price fr"
    assert event_.values["location"] == "My location, 122 rue de Charonne, 75011 Paris, France"
    assert event_.values["url"] == "https://openagenda.com/my-agenda/events/testing-6090479"
    assert event_.point == {"type": "Point", "coordinates": [2.386696, 48.854969]} and event_.insee is None
    assert event_.keywords == ["mon", "évènement"] and event_.status == "pending"
    assert event_.extra == {
        "Source": "https://openagenda.com/my-agenda/events/testing-6090479", "Identifiant OpenAgenda": "9906334",
        "Agenda d'origine": "My agenda", "Mots-clés": "mon, évènement", "Âge": "de 7 à 121 ans",
        "Accessibilité": "handicap auditif, handicap moteur",
    }  # fmt: skip
    post = events_from_openagenda((SAMPLES / "events_post.json").read_bytes()).events[0]
    assert post.values["title"] == "My event" and post.values["schedule"]["end"] == "2025-01-06T15:00"
    assert "Contributrice" not in repr(post) and "contact@agendatrad.org" not in repr(post)  # the member: never


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("agendas_agenda.json", "décrit un agenda OpenAgenda (« La Semaine Nationale de la Petite Enfance »)"),
        ("locations_location.json", "décrit un lieu OpenAgenda (« Centres sociaux de Wattrelos 59150 »)"),
        ("locations_location-not-found.json", "réponse d'erreur de l'API OpenAgenda : « location not found »"),
    ],
)
def test_shared_samples_that_are_no_events_are_refused_saying_what_they_are(name, message):
    with pytest.raises(FormatError, match=message.replace("(", "\\(").replace(")", "\\)")):
        events_from_openagenda((SAMPLES / name).read_bytes())


def test_answer_shapes_a_list_a_bare_event_and_other_files():
    assert len(events_from_openagenda(json.dumps([event(), event(uid=7002)]).encode()).events) == 2
    assert events_from_openagenda(json.dumps(event()).encode()).events[0].remote_id == "7001"
    with pytest.raises(FormatError, match="pas un export d'événements OpenAgenda"):
        events_from_openagenda(b'{"type": "FeatureCollection", "features": []}')
    with pytest.raises(FormatError, match="ceci est un calendrier iCalendar, pas du JSON : choisissez le format ics"):
        events_from_openagenda((DATA / "icalendar/recurring-ical-events/fablab_cottbus.ics").read_bytes())
    with pytest.raises(FormatError, match="Trop d'événements"):
        events_from_openagenda(json.dumps([event()] * 3).encode(), max_events=2)


def test_french_first_then_the_first_language_given():
    assert text({"en": "Hello", "fr": "Bonjour"}) == "Bonjour"
    assert text({"de": "", "en": "Hello\x00 world"}) == "Hello world"
    assert text(None) == "" and text(12) == ""
    (found,), _ = read(event(title={"en": "Bike workshop"}, keywords={"en": ["bike"], "fr": ["Vélo", "Mobilité"]}))
    assert found.values["title"] == "Bike workshop" and found.keywords == ["Vélo", "Mobilité"]


def test_events_refused_one_by_one_with_their_reason():
    found, errors = read(event(uid=1, private=True), event(uid=2, draft=True), event(uid=3, state=-1),
                         event(uid=None), event(uid=5, timings=[]), "texte", event(uid=7), event(uid=7))  # fmt: skip
    assert [e.remote_id for e in found] == ["7"]
    assert [(ref.split(" «")[0], message.split(" :")[0].split(" (")[0]) for ref, message in errors] == [
        ("OpenAgenda 1", "événement privé sur OpenAgenda"), ("OpenAgenda 2", "brouillon sur OpenAgenda"),
        ("OpenAgenda 3", "refusé par les modérateurs de son agenda OpenAgenda"),
        ("événement n° 4", "événement sans identifiant OpenAgenda"), ("OpenAgenda 5", "Aucune date lisible"),
        ("événement n° 6", "objet JSON attendu."), ("OpenAgenda 7", "uid 7 en double dans le fichier"),
    ]  # fmt: skip


def test_cancelled_events_registration_links_images_and_bad_coordinates():
    (found,), _ = read(event(
        status=6, registration=[{"type": "phone", "value": "02 99 00 00 00"}, {"type": "link", "value": "javascript:x"},
                                {"type": "link", "value": "https://inscription.exemple.fr/velo"}],
        image={"base": "https://cdn.openagenda.com/main/", "filename": "velo.jpg"}, attendanceMode=3,
        location={"name": "Garage", "latitude": 147.0, "longitude": -2.0}, timezone="Mars/Olympus",
    ))  # fmt: skip
    assert found.cancelled == found.plan.keys == ["2026-11-03T18:00"]
    assert found.values["url"] == "https://inscription.exemple.fr/velo" and found.point is None
    assert found.extra["Image"] == "https://cdn.openagenda.com/main/velo.jpg"
    assert found.extra["Statut sur OpenAgenda"] == "annulé" and found.extra["Participation"] == "sur place et en ligne"
    warned = " | ".join(found.warnings)
    for part in ("Mars/Olympus", "Adresse d'inscription ignorée", "téléphone d'inscription non repris",
                 "Coordonnées du lieu illisibles", "toutes ses dates sont marquées annulées"):  # fmt: skip
        assert part in warned
