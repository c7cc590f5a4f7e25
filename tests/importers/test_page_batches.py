"""New pages of a MediaWiki or YesWiki import are written set-wise: the same wiki as one page at a time."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy import text

from importers.base import Item
from importers.base import Link
from importers.mediawiki import MediawikiImporter
from importers.yeswiki import YeswikiImporter
from tests.conftest import TEST_STORAGE
from tests.conftest import base_config
from tests.factories import make_page
from tests.importers.test_mediawiki import export
from tests.importers.test_mediawiki import page
from tests.importers.test_mediawiki import rev
from tests.shared import DATA
from tests.support.speedups import share_template_code
from wiki import create_app
from wiki.db import Database
from wiki.db import read_content_version
from wiki.demo import demo_author
from wiki.demo import seed

_RECENT = timedelta(hours=1)
YESWIKI_2020 = DATA / "yeswiki" / "yeswiki-2020_default-content.sql"
IP = "<ip>192.0.2.7</ip>"
PAGES = (
    page("Accueil", 1,
         rev(11, "2012-01-01T10:00:00Z", "Bienvenue.", comment="création"),
         rev(12, "2014-05-02T08:00:00Z", "Bienvenue à [[Redon]].", who=IP, comment="par 192.0.2.7"),
         rev(13, "2016-07-03T09:00:00Z", "'''Bienvenue''' à [[Redon]] et [[Peillac]].\n[[Catégorie:Lieux]]")) +
    page("Redon", 2, rev(21, "2011-02-02T00:00:00Z", "Une ville."), rev(21, "2011-02-02T00:00:00Z", "Doublon."),
         rev(22, "2013-03-03T00:00:00Z", "Une ville du [[Pays de Redon]].\n{{Infobox|nom=Redon}}")) +
    page("Ancien nom", 3, rev(31, "2010-01-01T00:00:00Z", "#REDIRECT [[Redon]]")) +
    page("Lourde", 11, rev(111, "2012-01-01T00:00:00Z", "Long. " * 9_000),  # too heavy for a batch: alone
         rev(112, "2013-01-01T00:00:00Z", "Plus long. " * 9_000)) +
    page("REDON", 4, rev(41, "2012-02-02T00:00:00Z", "Un autre Redon.")) +
    page("Existante", 5, rev(51, "2012-02-02T00:00:00Z", "Pas importée.")) +
    page("Masquée", 6, '<revision><id>61</id><timestamp>2012-01-01T00:00:00Z</timestamp>'
         '<contributor><username>Anne</username></contributor><text deleted="deleted"/></revision>') +
    page("Modèle:Infobox", 7, rev(71, "2010-05-05T00:00:00Z", "{{{nom}}} — [[Catégorie:Modèles]]"), ns=10) +
    page("Catégorie:Lieux", 8, rev(81, "2010-06-06T00:00:00Z", "Les lieux.", who=IP), ns=14) +
    "".join(page(f"Lieu {n}", 100 + n, rev(1000 + n, f"2015-01-{n + 1:02d}T00:00:00Z", f"Lieu [[Lieu {n + 1}]].",
                                           who=f"<username>Plume {n % 3}</username>")) for n in range(7))
)  # fmt: skip
#: A page with a revision dated in the future: imported at the import's date (a re-run adds it again).
FUTURE = page("Future", 9, rev(91, "2011-01-01T00:00:00Z", "Hier."), rev(92, "2999-01-01T00:00:00Z", "Demain."))
FIRST = export(PAGES + FUTURE)
#: A later dump: one more revision of a page already imported, and a new page.
SECOND = export(
    page("Accueil", 1, rev(13, "2016-07-03T09:00:00Z", "'''Bienvenue''' à [[Redon]] et [[Peillac]].\n"
                           "[[Catégorie:Lieux]]"), rev(14, "2018-08-08T08:00:00Z", "Bienvenue, nouvelle version.")) +
    page("Peillac", 10, rev(101, "2017-01-01T00:00:00Z", "Un bourg près de [[Redon]]."))
)  # fmt: skip


class SmallBatches(MediawikiImporter):
    """The importer with batches of three pages: several batches, one cut between a page and its duplicate title."""

    batch_size = 3


class YeswikiSmallBatches(YeswikiImporter):
    """The YesWiki importer with batches of three pages."""

    batch_size = 3


class YeswikiOneByOne(YeswikiImporter):
    """The YesWiki import as it was before batches."""

    def batchable(self, item: Item, link: Link | None) -> bool:
        """Never."""
        return False


class OneByOne(MediawikiImporter):
    """The import as it was before batches: every page in its own savepoint through ``import_history``."""

    def batchable(self, item: Item, link: Link | None) -> bool:
        """Never."""
        return False


@pytest.fixture
def other_app(request: pytest.FixtureRequest, tmp_path: Any, database_url: str) -> Iterator[Flask]:
    """A second app on a second fresh database of the test's backend."""
    if database_url.startswith("sqlite"):
        target = tmp_path / "other.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        url, release = f"sqlite:///{target}", None
    else:
        databases = request.getfixturevalue("postgres_databases")
        name = databases.acquire()
        url, release = request.getfixturevalue("postgres_server").url(name), (databases, name)
    app = create_app(base_config(tmp_path / "other") | TEST_STORAGE | {"DATABASE_URL": url})
    share_template_code(app)
    yield app
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()
    if release is not None:
        release[0].release(release[1])


