"""The page editor's helpers: toolbar markup, syntax help, image upload from the editor, page-name suggestions."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user
from wiki.pages import attachments
from wiki.pages import editor_views
from wiki.pages import services

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code but a LIKE on titles


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (6, 4), (20, 90, 60)).save(out, "PNG")
    return out.getvalue()


def _login(app, db, name="Camille", role="contributor"):
    make_user(db, name, role=role)
    db.commit()
    client = app.test_client()
    assert client.post("/-/connexion", data={"name": name, "password": PASSWORD}).status_code == 302
    return client


def _send(client, slug, data: bytes, name: str, **extra):
    return client.post(
        f"/pages/{slug}/images.json",
        data={"file": (io.BytesIO(data), name), **extra},
        content_type="multipart/form-data",
    )


def _save(client, slug, body):
    """Save the page as the editor's form does (its hidden inputs, then the text)."""
    html = client.get(f"/pages/{slug}/edit").text
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    return client.post(f"/pages/{slug}/edit", data=hidden | {"body": body, "action": "save", "comment": ""})


def _files(db, slug):
    """The page's live attachments, read without keeping a transaction open (SQLite writers would wait on it)."""
    db.rollback()
    try:
        return [a.filename for a in attachments.list_attachments(db, services.find_page(db, slug))]
    finally:
        db.rollback()


def test_the_editor_without_javascript_is_the_text_box_the_preview_and_the_files_tab(app, db):
    make_page(db, "Médiathèque", "Texte de départ.\n")
    client = _login(app, db)
    html = client.get("/pages/mediatheque/edit").text
    # The toolbar is there for the script, hidden until it runs; every button is a real button.
    assert re.search(r'<div class="editor-tools" data-editor="body" hidden', html)
    toolbar = re.search(r'role="toolbar".*?</div>', html, re.S).group(0)
    names = re.findall(r'<button type="button" data-action="(\w+)"', toolbar)
    assert names == ["bold", "italic", "title", "link", "wiki", "list", "table", "image"]
    assert 'aria-keyshortcuts="Control+B"' in toolbar and 'aria-label="Mise en forme du texte"' in html
    assert '<details class="syntax-help">' in html and "[[Nom d’une page]]" in html
    assert "/static/js/editor.js" in html and "<script>" not in html and "style=" not in html
    # The plain path is unchanged: preview and save post the form; files keep their own tab.
    preview = client.post(
        "/pages/mediatheque/edit", data={"body": "**Gras** et [[Médiathèque]]", "action": "preview", "comment": ""}
    )
    assert preview.status_code == 200 and "<strong>Gras</strong>" in preview.text
    assert 'name="body"' in preview.text and "**Gras** et [[Médiathèque]]" in preview.text
    assert _save(client, "mediatheque", "Nouveau *texte*.").status_code == 302
    assert "Nouveau <em>texte</em>." in client.get("/pages/mediatheque").text
    assert client.get("/pages/mediatheque/files").status_code == 200


def test_a_new_page_says_images_come_after_the_first_save(app, db):
    client = _login(app, db)
    html = client.get("/pages/marche-du-samedi/edit?title=Marché du samedi").text
    assert "Enregistrez d’abord la page" in html and "data-upload-url" not in html
    refused = _send(client, "marche-du-samedi", _png(), "a.png")
    assert refused.status_code == 404 and "Enregistrez d’abord la page" in refused.json["message"]


def test_upload_from_the_editor_attaches_the_image_and_answers_its_markdown(app, db):
    make_page(db, "Médiathèque")
    client = _login(app, db)
    html = client.get("/pages/mediatheque/edit").text
    assert 'data-upload-url="/pages/mediatheque/images.json"' in html
    response = _send(client, "mediatheque", _png(), "façade (nord).png", alt="Façade [nord]\nde la médiathèque")
    assert response.status_code == 201
    answer = response.json
    assert answer["image"] is True and answer["filename"] == "façade (nord).png"
    assert re.fullmatch(
        r"!\[Façade nord de la médiathèque\]\(/-/fichiers/\d+/fa%C3%A7ade%20%28nord%29\.png\)", answer["markdown"]
    )
    assert _files(db, "mediatheque") == ["façade (nord).png"]
    with client.get(answer["url"]) as served:
        assert served.status_code == 200 and served.mimetype == "image/png"
    # The Markdown it answers renders as that image once saved.
    assert _save(client, "mediatheque", answer["markdown"]).status_code == 302
    assert 'alt="Façade nord de la médiathèque"' in client.get("/pages/mediatheque").text
    # A document is attached too, and inserted as a link.
    document = _send(client, "mediatheque", b"Compte rendu\n", "compte rendu.txt").json
    assert document["image"] is False and document["markdown"].startswith("[compte rendu.txt](/-/fichiers/")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "logo.svg", "n'est pas accepté"),
        (b"<html><script>alert(1)</script></html>", "photo.png", "n'est pas accepté"),
        (b"", "vide.png", "vide"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cassee.png", "illisible"),
    ],
)
def test_upload_from_the_editor_refuses_bad_files(app, db, data, name, message):
    make_page(db, "Médiathèque")
    client = _login(app, db)
    response = _send(client, "mediatheque", data, name)
    assert response.status_code == 400 and message in response.json["message"]
    assert _files(db, "mediatheque") == []


def test_upload_from_the_editor_needs_an_account_allowed_to_edit(make_app, db):
    app = make_app(EDIT_POLICY="open")
    make_page(db, "Ouverte", policy="open")
    protected = make_page(db, "Protégée")
    protected.protected = True
    db.commit()
    anonymous = app.test_client()
    assert _send(anonymous, "ouverte", _png(), "a.png").status_code == 403
    client = _login(app, db)
    assert _send(client, "protegee", _png(), "a.png").status_code == 403
    assert _files(db, "ouverte") == [] and _files(db, "protegee") == []


def test_upload_from_the_editor_needs_the_csrf_token(make_app, db):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_page(db, "Médiathèque")
    make_user(db, "Camille")
    db.commit()
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/-/connexion").text).group(1)
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD, "csrf_token": token})
    refused = _send(client, "mediatheque", _png(), "a.png")
    assert refused.status_code == 400 and refused.json["error"] == "csrf"
    assert _files(db, "mediatheque") == []
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/pages/mediatheque/edit").text).group(1)
    assert _send(client, "mediatheque", _png(), "a.png", csrf_token=token).status_code == 201


def test_page_titles_are_suggested_for_wiki_links(app, db):
    for title in ("Pays de Redon", "Redon", "Marché de Redon", "Tiers-lieux", "100% bio"):
        make_page(db, title)
    db.commit()
    client = app.test_client()
    response = client.get("/-/pages/titres.json?q=redon")
    assert response.status_code == 200 and response.json == {"titles": ["Redon", "Marché de Redon", "Pays de Redon"]}
    assert "max-age=60" in response.headers["Cache-Control"]
    assert client.get("/-/pages/titres.json?q=%25").json == {"titles": ["100% bio"]}  # a typed % is a character
    assert client.get("/-/pages/titres.json?q=_").json == {"titles": []}
    assert client.get("/-/pages/titres.json").json == {"titles": []}


def test_markdown_for_keeps_link_text_and_address_inside_their_brackets():
    class _Item:
        is_image = True
        filename = "x.png"

    assert editor_views.markdown_for(_Item(), "/-/fichiers/1/a(b).png", "une ](javascript:x) [image]") == (
        "![une (javascript:x) image](/-/fichiers/1/a%28b%29.png)"
    )
