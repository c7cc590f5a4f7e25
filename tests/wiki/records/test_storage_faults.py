"""A record saved on a full disk: 507, every typed value given back, no record and no file left (G6)."""

from __future__ import annotations

import errno
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy import select

from tests.factories import PASSWORD
from tests.factories import make_user
from tests.support.storage import checkpoint
from tests.support.storage import database_full
from tests.support.storage import failing_files
from tests.support.storage import fill
from tests.support.storage import small_disk
from tests.wiki.records.test_views import _png
from tests.wiki.records.test_views import form  # noqa: F401  (a fixture)
from tests.wiki.records.test_views import photo_form  # noqa: F401  (a fixture)
from wiki.db import Database
from wiki.records import form_services
from wiki.records.models import Record

pytestmark = pytest.mark.sqlite_only  # the full database is SQLite's max_page_count

#: A value that needs new database pages.
LONG = "Légumes de saison, œufs et fromages de la ferme.\n" * 800


PHOTO_FIELDS = [
    {"id": "f_000000b1", "key": "title", "type": "text", "label": "Nom", "required": True},
    {"id": "f_000000b2", "key": "photo", "type": "image", "label": "Photo"},
]


def _records(app) -> int:
    db = Database.new_session(app)
    try:
        return db.scalar(select(func.count()).select_from(Record)) or 0
    finally:
        db.close()


def _files(app) -> list[Path]:
    return [p for p in (Path(app.instance_path) / "uploads").rglob("*") if p.is_file()]


def _login(client):
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302


@pytest.mark.usefixtures("form")
def test_a_record_saved_on_a_full_disk_keeps_every_value(app, client, caplog):
    _login(client)
    typed = {"title": "Ferme du Bois", "prix": "12", "categorie": "bio", "presentation": LONG}
    with database_full(app), caplog.at_level("ERROR", logger="lieudit.storage"):
        refused = client.post("/annuaire/producteurs/nouvelle", data=typed)
        listed = client.get("/annuaire/producteurs")
    assert refused.status_code == 507
    html = refused.text
    assert "Le disque du wiki est plein" in html
    assert 'value="Ferme du Bois"' in html and 'value="12"' in html and 'value="bio"' in html
    assert "Légumes de saison, œufs et fromages de la ferme.\n" in html
    assert '<form method="post" action="/annuaire/producteurs/nouvelle">' in html
    assert listed.status_code == 200 and _records(app) == 0
    assert [r.name for r in caplog.records if r.name == "lieudit.storage"] == ["lieudit.storage"]
    assert client.post("/annuaire/producteurs/nouvelle", data=typed).status_code == 302  # room again


def test_on_a_really_full_disk_an_image_stored_before_its_refused_record_is_removed(make_app, tmp_path):
    disk = tmp_path / "disk"
    with small_disk(disk):  # the database on a small filesystem, the uploads folder elsewhere
        shutil.copyfile(tmp_path / "lieudit.db", disk / "lieudit.db")
        app = make_app(DATABASE_URL=f"sqlite:///{disk / 'lieudit.db'}", UPLOADS_DIR=str(tmp_path / "uploads"))
        db = Database.new_session(app)
        moderator = make_user(db, "Modo", role="moderator")
        form_services.create_form(db, key="lieux", title="Lieux", actor=moderator, fields=PHOTO_FIELDS)
        make_user(db, "Camille")
        db.commit()
        db.close()
        client = app.test_client()
        _login(client)
        checkpoint(app)
        filler = fill(disk)
        refused = client.post(
            "/annuaire/lieux/nouvelle",
            data={"title": "Médiathèque", "photo": (io.BytesIO(_png()), "façade.png")},
            content_type="multipart/form-data",
        )
        assert refused.status_code == 507 and 'value="Médiathèque"' in refused.text
        assert client.get("/annuaire/lieux").status_code == 200
        filler.unlink()
        assert _records(app) == 0
        assert not list((tmp_path / "uploads").rglob("*.png"))  # written before the row, gone with it


@pytest.mark.usefixtures("photo_form")
def test_an_image_that_cannot_be_written_refuses_the_record_cleanly(app, client, monkeypatch):
    _login(client)
    with failing_files(monkeypatch, code=errno.ENOSPC, at="fsync"):
        refused = client.post(
            "/annuaire/lieux/nouvelle",
            data={"title": "Médiathèque", "photo": (io.BytesIO(_png()), "façade.png")},
            content_type="multipart/form-data",
        )
    assert refused.status_code == 507 and 'value="Médiathèque"' in refused.text
    assert "Les fichiers joints devront être choisis à nouveau" in refused.text
    assert _records(app) == 0 and _files(app) == []