def _import_all(app: Flask, importer: Any, dumps: tuple[bytes, ...]) -> tuple[list[Any], list[tuple[str, Any]]]:
    """Import ``dumps`` into ``app``'s fresh wiki, in turn; the run summaries and the search outbox rows written."""
    outbox: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO SEARCH_OUTBOX"):
            outbox.append((statement, parameters))

    event.listen(Database.engine(app), "before_cursor_execute", record)
    summaries = []
    with app.app_context():
        db = Database.new_session()
        seed(db)
        author = demo_author(db)
        make_page(db, "Existante", "Écrite ici.\n")
        db.commit()
        for dump in dumps:
            result = importer.run(db, dump, author=author, source="export.xml")
            db.commit()
            summaries.append((result.summary(), result.warnings, [(e.ref, e.message) for e in result.errors]))
        db.close()
    return summaries, outbox


_SNAPSHOT = {
    "pages": "SELECT p.slug, p.title, p.created_at, p.deleted_at, c.number FROM pages p "
    "LEFT JOIN page_revisions c ON c.id = p.current_revision_id ORDER BY p.slug",
    "revisions": "SELECT p.slug, r.number, r.title, r.body, r.comment, r.action, r.author_id, r.imported_author, "
    "r.created_at, r.size, q.number FROM page_revisions r JOIN pages p ON p.id = r.page_id "
    "LEFT JOIN page_revisions q ON q.id = r.parent_id ORDER BY p.slug, r.number",
    "renderings": "SELECT p.slug, r.number, x.renderer, x.html, x.toc_html, x.warnings FROM rendered_revisions x "
    "JOIN page_revisions r ON r.id = x.revision_id JOIN pages p ON p.id = r.page_id ORDER BY p.slug, r.number",
    "links": "SELECT p.slug, l.target_slug FROM page_links l JOIN pages p ON p.id = l.page_id ORDER BY 1, 2",
    "redirects": "SELECT r.slug, p.slug FROM page_redirects r JOIN pages p ON p.id = r.page_id ORDER BY 1",
    "activity": "SELECT a.kind, a.action, a.key, a.revision_number, a.title, a.comment, a.actor_id, a.session_key, "
    "a.patrolled_at, a.added, a.removed, a.public, a.created_at FROM activities a ORDER BY a.key, a.revision_number",
    "import links": "SELECT i.importer, i.source, i.remote_id, p.slug FROM import_items i "
    "LEFT JOIN pages p ON p.id = i.page_id ORDER BY i.remote_id",
}


def _moment(value: Any) -> Any:
    """A date of the last hour (the import's own clock: a patrol, a date in the future) as « now »."""
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return "now" if abs(moment.replace(tzinfo=None) - datetime.now(UTC).replace(tzinfo=None)) < _RECENT else value


def _snapshot(app: Flask) -> dict[str, Any]:
    """What the wiki holds, ids replaced by names (two databases number their rows alike only by chance)."""
    with Database.engine(app).connect() as conn:
        shot: dict[str, Any] = {
            name: [tuple(_moment(v) for v in row) for row in conn.execute(text(query))]
            for name, query in _SNAPSHOT.items()
        }
    shot["content version"] = read_content_version(Database.engine(app))
    return shot


