"""The format registry: every format it names is served the same way, through the one download function."""

from __future__ import annotations

import pytest

from wiki.exports import formats

#: Where each format of the registry is served for the seeded ``fermes`` form (or the pages).
ADDRESSES = {
    "csv": "/donnees/fermes.csv",
    "tableur.csv": "/donnees/fermes.tableur.csv",
    "json": "/donnees/fermes.json",
    "geojson": "/donnees/fermes.geojson",
    "ics": "/donnees/fermes.ics",
    "xlsx": "/donnees/fermes.xlsx",
    "ods": "/donnees/fermes.ods",
    "zip": "/donnees/pages.zip",
    "datapackage.json": "/donnees/fermes/datapackage.json",
    "schema.json": "/donnees/fermes/schema.json",
    "atom": "/donnees/fermes.atom",
}


def test_every_format_has_an_address_and_a_builder():
    assert set(formats.FORMATS) == set(ADDRESSES)
    assert [f.extension for f in formats.DISTRIBUTIONS] == [
        "csv",
        "tableur.csv",
        "json",
        "geojson",
        "ics",
        "xlsx",
        "ods",
    ]
    for fmt in formats.FORMATS.values():
        assert callable(fmt.build) and fmt.disposition in ("attachment", "inline")
        assert fmt.filename is None or fmt.filename.format(key="fermes").endswith(fmt.extension.rsplit(".", 1)[-1])


def test_distributions_follow_the_public_fields():
    from wiki.records.schema import FieldDef

    def field(kind: str) -> FieldDef:
        return FieldDef.from_dict({"id": "f_00000001", "key": "champ", "type": kind, "label": "Champ"})

    names = {
        kind: [d.name for d in formats.distributions_for([field(kind)])] for kind in ("text", "geometry", "schedule")
    }
    assert names["text"] == ["csv", "csv-tableur", "json", "xlsx", "ods"]
    assert "geojson" in names["geometry"] and "ics" not in names["geometry"]
    assert "ics" in names["schedule"] and "geojson" not in names["schedule"]


@pytest.mark.parametrize("extension", sorted(ADDRESSES))
def test_every_format_is_served_alike(client, seeded, extension):
    fmt = formats.FORMATS[extension]
    url = ADDRESSES[extension]
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == fmt.media_type.split(";")[0], url
    assert response.is_streamed and response.data
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == fmt.cache_control
    assert response.headers["ETag"].startswith('W/"') and response.headers["Last-Modified"]
    if fmt.filename:
        expected = f'{fmt.disposition}; filename="{fmt.filename.format(key=url.split("/")[2].split(".")[0])}"'
        assert response.headers["Content-Disposition"] == expected
    else:
        assert "Content-Disposition" not in response.headers
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b"" and again.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(url, headers={"If-Modified-Since": response.headers["Last-Modified"]}).status_code == 304


@pytest.mark.parametrize("extension", sorted(ADDRESSES))
def test_every_format_waits_for_a_free_export_slot(make_app, db, extension):
    from tests.factories import make_user
    from tests.wiki.exports.conftest import FIELDS
    from tests.wiki.exports.conftest import record_values
    from wiki.records import form_services
    from wiki.records import services

    app = make_app(EXPORT_CONCURRENCY=1, EXPORT_WAIT_SECONDS=0.2)
    moderator = make_user(db, "Modo", role="moderator")
    form = form_services.create_form(db, key="fermes", title="Fermes", fields=FIELDS, actor=moderator)
    services.create_record(db, form, record_values(1, themes=[]), actor=moderator, policy="account")
    db.commit()
    client = app.test_client()
    holder = client.get("/donnees/fermes.csv?since=2000-01-01", buffered=False)  # filtered: streamed live
    assert holder.status_code == 200
    busy = client.get(ADDRESSES[extension])  # a live stream, or a file whose generation waits for the slot
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "30"
    holder.close()
    assert app.extensions["lieudit.export_files"].idle()
    assert client.get(ADDRESSES[extension]).status_code == 200
