"""Attachments: content sniffing, safe names and paths, images, serving."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.errors import NotFound
from wiki.pages import attachments

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: sniffing, file names and serving files


def _png(size=(4, 3)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (8, 8), (10, 120, 10))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (47.0, 39.0, 0.0)}  # GPSInfo
    exif[0x010E] = "<script>alert(1)</script>"  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _logged_client(app, db):
    make_user(db, "Camille")
    page = make_page(db, "Médiathèque")
    db.commit()
    client = app.test_client()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    return client, page


def _file_href(html: str) -> str:
    return re.search(r'href="(/-/fichiers/\d+/[^"]+)"', html).group(1).replace("&amp;", "&")


def _upload(client, page, data: bytes, name: str):
    return client.post(
        f"/pages/{page.slug}/files", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def test_sniffing():
    assert attachments.sniff(_png()[:64], "x.txt") == "image/png"
    assert attachments.sniff(b"<svg onload=alert(1)>", "a.png") is None
    assert attachments.sniff(b"<?xml version='1.0'?><svg/>", "a.svg") is None
    assert attachments.sniff(b"<html><script>x</script>", "a.txt") is None
    assert attachments.sniff(b"Nom;Commune\nA;Redon\n", "liste.csv") == "text/csv"
    assert attachments.sniff(b"\xff\xfe\x00\x00binary", "x.bin") is None


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\win.ini", "win.ini"),
        ("/etc/passwd", "passwd"),
        ("a.png\x00.html", "a.png.html"),
        ("\u202egpj.exe", "gpj.exe"),
        ("", "fichier"),
        ("x" * 300 + ".png", "x" * 140 + ".png"),
        ('"; filename=evil.exe', "; filename=evil.exe"),
    ],
)
def test_clean_filename(name, expected):
    assert attachments.clean_filename(name) == expected


def test_storage_path_stays_under_root(tmp_path):
    with pytest.raises(NotFound):
        attachments.storage_path(tmp_path, "../../app.db")
    with pytest.raises(NotFound):
        attachments.storage_path(tmp_path, "0" * 32 + ".png/../../x")
    assert attachments.storage_path(tmp_path, "ab" + "0" * 30 + ".png").is_relative_to(tmp_path)


def test_image_upload_is_inline_and_stripped_of_metadata(app, db):
    client, page = _logged_client(app, db)
    response = _upload(client, page, _jpeg_with_gps(), "photo.jpg")
    assert response.status_code == 302
    listing = client.get(f"/pages/{page.slug}/files").text
    href = _file_href(listing)
    with client.get(href) as served:
        served.direct_passthrough = False
        data = served.data
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    stored = Image.open(io.BytesIO(data))
    assert 0x8825 not in stored.getexif() and b"<script>" not in data
    assert "fichier joint" in client.get("/-/modifications").text


def test_svg_and_html_are_refused_even_with_an_image_name(app, db):
    client, page = _logged_client(app, db)
    for data, name in [
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.svg"),
        (b"<svg onload=alert(1)>", "fake.png"),
        (b"<html><script>alert(1)</script></html>", "page.html"),
    ]:
        response = _upload(client, page, data, name)
        assert response.status_code == 400, name
        assert "n'est pas accepté" in response.text or "n&#39;est pas accepté" in response.text


def test_polyglot_png_gets_its_real_type(app, db):
    client, page = _logged_client(app, db)
    data = _png() + b"<script>alert(1)</script>"
    assert _upload(client, page, data, "x.html").status_code == 302
    listing = client.get(f"/pages/{page.slug}/files").text
    assert "x.png" in listing  # extension chosen by the server from the content


def test_pixel_flood_is_refused_before_decoding(make_app, db):
    app = make_app(MAX_IMAGE_PIXELS=10_000)
    client, page = _logged_client(app, db)
    response = _upload(client, page, _png((200, 200)), "big.png")
    assert response.status_code == 400 and "trop grande" in response.text


def test_size_limit(make_app, db):
    app = make_app(MAX_UPLOAD_BYTES=100)
    client, page = _logged_client(app, db)
    assert _upload(client, page, b"a" * 500, "notes.txt").status_code == 400


def test_text_files_download_as_attachments_with_rfc6266_names(app, db):
    client, page = _logged_client(app, db)
    _upload(client, page, "Réunion du lundi\n".encode(), "compte rendu été.txt")
    listing = client.get(f"/pages/{page.slug}/files").text
    href = _file_href(listing)
    with client.get(href) as served:
        pass
    disposition = served.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''compte%20rendu%20%C3%A9t%C3%A9.txt" in disposition


def test_anonymous_cannot_upload_even_on_an_open_wiki(make_app, db):
    app = make_app(EDIT_POLICY="open")
    page = make_page(db, "Ouverte", policy="open")
    db.commit()
    response = app.test_client().post(
        f"/pages/{page.slug}/files", data={"file": (io.BytesIO(_png()), "a.png")}, content_type="multipart/form-data"
    )
    assert response.status_code == 403


def test_files_of_deleted_pages_are_hidden(app, db):
    from wiki.pages import moderation

    client, page = _logged_client(app, db)
    _upload(client, page, _png(), "a.png")
    href = _file_href(client.get(f"/pages/{page.slug}/files").text)
    moderation.delete_page(db, db.merge(page), actor=make_user(db, "Modo", role="moderator"))
    db.commit()
    assert client.get(href).status_code == 404


def test_no_partial_files_are_left(app, db, tmp_path):
    client, page = _logged_client(app, db)
    _upload(client, page, _png(), "a.png")
    uploads = Path(app.instance_path) / "uploads"
    assert not [p for p in uploads.rglob(".*.tmp")]


def test_under_pre_moderation_only_those_who_publish_directly_attach_files(make_app, db):
    app = make_app(EDIT_POLICY="premoderated")
    newcomer = app.test_client()
    make_user(db, "Camille")
    make_user(db, "Modo", role="moderator")
    page = make_page(db, "Relue")
    db.commit()
    newcomer.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    refused = _upload(newcomer, page, _png(), "affiche.png")
    assert refused.status_code == 403 and "relue avant publication" in refused.text
    moderator = app.test_client()
    moderator.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    assert _upload(moderator, page, _png(), "affiche.png").status_code in (200, 302, 303)
