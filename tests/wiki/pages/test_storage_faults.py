"""A full disk during a page save or a file upload: a clear answer, the text given back, nothing half-written (G6).

The database is really full (SQLite's own SQLITE_FULL, ``tests.support.storage.database_full``, or a
filled tmpfs under it); file writes fail with ENOSPC or EIO injected at the write or the ``fsync`` of
``wiki.storage_faults``.
"""

from __future__ import annotations

import errno
import io
import os
import pwd
import re
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import text

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from tests.support.storage import checkpoint
from tests.support.storage import database_full
from tests.support.storage import failing_files
from tests.support.storage import fill
from tests.support.storage import small_disk
from tests.wiki.api.test_writes import bearer
from wiki.db import Database
from wiki.pages.models import Attachment
from wiki.pages.models import PageRevision as Revision

pytestmark = pytest.mark.sqlite_only  # the full database is SQLite's max_page_count

#: A text that needs new database pages (the database may not grow by one).
LONG_TEXT = "Un texte <b>précieux</b>, écrit longtemps.\n" * 2000


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (5, 4), (10, 60, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def page(app):
    db = Database.new_session(app)
    make_user(db, "Camille")
    created = make_page(db, "Accueil", body="Le texte d'avant.\n")
    db.commit()
    db.close()
    return created


@pytest.fixture
def client(app, page):
    client = app.test_client()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
    return client


def _counts(app) -> tuple[int, int]:
    db = Database.new_session(app)
    try:
        return db.scalar(select(func.count()).select_from(Revision)), db.scalar(
            select(func.count()).select_from(Attachment)
        )
    finally:
        db.close()


def _files(app) -> list[str]:
    root = Path(app.instance_path) / "uploads"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_page_saved_on_a_full_disk_gets_507_with_its_text_back_and_the_page_as_before(app, client, page, caplog):
    typed = {"body": LONG_TEXT, "comment": "ajout", "base_revision_id": str(page.current_revision_id)}
    before = _counts(app)
    with database_full(app), caplog.at_level("ERROR", logger="lieudit.storage"):
        refused = client.post("/pages/accueil/edit", data=typed)
        shown = client.get("/pages/accueil")  # reads go on while the disk is full

    assert refused.status_code == 507
    html = refused.text
    assert "Le disque du wiki est plein : votre modification n’a pas été enregistrée." in html
    assert "la version précédente est intacte" in html
    assert "Un texte &lt;b&gt;précieux&lt;/b&gt;, écrit longtemps.\n" in html  # the text, given back (escaped)
    assert '<form method="post" action="/pages/accueil/edit">' in html
    assert f'name="base_revision_id" value="{page.current_revision_id}"' in html
    assert shown.status_code == 200 and "Le texte d&#39;avant." in shown.text or "Le texte d'avant." in shown.text
    assert _counts(app) == before  # no revision half-written
    faults = [r.getMessage() for r in caplog.records if r.name == "lieudit.storage"]
    assert len(faults) == 1 and "SQLITE_FULL" in faults[0] and "précieux" not in faults[0]
    # Room again: the same fields, sent again, save the page.
    assert client.post("/pages/accueil/edit", data=typed).status_code == 302
    assert client.get("/api/v1/pages/accueil").json["content_markdown"].startswith("Un texte <b>précieux</b>")


def test_an_api_save_on_a_full_disk_gets_a_json_507_and_changes_nothing(app, page):
    db = Database.new_session(app)
    auth = bearer(db, "Dominique")
    db.commit()
    db.close()
    client = app.test_client()
    etag = client.get("/api/v1/pages/accueil").headers["ETag"]
    with database_full(app):
        refused = client.put("/api/v1/pages/accueil", json={"text": LONG_TEXT}, headers=auth | {"If-Match": etag})
        still = client.get("/api/v1/pages/accueil")
    assert refused.status_code == 507 and refused.mimetype == "application/json"
    assert refused.json["error"] == "insufficient_storage" and "plein" in refused.json["message"]
    assert still.status_code == 200 and still.json["content_markdown"] == "Le texte d'avant.\n"
    assert still.headers["ETag"] == etag


@pytest.mark.parametrize(("code", "at", "status"), [(errno.ENOSPC, "write", 507), (errno.EIO, "fsync", 503)])
def test_an_upload_that_cannot_be_written_leaves_neither_file_nor_row(app, client, monkeypatch, code, at, status):
    before = _counts(app)
    with failing_files(monkeypatch, code=code, at=at):
        refused = client.post(
            "/pages/accueil/files",
            data={"file": (io.BytesIO(b"Compte rendu du conseil\n" * 100), "cr.txt")},
            content_type="multipart/form-data",
        )
    assert refused.status_code == status
    assert "votre modification n’a pas été enregistrée" in refused.text
    assert _files(app) == [] and _counts(app) == before
    assert client.get("/pages/accueil/files").status_code == 200


def test_the_editor_image_upload_answers_json_on_a_disk_error(app, client, monkeypatch):
    with failing_files(monkeypatch, code=errno.EIO, at="write"):
        refused = client.post(
            "/pages/accueil/images.json",
            data={"file": (io.BytesIO(_png()), "plan.png"), "alt": "Le plan"},
            content_type="multipart/form-data",
        )
    assert refused.status_code == 503 and refused.json["error"] == "storage_error"
    assert "erreur" in refused.json["message"]
    assert _files(app) == []


# --- a real full filesystem (tmpfs) ---------------------------------------------------------------------------


@pytest.fixture
def full_disk_app(make_app, tmp_path):
    """An app whose database lies on a small filesystem, its uploads folder elsewhere; yields (app, disk)."""
    disk = tmp_path / "disk"
    with small_disk(disk):
        shutil.copyfile(tmp_path / "lieudit.db", disk / "lieudit.db")
        app = make_app(DATABASE_URL=f"sqlite:///{disk / 'lieudit.db'}", UPLOADS_DIR=str(tmp_path / "uploads"))
        db = Database.new_session(app)
        make_user(db, "Camille")
        make_page(db, "Accueil", body="Le texte d'avant.\n")
        db.commit()
        db.close()
        yield app, disk


def test_on_a_really_full_disk_a_save_and_an_upload_fail_cleanly_and_reads_go_on(full_disk_app):
    app, disk = full_disk_app
    client = app.test_client()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
    base = re.search(r'name="base_revision_id" value="(\d+)"', client.get("/pages/accueil/edit").text).group(1)
    before = _counts(app)
    checkpoint(app)
    filler = fill(disk)

    saved = client.post("/pages/accueil/edit", data={"body": "Un ajout.\n", "base_revision_id": base})
    image = client.post(
        "/pages/accueil/images.json",
        data={"file": (io.BytesIO(_png()), "plan.png")},
        content_type="multipart/form-data",
    )
    attached = client.post(
        "/pages/accueil/files", data={"file": (io.BytesIO(_png()), "façade.png")}, content_type="multipart/form-data"
    )
    shown = client.get("/pages/accueil")

    assert saved.status_code == 507 and "Un ajout." in saved.text
    assert image.status_code == 507 and image.json["error"] == "insufficient_storage"
    assert attached.status_code == 507
    assert _files(app) == []  # each file was written before its row, and removed with it
    assert shown.status_code == 200 and "avant." in shown.text
    filler.unlink()  # room again
    assert _counts(app) == before
    assert client.post("/pages/accueil/edit", data={"body": "Un ajout.\n", "base_revision_id": base}).status_code == 302
    assert len(_files(app)) == 0 and client.get("/pages/accueil").status_code == 200


def test_a_database_that_cannot_even_open_on_a_full_disk_answers_in_plain_words_not_500(full_disk_app):
    app, disk = full_disk_app
    client = app.test_client()
    assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
    Database.engine(app).dispose()  # a restarted server: no connection open, SQLite's shared-memory file gone
    filler = fill(disk)
    anonymous = app.test_client().get("/pages/accueil")
    signed_in = client.get("/pages/accueil")  # even the error page cannot load the account: plain words
    assert anonymous.status_code == signed_in.status_code == 503
    assert "Le disque du wiki est plein ou en erreur" in anonymous.text
    assert signed_in.mimetype == "text/plain" and "Le disque du wiki est plein ou en erreur" in signed_in.text
    filler.unlink()
    assert client.get("/pages/accueil").status_code == 200


# --- PostgreSQL on a full disk: the page revisions in a tablespace on a filled tmpfs ---------------------------


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_a_full_disk_under_the_revisions_answers_507_and_keeps_the_page(make_app):
    app = make_app()
    db = Database.new_session(app)
    make_user(db, "Camille")
    page = make_page(db, "Accueil", body="Le texte d'avant.\n")
    db.commit()
    base = page.current_revision_id
    if os.environ.get("LIEUDIT_TEST_POSTGRES_URL"):
        pytest.skip("an outside PostgreSQL server cannot reach a folder mounted here")
    # Out of pytest's 0700 folders, which the ``postgres`` user could not reach (as tests/support/postgres.py).
    disk = Path(tempfile.mkdtemp(prefix="lieudit-tablespace-"))
    try:
        space = f"lieudit_full_{secrets.token_hex(4)}"
        with small_disk(disk, size="4m"):
            postgres = pwd.getpwnam("postgres")
            os.chown(disk, postgres.pw_uid, postgres.pw_gid)
            engine = Database.engine(app).execution_options(isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f"CREATE TABLESPACE {space} LOCATION '{disk}'"))
                conn.execute(text(f"ALTER TABLE page_revisions SET TABLESPACE {space}"))
            try:
                filler = fill(disk)
                client = app.test_client()
                assert client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD}).status_code == 302
                # Random text: PostgreSQL compresses what repeats, and this must need new blocks.
                body = " ".join(secrets.token_hex(8) for _ in range(20_000))
                refused = client.post("/pages/accueil/edit", data={"body": body, "base_revision_id": str(base)})
                shown = client.get("/pages/accueil")
                assert refused.status_code == 507 and body[:100] in refused.text
                assert shown.status_code == 200 and "avant." in shown.text
                filler.unlink()
            finally:
                db.close()
                Database.engine(app).dispose()
                with engine.connect() as conn:
                    conn.execute(text("ALTER TABLE page_revisions SET TABLESPACE pg_default"))
                    conn.execute(text(f"DROP TABLESPACE {space}"))
    finally:
        disk.rmdir()
