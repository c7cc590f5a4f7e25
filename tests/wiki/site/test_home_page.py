"""The home page shows the territory at a glance, cheaply (issue 18)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from wiki.db import Database
from wiki.demo import load_demo

pytestmark = pytest.mark.sqlite_only  # rendering and the response cache over plain reads


def test_home_page_shows_the_territory_at_a_glance(client, db):
    load_demo(db)
    db.commit()
    html = client.get("/").text
    assert "Contribuer" in html and 'href="/pages/comment-contribuer"' in html
    assert 'href="/annuaire/initiative/nouvelle"' in html and 'href="/annuaire/evenement/nouvelle"' in html
    for heading in ("Prochains événements", "Initiatives récentes", "Sur la carte", "Dernières modifications"):
        assert f">{heading}</h2>" in html
    assert "Voir la carte en grand et la liste des fiches" in html  # the map without JavaScript
    assert "macro-modifications" in html and 'href="/-/modifications"' in html
    assert "à venir." not in html.replace("Aucun événement à venir", "")


def test_an_anonymous_home_page_is_kept_and_served_again_with_one_read(app, client, db):
    load_demo(db)
    db.commit()
    first = client.get("/")
    assert "private" not in first.headers["Cache-Control"] and "no-cache" in first.headers["Cache-Control"]
    sent: list[str] = []
    event.listen(Database.engine(app), "before_cursor_execute", lambda *args: sent.append(args[2]))
    assert client.get("/").text == first.text
    assert sent == []  # the content version is read on the driver connection itself: nothing through SQLAlchemy


def test_the_modifications_macro_checks_its_number(client, db):
    from tests.factories import make_page

    make_page(db, "Premier jet", "Un texte.\n")
    make_page(db, "Deuxième jet", "Un autre.\n")
    make_page(db, "Essai", '{{modifications nombre="50"}}\n\n{{modifications nombre="2" titre="Du neuf"}}\n')
    db.commit()
    html = client.get("/pages/essai").text
    assert "nombre doit être un entier entre 1 et 20." in html
    assert "Du neuf</h2>" in html and html.count('<li class="change">') == 2
    assert "Essai</bdi>" in html and "Deuxième jet</bdi>" in html and "Premier jet</bdi>" not in html
