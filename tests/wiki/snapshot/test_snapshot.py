"""``lieudit snapshot``: a static copy of the demo territory with no broken link and nothing private."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_user
from wiki.db import Database
from wiki.demo import load_demo
from wiki.records import form_services
from wiki.records import services as records
from wiki.snapshot import links

pytestmark = pytest.mark.sqlite_only  # renders pages through the test client: the reads are the site's own

SECRET_TITLE = "Fiche en attente de relecture"
SECRET_EMAIL = "jeanne.secrete@exemple.fr"


@pytest.fixture
def demo(app):
    with app.app_context():
        db = Database.new_session()
        load_demo(db)
        author = make_user(db, "Jeanne")
        initiatives = form_services.get_form(db, "initiative")
        base = {"resume": "Réparer ensemble.", "porteur": "Association Vélo", "description": "…",
                "themes": ["mobilite"], "contact_email": SECRET_EMAIL}  # fmt: skip
        records.create_record(db, initiatives, base | {"title": SECRET_TITLE}, actor=author, policy="account",
                              status="pending")  # fmt: skip
        records.create_record(db, initiatives, base | {"title": "Atelier vélo public"}, actor=author, policy="account")
        db.commit()
        db.close()
    return app


def test_the_snapshot_of_the_demo_has_no_broken_link_and_nothing_private(demo, runner, tmp_path):
    target = tmp_path / "copie"
    result = runner.invoke(args=["snapshot", str(target)])
    assert result.exit_code == 0, result.output
    assert "0 lien(s) cassé(s)" in result.output
    print(result.output)  # the size of the demo's copy, for the record
    assert links.check_links(target, frozenset({"wiki.test", "localhost"})) == []
    for name in ("index.html", "pages.html", "pages/redon.html", "annuaire.html", "agenda.html", "carte.html",
                 "donnees.html", "donnees/lieu.csv", "donnees/initiative.geojson", "-/static/css/lieudit.css"):  # fmt: skip
        assert (target / name).is_file(), name
    pages = list(target.rglob("*.html"))
    assert len(list((target / "fiches").glob("*.html"))) >= 60
    public_seen = False
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""(href|src)=["'](/|https?://(wiki\.test|localhost))""", text), page
        assert "<form" not in text and "<script" not in text, page
        assert "/edit" not in text, page
        assert "Modifier</a>" not in text and "Historique</a>" not in text, page  # no editor
        assert SECRET_TITLE not in text and SECRET_EMAIL not in text, page
        public_seen = public_seen or "Atelier vélo public" in text
    assert public_seen
    for data in target.glob("donnees/*.*"):
        assert SECRET_EMAIL.encode() not in data.read_bytes() and SECRET_TITLE.encode() not in data.read_bytes()
    home = (target / "index.html").read_text(encoding="utf-8")
    assert '<p class="search"><a href="pages.html">' in home  # the search is the page index


def test_a_second_snapshot_replaces_the_first(demo, runner, tmp_path):
    target = tmp_path / "copie"
    target.mkdir()
    (target / "ancienne.html").write_text('<a href="absente.html">x</a>')
    assert runner.invoke(args=["snapshot", str(target)]).exit_code == 0
    assert not (target / "ancienne.html").exists()
