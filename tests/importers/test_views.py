"""The moderators' import screens: map layers (``/carte/importer``) and calendars (``/agenda/importer``)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.importers.test_features import XXE
from tests.importers.test_ics import SINGLE
from tests.importers.test_ics import WEEKLY
from tests.importers.test_ics import _count
from tests.importers.test_ics import ics
from wiki.records import services
from wiki.uploads import uploads_root


def test_moderators_import_a_layer_with_a_preview_then_confirm(client, db, moderator):
    from tests.shared import DATA

    assert client.get("/carte/importer").status_code == 401
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    assert "Formulaire de destination" in client.get("/carte/importer").text
    data = (DATA / "geodata/umap/umap_test_upload_missing_name.json").read_bytes()
    import io

    shown = client.post(
        "/carte/importer",
        data={"form": "lieu", "file": (io.BytesIO(data), "calque.geojson")},
        content_type="multipart/form-data",
    )
    assert shown.status_code == 200 and "Aperçu des premiers objets" in shown.text
    token = re.search(r'name="token" value="([0-9a-f]{32})"', shown.text).group(1)
    assert services.count_published(db) == {}
    db.rollback()  # end the test's read transaction before the request writes
    done = client.post(
        "/carte/importer",
        data={
            "form": "lieu",
            "format": "geojson",
            "token": token,
            "mapped": "1",
            "map-description": "name",
            "action": "confirm",
        },
    )
    assert done.status_code == 200 and "4 fiche(s) créée(s)" in done.text
    assert sum(services.count_published(db).values()) == 4
    db.rollback()
    again = client.post(
        "/carte/importer", data={"form": "lieu", "format": "geojson", "token": token, "action": "confirm"}
    )
    assert again.status_code == 400 and "expiré" in again.text
    hostile = client.post(
        "/carte/importer",
        data={"form": "lieu", "format": "kml", "file": (io.BytesIO(XXE), "x.kml")},
        content_type="multipart/form-data",
    )
    assert hostile.status_code == 400 and "DOCTYPE" in hostile.text
    assert client.post("/carte/importer", data={"token": "../../etc/passwd", "form": "lieu"}).status_code == 400
    # Neither the imported file nor the refused one stays on the server.
    assert list((uploads_root(client.application) / ".imports").iterdir()) == []


def test_a_layer_previewed_on_one_node_is_imported_by_another(app, make_app, client, db, moderator, tmp_path):
    """App nodes share the uploads folder, not their instance folders: the confirmation may reach any node."""
    from tests.shared import DATA

    other = make_app(INSTANCE_PATH=str(tmp_path / "node-b"), UPLOADS_DIR=str(uploads_root(app)))
    other_client = other.test_client()
    for each in (client, other_client):
        each.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    data = (DATA / "geodata/umap/umap_test_upload_missing_name.json").read_bytes()
    shown = client.post(
        "/carte/importer",
        data={"form": "lieu", "file": (io.BytesIO(data), "calque.geojson")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token" value="([0-9a-f]{32})"', shown.text).group(1)
    db.rollback()
    done = other_client.post(
        "/carte/importer",
        data={"form": "lieu", "format": "geojson", "token": token, "mapped": "1", "map-description": "name",
              "action": "confirm"},
    )  # fmt: skip
    assert done.status_code == 200 and "4 fiche(s) créée(s)" in done.text
    assert not (Path(app.instance_path) / "imports").exists()


def test_contributors_cannot_import_layers(client, db, moderator):
    make_user(db, "Camille")
    db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert client.get("/carte/importer").status_code == 403


def test_import_page_previews_then_imports(client, db, author):
    make_user(db, "Modo", role="moderator")
    db.commit()
    assert client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD}).status_code == 302
    preview = client.post("/agenda/importer", data={"formulaire": "evenement", "action": "apercu",
                                                    "fichier": (io.BytesIO(ics(WEEKLY, SINGLE)), "agenda.ics")},
                          content_type="multipart/form-data")  # fmt: skip
    assert preview.status_code == 200 and "seraient" in preview.text and "Confirmer l’import" in preview.text
    assert _count(db) == 0
    db.rollback()
    token = preview.text.split('name="jeton" value="')[1].split('"')[0]
    done = client.post("/agenda/importer", data={"formulaire": "evenement", "action": "importer", "jeton": token})
    assert done.status_code == 200 and "2 créé(s)" in done.text
    db.rollback()
    assert _count(db) == 2


def test_import_page_refuses_private_addresses(client, db, author):
    make_user(db, "Modo", role="moderator")
    db.commit()
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    response = client.post(
        "/agenda/importer", data={"formulaire": "evenement", "adresse": "http://127.0.0.1:5000/agenda.ics"}
    )
    assert response.status_code == 400 and "Confirmer" not in response.text
    assert "127.0.0.1" in response.text or "privée" in response.text or "refusée" in response.text
