"""The import log for moderators (``/-/imports``): every run, who, when, what, and its report as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.importers.test_ics import SINGLE
from tests.importers.test_ics import WEEKLY
from tests.importers.test_ics import ics
from tests.shared import DATA

pytestmark = pytest.mark.sqlite_only  # HTTP screens over the import log; the log itself is tested on both in test_cli


def test_a_layer_imported_on_the_screen_is_logged_with_its_file_and_moderator(client, db, moderator):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    data = (DATA / "geodata/umap/umap_test_upload_missing_name.json").read_bytes()
    shown = client.post("/carte/importer", data={"form": "lieu", "file": (io.BytesIO(data), "calque.geojson")},
                        content_type="multipart/form-data")  # fmt: skip
    token = shown.text.split('name="token" value="')[1].split('"')[0]
    done = client.post("/carte/importer", data={"form": "lieu", "token": token, "format": "geojson",
                                                "filename": "calque.geojson", "action": "confirm"})  # fmt: skip
    assert done.status_code == 200
    log = client.get("/-/imports")
    assert log.status_code == 200 and "calque.geojson" in log.text and "Modo" in log.text
    assert "écran d’import" in log.text
    entry = client.get("/-/imports/1")
    assert entry.status_code == 200 and "geojson" in entry.text and "lieu" in entry.text


def test_a_refused_item_is_in_the_report_downloadable_as_csv(app, client, runner, db, moderator, tmp_path):
    path = tmp_path / "agenda.ics"
    path.write_bytes(ics(WEEKLY, SINGLE, "UID:sans-date@test\r\nSUMMARY:Sans date"))
    assert runner.invoke(args=["import", "ics", str(path)]).exit_code == 0
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    entry = client.get("/-/imports/1")
    assert "1 élément refusé" in entry.text and "ligne de commande" in entry.text
    report = client.get("/-/imports/1/rapport.csv")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(report.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["élément", "statut", "message"] and rows[1][1] == "refusé"


def test_only_moderators_read_the_log(client, db, moderator):
    assert client.get("/-/imports").status_code == 401
    make_user(db, "Contrib")
    db.commit()
    client.post("/-/connexion", data={"name": "Contrib", "password": PASSWORD})
    assert client.get("/-/imports").status_code == 403
    assert client.get("/-/imports/1/rapport.csv").status_code == 403
    client.post("/-/deconnexion")
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    assert "Aucun import" in client.get("/-/imports").text
    assert client.get("/-/imports/999").status_code == 404
