"""Map pages, layer data, zone pages, the API and the {{carte}} macro, over HTTP."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.records import form_services
from wiki.records import services

STATION = {"type": "Point", "coordinates": [-2.085, 47.652]}
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def places(db, zones, moderator):
    lieu = form_services.get_form(db, "lieu")
    made = [
        services.create_record(
            db,
            lieu,
            {
                "title": HOSTILE,
                "description": "<script>alert(1)</script> Des **livres**",
                "localisation": STATION,
                "themes": ["culture"],
                "telephone": "02 99 00 00 00",
            },
            actor=moderator,
            policy="account",
            status="published",
        ),
        services.create_record(
            db,
            lieu,
            {
                "title": "Aire de covoiturage",
                "localisation": {"type": "Point", "coordinates": [-2.075, 47.716]},
                "themes": ["mobilite"],
            },
            actor=moderator,
            policy="account",
            status="published",
        ),
        services.create_record(
            db,
            lieu,
            {"title": "Brouillon secret", "localisation": STATION},
            actor=moderator,
            policy="account",
            status="draft",
        ),
        services.create_record(
            db,
            lieu,
            {
                "title": "Île aux Pies",
                "localisation": {
                    "type": "Polygon",
                    "coordinates": [[[-2.125, 47.722], [-2.105, 47.722], [-2.1, 47.735], [-2.125, 47.722]]],
                },
            },
            actor=moderator,
            policy="account",
            status="published",
        ),
    ]
    db.commit()
    return made


def test_map_page_lists_what_it_shows_without_javascript(client, places):
    page = client.get("/carte")
    assert page.status_code == 200
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text and HOSTILE not in page.text
    assert "Aire de covoiturage" in page.text and "Brouillon secret" not in page.text
    assert "<caption>" in page.text and 'scope="col"' in page.text
    assert 'data-layer-url="/carte/calque.geojson?calque=' in page.text
    filtered = client.get("/carte?theme=mobilite")
    assert "Aire de covoiturage" in filtered.text and "onerror" not in filtered.text
    assert "Aire de covoiturage" not in client.get("/carte?zone=35236").text
    assert client.get("/carte/lieu").status_code == 200
    assert client.get("/carte/inconnu").status_code == 404


def test_the_query_string_never_sets_url_for_options_of_the_pager(client, places, monkeypatch):
    # ?_anchor=… and the like were handed to url_for as its own options: a 500, or an absolute link.
    monkeypatch.setattr("geodata.views.PER_PAGE", 1)
    for option in ("_anchor=x", "_scheme=https", "_method=GET", "_external=1"):
        page = client.get(f"/carte?calque=lieu&{option}")
        assert page.status_code == 200
        assert 'rel="next" href="/carte?calque=lieu&amp;page=2"' in page.text


def test_map_pages_carry_a_strict_csp_allowing_only_the_tile_host(client, places):
    csp = client.get("/carte").headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "img-src 'self' data: https://tile.openstreetmap.org;" in csp


def test_layer_endpoint_filters_by_bbox_and_never_shows_drafts(client, places):
    response = client.get("/carte/calque.geojson?bbox=-2.1,47.64,-2.07,47.67")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    titles = [f["properties"]["title"] for f in response.json["features"]]
    assert titles == [HOSTILE]  # verbatim data; the page builds popups with textContent
    everything = client.get("/carte/calque.geojson").json
    assert {f["properties"]["title"] for f in everything["features"]} == {
        HOSTILE,
        "Aire de covoiturage",
        "Île aux Pies",
    }
    refused = client.get("/carte/calque.geojson?bbox=1,2,3")
    assert refused.status_code == 400 and refused.json["message"].startswith("bbox attendu")


def test_zone_pages_and_api(client, places):
    page = client.get("/zones/commune/35236")
    assert page.status_code == 200 and "<h1>Redon" in page.text and "&lt;img src=x" in page.text
    assert "Brouillon secret" not in page.text
    assert client.get("/zones/99999").status_code == 404
    assert "Bains-sur-Oust" in client.get("/zones").text
    api = client.get("/api/v1/zones").json
    redon = next(z for z in api["items"] if z["code"] == "35236")
    assert redon["name"] == "Redon" and redon["has_boundary"] is True and redon["url"].endswith("/zones/commune/35236")
    assert "geometry" not in redon
    first = client.get("/api/v1/zones?limit=1&offset=1").json
    assert len(first["items"]) == 1 and first["total"] == api["total"] >= 2 and first["items"][0] == api["items"][1]
    zones = client.get("/carte/zones.geojson").json
    assert {f["id"] for f in zones["features"]} >= {"35236", "35013"}


def test_carte_macro_embeds_a_map_and_reports_mistakes(client, db, places, moderator):
    make_page(db, "Mobilité", '{{carte form="lieu" theme="Mobilité"}}\n\n{{carte form="inconnu"}}\n', actor=moderator)
    db.commit()
    page = client.get("/pages/mobilite")
    assert 'data-layer-url="/carte/calque.geojson?calque=lieu&amp;theme=mobilite"' in page.text
    assert "Formulaire inconnu : inconnu." in page.text
    assert "/-/carte/leaflet/leaflet.js" in page.text


def test_contribution_without_javascript_by_coordinates_or_commune(client, db, zones, moderator):
    make_user(db, "Camille")
    db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    form = client.get("/annuaire/lieu/nouvelle?localisation=47.652,+-2.085")
    assert 'data-geometry-kinds="Point LineString Polygon' in form.text and "47.652, -2.085" in form.text
    done = client.post("/annuaire/lieu/nouvelle", data={"title": "Gare", "localisation": "47,652 ; -2,085"})
    assert done.status_code == 302
    shown = client.get(done.location).text
    assert "Point (47.652, -2.085)" in shown and 'data-geometry="{&#34;coordinates&#34;: [-2.085, 47.652]' in shown
    by_commune = client.post(
        "/annuaire/lieu/nouvelle", data={"title": "Quelque part", "commune": "56194", "adresse": "Place de l’église"}
    )
    assert by_commune.status_code == 302
    listed = client.get("/carte").text
    assert "Gare" in listed and "Quelque part" in listed and "position approximative" in listed
    refused = client.post("/annuaire/lieu/nouvelle", data={"title": "Mauvais", "localisation": "95.0, 2.0"})
    assert refused.status_code == 400 and "Latitude hors limites" in refused.text and 'value="Mauvais"' in refused.text


def test_leaflet_files_are_served_from_the_package_only(client):
    with client.get("/-/carte/leaflet/leaflet.js") as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert client.get("/-/carte/leaflet/../../../setup.py").status_code == 404
    assert client.get("/-/carte/leaflet/leaflet-src.esm.js").status_code == 404


def test_tile_host_in_the_csp_follows_the_setting():
    from wiki.security import tile_sources

    assert tile_sources("https://{s}.tile.example.org/{z}/{x}/{y}.png") == ("https://*.tile.example.org",)
    assert tile_sources("") == () and tile_sources("javascript:alert(1)") == ()


def test_a_map_without_tiles_still_serves_its_data(make_app):
    app = make_app(MAP_TILE_URL="")
    page = app.test_client().get("/carte")
    assert page.status_code == 200 and 'data-tiles=""' in page.text
    assert "img-src 'self' data:;" in page.headers["Content-Security-Policy"]