def _announced(outbox: list[tuple[str, Any]], app: Flask) -> list[list[tuple[str, str]]]:
    """The search outbox rows of each commit, their page ids replaced by slugs."""
    with Database.engine(app).connect() as conn:
        slugs = {str(k): v for k, v in conn.execute(text("SELECT id, slug FROM pages")).all()}
    commits = []
    for _statement, parameters in outbox:
        rows = parameters if isinstance(parameters, list) else [parameters]
        flat = [v for row in rows for v in (row.values() if isinstance(row, dict) else row)]
        commits.append(sorted(zip(flat[::2], [slugs.get(str(key), key) for key in flat[1::2]], strict=True)))
    return commits


def test_set_wise_pages_equal_pages_written_one_by_one(app, other_app):
    """Pages, revisions (authors, dates, comments, parents), renderings, links and categories,
    redirects, activity, search outbox, idempotency links, refusals and warnings: all identical."""
    batched = _import_all(app, SmallBatches(), (FIRST, SECOND))
    single = _import_all(other_app, OneByOne(), (FIRST, SECOND))
    assert batched[0] == single[0]
    assert _announced(batched[1], app) == _announced(single[1], other_app)
    shot = _snapshot(app)
    assert shot == _snapshot(other_app)
    # What the comparison covers is there: the refusals, the pages, their history and the second run.
    assert [e for run in batched[0] for e in run[2]] == [
        ("REDON", "title : Une page porte déjà ce nom."),
        ("Existante", "title : Une page porte déjà ce nom."),
        ("Masquée", "Aucune version lisible de cette page dans l'export."),
    ]
    revisions = {(r[0], r[1]): r for r in shot["revisions"]}
    comment, action, author_id, imported_author = revisions["accueil", 2][4:8]
    assert (comment, action, author_id, imported_author) == ("par [IP masquée]", "import", None, "Anonyme")
    assert revisions["accueil", 2][10] == 1  # its parent: revision 1
    assert [r[:2] for r in shot["redirects"]] == [("ancien-nom", "redon")]
    assert ("redon", "pays-de-redon") in shot["links"] and len(shot["pages"]) == 15
    assert "Catégories" in revisions["accueil", 3][3]


def test_yeswiki_pages_set_wise_equal_pages_written_one_by_one(app, other_app):
    """The 2020 default content: lists, forms and entries one by one, its pages set-wise; the same wiki."""
    dump = YESWIKI_2020.read_bytes()
    batched = _import_all(app, YeswikiSmallBatches(), (dump, dump))
    single = _import_all(other_app, YeswikiOneByOne(), (dump, dump))
    assert batched[0] == single[0]
    assert _announced(batched[1], app) == _announced(single[1], other_app)
    shot = _snapshot(app)
    assert shot == _snapshot(other_app)
    assert len(shot["pages"]) > 20 and batched[0][1][0].startswith("0 créé(s)")


def test_a_rerun_of_the_same_dump_changes_nothing(app, db, author):
    importer = SmallBatches()
    first = importer.run(db, export(PAGES), author=author, source="export.xml")
    db.commit()
    before = _snapshot(app)
    again = importer.run(db, export(PAGES), author=author, source="autre-nom.xml")
    db.commit()
    assert first.summary() == "14 créé(s), 0 mis à jour, 0 inchangé(s) ont été traités ; 2 refusé(s)."
    assert again.summary() == "0 créé(s), 0 mis à jour, 14 inchangé(s) ont été traités ; 2 refusé(s)."
    assert _snapshot(app) == before


def test_a_rerun_does_not_add_again_a_revision_dated_in_the_future(app, db, author):
    importer = SmallBatches()
    importer.run(db, FIRST, author=author, source="export.xml")
    db.commit()
    before = _snapshot(app)
    again = importer.run(db, FIRST, author=author, source="autre-nom.xml")  # the same dump, saved under another name
    db.commit()
    assert again.summary().startswith("0 créé(s), 0 mis à jour")  # « Demain. » was imported at the first run's date
    assert _snapshot(app) == before
