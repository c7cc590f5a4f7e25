"""The GeoJSON download (``/donnees/<form>.geojson``): the pure converter, and the download over HTTP."""

from __future__ import annotations

import datetime as dt
import json

import geodata.geometry as geo
from tests.geodata.conftest import moderator  # noqa: F401 - the fixture
from tests.geodata.conftest import zones  # noqa: F401 - the fixture
from tests.geodata.test_views import HOSTILE
from tests.geodata.test_views import STATION
from tests.geodata.test_views import places  # noqa: F401 - the fixture
from wiki.exports.geojson import features_to_geojson
from wiki.exports.geojson import located_record_to_geojson_feature
from wiki.records import access
from wiki.records import form_services
from wiki.records import services


def test_features_are_streamed_as_one_feature_collection():
    feature = located_record_to_geojson_feature(
        record_id=7,
        url="https://wiki.test/fiches/7",
        title="Gare",
        values={"title": "Gare", "horaires": "6h-22h"},
        updated_at=dt.datetime(2026, 5, 2, 14, 0, 30, 123456, tzinfo=dt.UTC),
        approximate=False,
        geometry=STATION,
    )
    assert feature == {
        "type": "Feature",
        "id": 7,
        "geometry": STATION,
        "properties": {"id": 7, "url": "https://wiki.test/fiches/7", "title": "Gare", "horaires": "6h-22h",
                       "updated_at": "2026-05-02T14:00:30+00:00", "approximate": False},
    }  # fmt: skip
    chunks = list(features_to_geojson([[feature, feature], [], [feature]]))
    assert len(chunks) == 5  # head, one chunk per batch, tail
    assert json.loads(b"".join(chunks)) == {"type": "FeatureCollection", "features": [feature] * 3}
    assert b"".join(features_to_geojson([])) == b'{"type":"FeatureCollection","features":[]}'


def test_geojson_export_is_valid_streamed_and_public_only(client, places, db, moderator):  # noqa: F811
    private = form_services.create_form(
        db,
        key="prive",
        title="Privé",
        actor=moderator,
        fields=[
            {"id": "f_00000001", "key": "title", "type": "text", "label": "Nom"},
            {"id": "f_00000002", "key": "lieu", "type": "geometry", "label": "Lieu"},
            {
                "id": "f_00000003",
                "key": "courriel",
                "type": "email",
                "label": "Courriel",
                "visibility": "private",
                "personal": True,
            },
        ],
    )
    services.create_record(
        db,
        private,
        {"title": "Chez Camille", "lieu": STATION, "courriel": "camille@example.org"},
        actor=moderator,
        policy="account",
    )
    db.commit()
    response = client.get("/donnees/lieu.geojson")
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "application/geo+json" and response.headers["X-Content-Type-Options"] == "nosniff"
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 3
    for feature in data["features"]:
        assert geo.clean(feature["geometry"]).geometry == feature["geometry"]  # valid RFC 7946 as exported
        assert "localisation" not in feature["properties"] and feature["properties"]["url"].startswith("http")
    assert any(f["properties"]["title"] == HOSTILE for f in data["features"])
    only = json.loads(client.get("/donnees/lieu.geojson?bbox=-2.1,47.64,-2.07,47.67").data)
    assert [f["properties"]["title"] for f in only["features"]] == [HOSTILE]
    exported = json.loads(client.get("/donnees/prive.geojson").data)
    assert exported["features"][0]["properties"]["title"] == "Chez Camille"
    assert (
        "courriel" not in exported["features"][0]["properties"]
        and "camille@example.org" not in client.get("/donnees/prive.geojson").text
    )


def test_geojson_download_answers_304_carries_cors_and_honours_since(client, places, db, moderator):  # noqa: F811
    first = client.get("/donnees/lieu.geojson")
    assert first.headers["Access-Control-Allow-Origin"] == "*" and first.headers["ETag"].startswith('W/"')
    assert first.headers["Cache-Control"] == "public, max-age=60" and first.headers["Last-Modified"]
    assert first.headers["Content-Disposition"] == 'attachment; filename="lieu.geojson"'
    again = client.get("/donnees/lieu.geojson", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert (
        client.get("/donnees/lieu.geojson", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code
        == 304
    )
    filtered = client.get(
        "/donnees/lieu.geojson?bbox=-2.1,47.64,-2.07,47.67", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert filtered.status_code == 200  # one validator per filter
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert json.loads(client.get("/donnees/lieu.geojson", query_string={"since": later}).data)["features"] == []
    before = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    values = access.public_values(places[1], moderator) | {"title": "Aire de covoiturage du port"}
    services.update_record(db, places[1], values, actor=moderator, policy="account", base_revision=None)
    db.commit()
    changed = client.get("/donnees/lieu.geojson", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    recent = json.loads(client.get("/donnees/lieu.geojson", query_string={"since": before}).data)
    assert [f["properties"]["title"] for f in recent["features"]] == ["Aire de covoiturage du port"]
    assert client.get("/donnees/lieu.geojson?since=hier").status_code == 400


def test_geojson_downloads_wait_for_a_free_export_slot(make_app, db, places):  # noqa: F811
    app = make_app(EXPORT_CONCURRENCY=1, EXPORT_WAIT_SECONDS=0.2)
    client = app.test_client()
    first = client.get("/donnees/lieu.geojson?bbox=-3,47,-1,48", buffered=False)  # filtered: streamed live
    assert first.status_code == 200
    for url in ("/donnees/lieu.geojson?bbox=-3,47,-1,48", "/donnees/lieu.geojson"):  # its file waits for the slot
        busy = client.get(url)
        assert busy.status_code == 503 and busy.headers["Retry-After"] == "30", url
    first.close()
    assert app.extensions["lieudit.export_files"].idle()
    assert client.get("/donnees/lieu.geojson").status_code == 200
