"""Pages imported with their history from another wiki: dates, authors, re-import, redirects."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest
from sqlalchemy import event
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


def test_new_pages_are_written_in_a_number_of_statements_that_does_not_grow_with_the_pages(db):
    system = make_user(db, "Système", role="admin")
    db.commit()
    sent: list[str] = []
    event.listen(db.get_bind(), "before_cursor_execute", lambda *args: sent.append(args[2]))
    counts = []
    for size, prefix in ((5, "Petit"), (40, "Grand")):
        db.commit()  # what the last batch left to flush (its activity rows) is not this batch's
        sent.clear()
        made = services.import_new_pages(db, [(f"{prefix} {n}", HISTORY) for n in range(size)], actor=system)
        assert [m.added for m in made if not isinstance(m, ValidationError)] == [3] * size
        counts.append(len(sent))  # an executemany counts once
    assert counts[0] == counts[1]
    page = services.find_page(db, "grand-39")
    assert [r.number for r in _rows(db, page)] == [1, 2, 3] and page.current_revision.number == 3


def test_new_pages_refuse_a_title_in_use_or_repeated_and_write_the_others(db):
    make_page(db, "Redon")
    made = services.import_new_pages(db, [("REDON", HISTORY), ("Peillac", HISTORY), ("peillac", HISTORY),
                                          ("  ", HISTORY), ("Vide", [])], actor=None)  # fmt: skip
    assert [type(m).__name__ for m in made] == ["ValidationError", "ImportedPage"] + ["ValidationError"] * 3
    assert [m.message for m in made if isinstance(m, ValidationError)][:2] == ["Une page porte déjà ce nom."] * 2
    assert services.find_page(db, "vide") is None and len(_rows(db, made[1].page)) == 3
