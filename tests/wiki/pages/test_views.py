"""Page views through HTTP: read, create, edit, conflict page, history, diff."""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.factories import make_page
from tests.factories import make_user

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: HTTP surface of page services tested on both


def _login(client, db, name="Camille", role="contributor"):
    make_user(db, name, role=role)
    db.commit()
    response = client.post("/-/connexion", data={"name": name, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _base_id(html: str) -> str:
    return re.search(r'name="base_revision_id" value="(\d+)"', html).group(1)


def test_missing_page_offers_creation(client, db):
    _login(client, db)
    response = client.get("/pages/bains-sur-oust")
    assert response.status_code == 404
    assert "Créer la page" in response.text


def test_create_edit_and_read_a_page(client, db):
    _login(client, db)
    response = client.post(
        "/pages/marche-du-samedi/edit",
        data={
            "title": "Marché du samedi",
            "body": "## Horaires\n\nDe 8 h à 13 h, voir [[Redon]].\n",
            "comment": "création",
        },
    )
    assert response.status_code == 302 and response.location.endswith("/pages/marche-du-samedi")
    page = client.get("/pages/marche-du-samedi")
    assert page.status_code == 200
    assert "<h1><bdi>Marché du samedi</bdi></h1>" in page.text
    assert 'class="wikilink missing"' in page.text  # Redon does not exist yet
    edit = client.get("/pages/marche-du-samedi/edit")
    response = client.post(
        "/pages/marche-du-samedi/edit",
        data={
            "body": "## Horaires\n\nDe 8 h à 12 h 30.\n",
            "comment": "horaires d'hiver",
            "base_revision_id": _base_id(edit.text),
        },
    )
    assert response.status_code == 302
    history = client.get("/pages/marche-du-samedi/history")
    assert "horaires d&#39;hiver" in history.text and "n° 2" in history.text
    diff = client.get("/pages/marche-du-samedi/diff?from=1&to=2")
    assert "<del>13</del>" in diff.text.replace(" ", "") or "<del>" in diff.text
    assert "<ins>" in diff.text


def test_anonymous_cannot_edit_with_account_policy(client, db):
    make_page(db, "Accueil")
    db.commit()
    response = client.get("/pages/accueil/edit")
    assert response.status_code == 302 and "/-/connexion" in response.location
    response = client.post("/pages/accueil/edit", data={"body": "vandalisme"})
    assert response.status_code == 302 and "/-/connexion" in response.location


def test_anonymous_can_edit_on_an_open_wiki(make_app):
    app = make_app(EDIT_POLICY="open")
    client = app.test_client()
    response = client.post("/pages/ouverte/edit", data={"title": "Ouverte", "body": "Bonjour\n"})
    assert response.status_code == 302
    assert "Anonyme" in client.get("/pages/ouverte/history").text


def test_readonly_policy_refuses_contributors(make_app):
    app = make_app(EDIT_POLICY="readonly")
    client = app.test_client()
    from wiki.db import Database

    with app.app_context():
        db = Database.new_session()
        make_page(db, "Figée", policy="account")
        make_user(db, "Camille")
        db.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    assert client.get("/pages/figee/edit").status_code == 403
    assert client.post("/pages/figee/edit", data={"body": "x"}).status_code == 403


def test_conflict_page_gives_the_text_back(client, db, app):
    page = make_page(db, body="a\nb\nc\n")
    other = make_user(db, "Autre")
    db.commit()
    base = page.current_revision_id
    from wiki.pages import services

    services.save_page(
        db, page, body="a\nB (autre)\nc\n", comment="", actor=other, base_revision_id=base, policy="account"
    )
    db.commit()
    _login(client, db)
    mine = "a\nB <script>alert(1)</script> selon moi\nc\n"
    response = client.post(
        f"/pages/{page.slug}/edit", data={"body": mine, "base_revision_id": base, "comment": "mon résumé"}
    )
    assert response.status_code == 409
    assert "B &lt;script&gt;alert(1)&lt;/script&gt; selon moi" in response.text  # my text, escaped, in the textarea
    assert "<script>alert(1)" not in response.text
    assert "mon résumé" in response.text
    assert f'name="base_revision_id" value="{page.current_revision_id}"' in response.text


def test_refused_save_keeps_the_text(client, db, make_app):
    app = make_app(MAX_PAGE_BYTES=50)
    client = app.test_client()
    from wiki.db import Database

    with app.app_context():
        session = Database.new_session()
        make_user(session, "Camille")
        session.commit()
    client.post("/-/connexion", data={"name": "Camille", "password": PASSWORD})
    long_text = "Un texte trop long pour la limite configurée ici. " * 3
    response = client.post("/pages/longue/edit", data={"title": "Longue", "body": long_text})
    assert response.status_code == 400
    assert long_text.strip() in response.text


def test_preview_uses_the_same_sanitizer(client, db):
    _login(client, db)
    response = client.post(
        "/pages/apercu/edit",
        data={"title": "Aperçu", "body": "<img src=x onerror=alert(1)> **gras**", "action": "preview"},
    )
    assert response.status_code == 200
    assert "<strong>gras</strong>" in response.text
    assert "onerror" not in response.text.split('id="preview-title"')[1].split("</section>")[0]
    assert client.get("/pages/apercu").status_code == 404  # nothing saved


def test_rename_redirects_old_slug(client, db):
    page = make_page(db, "Vieux nom")
    db.commit()
    _login(client, db)
    response = client.post(f"/pages/{page.slug}/rename", data={"title": "Nom neuf"})
    assert response.status_code == 302
    old = client.get("/pages/vieux-nom")
    assert old.status_code == 301 and old.location.endswith("/pages/nom-neuf")
    assert client.get("/pages/vieux-nom/history").location.endswith("/pages/nom-neuf/history")


def test_delete_is_for_moderators_and_restorable(client, db):
    page = make_page(db, "À supprimer")
    db.commit()
    _login(client, db, "Contrib")
    assert client.post(f"/pages/{page.slug}/delete").status_code == 403
    client.post("/-/deconnexion")
    _login(client, db, "Modo", role="moderator")
    assert client.post(f"/pages/{page.slug}/delete", data={"comment": "test"}).status_code == 302
    client.post("/-/deconnexion")
    assert client.get(f"/pages/{page.slug}").status_code == 410
    _login(client, db, "Admin", role="admin")
    assert "Restaurer" in client.get("/pages").text
    client.post(f"/pages/{page.slug}/restore")
    client.post("/-/deconnexion")
    assert client.get(f"/pages/{page.slug}").status_code == 200


def test_revert_through_the_ui(client, db):
    page = make_page(db, body="un\n")
    db.commit()
    _login(client, db)
    edit = client.get(f"/pages/{page.slug}/edit")
    client.post(f"/pages/{page.slug}/edit", data={"body": "deux\n", "base_revision_id": _base_id(edit.text)})
    assert client.post(f"/pages/{page.slug}/revert/1").status_code == 302
    assert "un" in client.get(f"/pages/{page.slug}").text
    assert "n° 3" in client.get(f"/pages/{page.slug}/history").text


def test_anonymous_views_answer_304(client, db):
    make_page(db, "Accueil", "Bienvenue\n")
    db.commit()
    first = client.get("/")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    make_page(db, "Nouvelle", "x\n")  # a page appears: links may change colour
    db.commit()
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_logged_in_views_are_private(client, db):
    make_page(db, "Accueil", "Bienvenue\n")
    db.commit()
    _login(client, db)
    response = client.get("/")
    assert "ETag" not in response.headers
    assert "private" in response.headers["Cache-Control"]


def test_bad_revision_parameters(client, db):
    page = make_page(db)
    db.commit()
    assert client.get(f"/pages/{page.slug}/revisions/99").status_code == 404
    assert client.get(f"/pages/{page.slug}/revisions/-1").status_code == 404
    assert client.get(f"/pages/{page.slug}/diff?from=-1&to=abc").status_code == 200
    assert client.get(f"/pages/{page.slug}/diff?from=7&to=1").status_code == 404


def test_page_view_has_no_n_plus_one(client, db, app):
    from sqlalchemy import event

    from wiki.db import Database

    for i in range(5):
        make_page(db, f"Voisine {i}", "x\n")
    body = "".join(f"[[Voisine {i}]] [[Absente {i}]]\n" for i in range(5))
    make_page(db, "Centre", body)
    for i in range(5):
        make_page(db, f"Lien {i}", "[[Centre]]\n")
    db.commit()
    client.get("/pages/centre")  # warm the render cache
    statements = []
    engine = Database.engine(app)
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/pages/centre").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 6, selects


def test_every_view_of_page_html_marks_missing_links_and_expands_macros(client, db):
    """Current page, old revision and preview go through one chain (issue 12: the old revision forgot links)."""
    text = 'Voir [[Nulle part]].\n\n{{inconnue form="a"}}\n'
    page = make_page(db, "Marché", text)
    db.commit()
    _login(client, db, "Yann")
    edit = client.get(f"/pages/{page.slug}/edit")
    client.post(f"/pages/{page.slug}/edit", data={"body": text + "\nSuite.\n", "base_revision_id": _base_id(edit.text)})
    preview = client.post(f"/pages/{page.slug}/edit", data={"body": text, "action": "preview"})
    for response in (client.get(f"/pages/{page.slug}"), client.get(f"/pages/{page.slug}/revisions/1"), preview):
        assert response.status_code == 200
        assert 'class="wikilink missing" href="/pages/nulle-part/edit"' in response.text
        assert "Macro inconnue" in response.text and "LIEUDITMACRO" not in response.text
