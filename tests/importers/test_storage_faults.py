"""An import upload on a full disk: a clear answer, and no half-written file waiting to be imported later (G6)."""

from __future__ import annotations

import errno
import io

import pytest

from tests.factories import PASSWORD
from tests.shared import DATA
from tests.support.storage import failing_files
from wiki.uploads import uploads_root

pytestmark = pytest.mark.sqlite_only  # files only: the staging folder of the import screens

LAYER = DATA / "geodata/umap/umap_test_upload_missing_name.json"
TABLE = DATA / "csv-fr/data-fair/Antennes du CD22.csv"


def _staged(app) -> list[str]:
    folder = uploads_root(app) / ".imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.usefixtures("moderator")
def test_a_layer_upload_that_cannot_be_staged_gets_507_and_leaves_no_half_file(app, client, monkeypatch):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    with failing_files(monkeypatch, code=errno.ENOSPC, at="write"):
        refused = client.post(
            "/carte/importer",
            data={"form": "lieu", "file": (io.BytesIO(LAYER.read_bytes()), "calque.geojson")},
            content_type="multipart/form-data",
        )
    assert refused.status_code == 507 and "Le disque du wiki est plein" in refused.text
    assert _staged(app) == []  # neither the half-written file nor its temporary name
    again = client.post(
        "/carte/importer",
        data={"form": "lieu", "file": (io.BytesIO(LAYER.read_bytes()), "calque.geojson")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 200 and len(_staged(app)) == 1


@pytest.mark.usefixtures("moderator")
def test_a_spreadsheet_upload_on_a_failing_disk_gets_503_and_stages_nothing(app, client, monkeypatch):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    with failing_files(monkeypatch, code=errno.EIO, at="fsync"):
        refused = client.post(
            "/tableur/importer",
            data={"formulaire": "lieu", "fichier": (io.BytesIO(TABLE.read_bytes()), TABLE.name), "action": "apercu"},
            content_type="multipart/form-data",
        )
    assert refused.status_code == 503 and "Le disque du wiki a rencontré une erreur" in refused.text
    assert _staged(app) == []
