"""Communes by name on the map and in the agenda: popups, event places, the agenda's commune filter."""

from __future__ import annotations

import datetime as dt

from wiki.records import form_services
from wiki.records import services


def _soon(days: int, hour: int) -> str:
    moment = dt.datetime.now() + dt.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0).isoformat(timespec="minutes")


def test_map_popups_name_the_commune_a_record_lies_in(client, db, moderator, zones):
    place = form_services.get_form(db, "lieu")
    services.create_record(
        db,
        place,
        {"title": "Médiathèque", "localisation": {"type": "Point", "coordinates": [-2.0842, 47.6519]}},
        actor=moderator,
        policy="account",
    )
    db.commit()
    layer = client.get("/carte/calque.geojson?calque=lieu").get_json()
    (feature,) = [f for f in layer["features"] if f["properties"].get("title") == "Médiathèque"]
    assert feature["properties"]["communes"] == "Redon"


def test_the_agenda_names_the_commune_and_filters_by_name(client, db, moderator, zones):
    event = form_services.get_form(db, "evenement")
    services.create_record(
        db,
        event,
        {"title": "Atelier vélo", "horaire": {"start": _soon(3, 18), "timezone": "Europe/Paris"}, "commune": "56001"},
        actor=moderator,
        policy="account",
    )
    db.commit()
    page = client.get("/agenda").text
    assert "Atelier vélo" in page and '<span class="label">Lieu :</span> Allaire</p>' in page
    assert '<option value="56001" >Allaire (56)</option>' in page
    filtered = client.get("/agenda?zone=56001").text
    assert '<option value="56001" selected>Allaire (56)</option>' in filtered and "Atelier vélo" in filtered


def test_a_record_s_area_shows_its_communes_and_a_static_outline_without_javascript(client, db, moderator, zones):
    place = form_services.get_form(db, "lieu")
    square = [[[-2.09, 47.65], [-2.07, 47.65], [-2.07, 47.66], [-2.09, 47.66], [-2.09, 47.65]]]
    record = services.create_record(
        db,
        place,
        {"title": "Parc", "localisation": {"type": "Polygon", "coordinates": square}},
        actor=moderator,
        policy="account",
    )
    db.commit()
    shown = client.get(f"/fiches/{record.id}").text
    assert 'href="/zones/commune/35236">Redon</a>' in shown
    assert '<noscript><svg class="record-outline"' in shown and 'role="img"' in shown
    assert '<p class="coordinates">Coordonnées : Polygone (4 sommets)</p>' in shown
