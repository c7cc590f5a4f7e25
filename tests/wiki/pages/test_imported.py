"""Pages imported with their history from another wiki: dates, authors, re-import, redirects."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import select

from tests.factories import make_page
from tests.factories import make_user
from wiki.activity.models import Activity
from wiki.errors import ValidationError
from wiki.pages import services
from wiki.pages.models import PageLink
from wiki.pages.models import PageRevision
from wiki.pages.services import ImportedRevision

HISTORY = [
    ImportedRevision("Première version.\n", datetime(2011, 3, 4, 10, 0), "WikiAdmin", "création"),
    ImportedRevision("Deuxième, avec [[Redon]].\n", datetime(2015, 6, 1, 8, 30, tzinfo=UTC), "Camille"),
    ImportedRevision("Troisième, avec [[Redon]] et [[Bains-sur-Oust]].\n", datetime(2020, 1, 2), ""),
]


def _rows(db, page):
    return list(db.scalars(select(PageRevision).where(PageRevision.page_id == page.id).order_by(PageRevision.number)))


def test_every_revision_keeps_its_date_and_author_and_only_the_newest_is_rendered(db):
    system = make_user(db, "Système", role="admin")
    imported = services.import_history(db, title="La Gacilly", revisions=list(reversed(HISTORY)), actor=system)
    rows = _rows(db, imported.page)
    assert imported.added == 3 and [r.number for r in rows] == [1, 2, 3]
    assert [r.imported_author for r in rows] == ["WikiAdmin", "Camille", None]
    assert [r.created_at.replace(tzinfo=None) for r in rows] == [
        datetime(2011, 3, 4, 10, 0),
        datetime(2015, 6, 1, 8, 30),
        datetime(2020, 1, 2),
    ]
    assert all(r.author_id is None and r.action == "import" for r in rows)
    assert imported.page.current_revision.id == rows[-1].id and rows[1].parent_id == rows[0].id
    assert imported.page.created_at.replace(tzinfo=None) == datetime(2011, 3, 4, 10, 0)
    links = set(db.scalars(select(PageLink.target_slug).where(PageLink.page_id == imported.page.id)))
    assert links == {"redon", "bains-sur-oust"}
    logged = list(db.scalars(select(Activity).where(Activity.kind == "page", Activity.object_id == imported.page.id)))
    assert [(a.action, a.revision_number) for a in logged] == [("import", 3)]  # once per page


def test_reimporting_appends_only_what_is_new(db):
    system = make_user(db, "Système", role="admin")
    first = services.import_history(db, title="La Gacilly", revisions=HISTORY[:2], actor=system)
    again = services.import_history(db, title="La Gacilly", revisions=HISTORY, actor=system, page=first.page)
    assert again.added == 1 and len(_rows(db, first.page)) == 3
    assert services.import_history(db, title="x", revisions=HISTORY, actor=system, page=first.page).added == 0
    assert first.page.current_revision.body == HISTORY[2].body


def test_older_revisions_imported_after_a_local_edit_do_not_replace_the_text(db):
    page = make_page(db, "Redon", "Texte écrit ici, aujourd'hui.\n")
    imported = services.import_history(db, title="Redon", revisions=HISTORY[:1], actor=None, page=page)
    assert imported.added == 1 and page.current_revision.body == "Texte écrit ici, aujourd'hui.\n"


def test_a_title_in_use_or_empty_or_a_text_too_long_is_refused_before_anything_is_written(db):
    make_page(db, "Redon")
    with pytest.raises(ValidationError, match="porte déjà ce nom"):
        services.import_history(db, title="REDON", revisions=HISTORY, actor=None)
    with pytest.raises(ValidationError):
        services.import_history(db, title="  ", revisions=HISTORY, actor=None)
    with pytest.raises(ValidationError):
        services.import_history(db, title="Vide", revisions=[], actor=None)
    huge = ImportedRevision("x" * 2_000, datetime(2020, 1, 1))
    with pytest.raises(ValidationError):
        services.import_history(db, title="Trop long", revisions=[huge], actor=None, max_bytes=1_000)
    assert services.find_page(db, "trop-long") is None


def test_an_imported_redirect_leads_to_its_target_and_gives_way_to_nothing_live(db):
    target = make_page(db, "Pays de Redon")
    services.add_redirect(db, title="Redon (pays)", target=target)
    assert services.resolve(db, "redon-pays") == (None, target)
    other = make_page(db, "Redon agglomération")
    services.add_redirect(db, title="Redon (pays)", target=other)  # a re-import moves it
    assert services.resolve(db, "redon-pays") == (None, other)
    with pytest.raises(ValidationError):
        services.add_redirect(db, title="Redon agglomération", target=target)
    with pytest.raises(ValidationError):
        services.add_redirect(db, title="Pays de Redon", target=target)


def test_history_names_the_imported_author(client, db):
    imported = services.import_history(db, title="La Gacilly", revisions=HISTORY, actor=None)
    db.commit()
    page = client.get(f"/pages/{imported.page.slug}/history").get_data(as_text=True)
    assert "WikiAdmin" in page and "Camille" in page and "importé" in page and "Anonyme" in page
