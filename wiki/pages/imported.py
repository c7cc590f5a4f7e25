"""Pages brought from another wiki with their history: every revision dated and signed as on the source.

The YesWiki and MediaWiki importers call :func:`import_history` through
:mod:`wiki.pages.services`. Unlike a typed-in save, the revisions keep the
source's dates and the name of their author on the source wiki
(``PageRevision.imported_author``: these people have no account here), and
only the newest one is rendered, linked and announced (``page_saved`` with
action ``import``: search and recent changes follow once per page, not once
per revision). A revision already in the page's history (same date and
size) is not added again, so re-importing a dump only appends what is new.
:func:`import_new_pages` creates many new pages at once, with the same result
as one :func:`import_history` each but a few statements per batch instead of
about ten per page. Service layer: no request globals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from wiki import markup
from wiki import signals
from wiki.db import BY_KEY
from wiki.db import utcnow
from wiki.errors import ValidationError
from wiki.pages import saving
from wiki.pages.models import Page
from wiki.pages.models import PageLink
from wiki.pages.models import PageRedirect
from wiki.pages.models import PageRevision
from wiki.pages.rendering import render_new_revision

#: The revisions' table, for inserts that return their id without flushing the session.
_REVISIONS = cast(Table, PageRevision.__table__)
_PAGES = cast(Table, Page.__table__)


@dataclass(frozen=True)
class ImportedRevision:
    """One revision read from another wiki: its text, date (naive dates are UTC), author's name there and comment."""

    body: str
    created_at: datetime
    author_name: str = ""
    comment: str = ""
    #: The source gave no usable date (none, or one in the future): the import's date stands in, so
    #: a later import of the same source recognises the revision by its text instead of its date.
    undated: bool = False


@dataclass(frozen=True)
class ImportedPage:
    """What :func:`import_history` did: the page, and how many revisions it added."""

    page: Page
    added: int


def _text_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _imported_texts(db: Session, page: Page, sizes: set[int]) -> set[tuple[int, str]]:
    """(size, digest) of the page's imported revisions of those ``sizes``: how undated ones are known again."""
    if not sizes:
        return set()
    rows = db.execute(
        select(PageRevision.size, PageRevision.body).where(
            PageRevision.page_id == page.id, PageRevision.action == "import", PageRevision.size.in_(sizes)
        )
    )
    return {(size, _text_digest(body)) for size, body in rows}


def _utc(moment: datetime) -> datetime:
    """Aware UTC to the second (a naive date is UTC): how dates are stored and two readings compared."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(microsecond=0)


def _new_page(db: Session, title: str, created_at: datetime) -> Page:
    clean_title = markup.normalize_title(title)
    slug = markup.slugify(clean_title)
    if not slug:
        raise ValidationError(str(_l("Donnez un titre à la page.")), {"title": str(_l("Titre obligatoire."))})
    if db.scalar(select(Page.id).where(Page.slug == slug)) is not None:
        message = str(_l("Une page porte déjà ce nom."))
        raise ValidationError(message, {"title": message})
    page = Page(slug=slug, title=clean_title, created_at=created_at, updated_at=utcnow())
    db.add(page)
    db.flush()
    db.execute(delete(PageRedirect).where(PageRedirect.slug == slug), execution_options=BY_KEY)
    return page


def import_history(
    db: Session,
    *,
    title: str,
    revisions: Sequence[ImportedRevision],
    actor: Any,
    page: Page | None = None,
    max_bytes: int = 1_000_000,
) -> ImportedPage:
    """Create page ``title`` (or extend ``page``) with the ``revisions`` not yet in its history.

    The newest revision, by date, becomes the page's text.

    :raises ValidationError: no revision, an empty title, a title another page has, or a text too long.
    """
    if not revisions:
        raise ValidationError(str(_l("Cette page n'a aucune version à importer.")))
    ordered = sorted(revisions, key=lambda r: _utc(r.created_at))
    bodies = [saving.check_body(r.body, max_bytes) for r in ordered]  # refuse before writing anything
    fresh = page is None
    if page is None:
        page = _new_page(db, title, _utc(ordered[0].created_at))
        known: set[tuple[datetime, int]] = set()
        number = 0
        known_texts: set[tuple[int, str]] = set()
    else:
        saving.lock_page(db, page)
        rows = db.execute(select(PageRevision.created_at, PageRevision.size).where(PageRevision.page_id == page.id))
        known = {(_utc(when), size) for when, size in rows}
        number = db.scalar(select(func.max(PageRevision.number)).where(PageRevision.page_id == page.id)) or 0
        undated = {len(body.encode("utf-8")) for r, body in zip(ordered, bodies, strict=True) if r.undated}
        known_texts = _imported_texts(db, page, undated)
    current = page.current_revision
    parent_id, added = (current.id if current else None), 0
    for revision, body in zip(ordered, bodies, strict=True):
        when, size = _utc(revision.created_at), len(body.encode("utf-8"))
        if (when, size) in known or (revision.undated and (size, _text_digest(body)) in known_texts):
            continue
        known.add((when, size))
        number, added = number + 1, added + 1
        # Core inserts, one statement each: the next revision needs this one's id, not a flush of the session.
        parent_id = db.execute(insert(_REVISIONS).returning(_REVISIONS.c.id), {
            "page_id": page.id, "parent_id": parent_id, "number": number, "title": page.title, "body": body,
            "comment": saving.clean_comment(revision.comment), "action": "import", "author_id": None,
            "imported_author": revision.author_name.strip()[:100] or None, "created_at": when, "size": size,
        }).scalar_one()  # fmt: skip
        newest_when = when
    if not added:
        return ImportedPage(page, 0)
    if current is None or _utc(current.created_at) <= newest_when:
        newest = db.get_one(PageRevision, parent_id)
        page.current_revision = newest
        page.updated_at = utcnow()
        rendered = render_new_revision(db, newest)
        if not fresh:
            db.execute(delete(PageLink).where(PageLink.page_id == page.id), execution_options=BY_KEY)
        if rendered.links:
            db.execute(insert(PageLink), [{"page_id": page.id, "target_slug": slug} for slug in sorted(rendered.links)])
        db.flush()
        signals.page_saved.send(page, session=db, page=page, revision=newest, action="import", actor=actor)
    return ImportedPage(page, added)


#: The most text (in characters, all revisions) a history may hold to be written with others by
#: :func:`import_new_pages`: a batch of ``BATCH_PAGES`` then holds a bounded amount of text whatever the
#: dump; a heavier history is written alone (:func:`import_history`).
BATCH_CHARS = 100_000
#: How many new pages an importer writes together.
BATCH_PAGES = 100


def fits_a_batch(revisions: Sequence[ImportedRevision]) -> bool:
    """Whether a new page with ``revisions`` may be written with others (its history is not too heavy)."""
    return sum(len(r.body) for r in revisions) <= BATCH_CHARS


def import_new_pages(
    db: Session,
    histories: Sequence[tuple[str, Sequence[ImportedRevision]]],
    *,
    actor: Any,
    max_bytes: int = 1_000_000,
) -> list[ImportedPage | ValidationError]:
    """Create a new page for each ``(title, revisions)``, as :func:`import_history` would, set-wise.

    Returns, in order, each page made or why it was refused (a title empty, in
    use, or used earlier in ``histories``; no revision; a text too long): the
    refused ones write nothing. The pages are inserted in one flush, their
    revisions in one statement (their parents set in a second), the newest
    revisions read back in one query, and only those rendered and announced.
    """
    outcomes: list[ImportedPage | ValidationError | _NewPage] = []
    for title, revisions in histories:
        try:
            outcomes.append(_checked(title, revisions, max_bytes))
        except ValidationError as error:
            outcomes.append(error)
    fresh = [o for o in outcomes if isinstance(o, _NewPage)]
    slugs = [o.row["slug"] for o in fresh]
    taken = set(db.scalars(select(Page.slug).where(Page.slug.in_(slugs)))) if fresh else set()
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, _NewPage):
            if outcome.row["slug"] in taken:
                message = str(_l("Une page porte déjà ce nom."))
                outcomes[index] = ValidationError(message, {"title": message})
            taken.add(outcome.row["slug"])
    fresh = [o for o in outcomes if isinstance(o, _NewPage)]
    if fresh:
        _write_new_pages(db, fresh, actor)
    return [ImportedPage(cast(Page, o.page), len(o.rows)) if isinstance(o, _NewPage) else o for o in outcomes]


@dataclass
class _NewPage:
    """A page checked for :func:`import_new_pages`: its row and its revisions' rows, then what was written."""

    row: dict[str, Any]
    rows: list[dict[str, Any]]
    ids: list[int] = field(default_factory=list)
    page: Page | None = None


def _checked(title: str, revisions: Sequence[ImportedRevision], max_bytes: int) -> _NewPage:
    """The page and revision rows :func:`import_history` would write for a new page (refused as it would be)."""
    if not revisions:
        raise ValidationError(str(_l("Cette page n'a aucune version à importer.")))
    ordered = sorted(revisions, key=lambda r: _utc(r.created_at))
    bodies = [saving.check_body(r.body, max_bytes) for r in ordered]
    clean_title = markup.normalize_title(title)
    slug = markup.slugify(clean_title)
    if not slug:
        raise ValidationError(str(_l("Donnez un titre à la page.")), {"title": str(_l("Titre obligatoire."))})
    known: set[tuple[datetime, int]] = set()
    rows: list[dict[str, Any]] = []
    for revision, body in zip(ordered, bodies, strict=True):
        when, size = _utc(revision.created_at), len(body.encode("utf-8"))
        if (when, size) in known:
            continue
        known.add((when, size))
        rows.append({"parent_id": None, "number": len(rows) + 1, "title": clean_title, "body": body,
                     "comment": saving.clean_comment(revision.comment), "action": "import", "author_id": None,
                     "imported_author": revision.author_name.strip()[:100] or None, "created_at": when,
                     "size": size})  # fmt: skip
    return _NewPage({"slug": slug, "title": clean_title, "created_at": _utc(ordered[0].created_at)}, rows)


def _write_new_pages(db: Session, fresh: list[_NewPage], actor: Any) -> None:
    """Insert the checked pages and their histories; render, link and announce each newest revision.

    Every insert is an executemany without RETURNING (SQLite returns ids in order only row by row): the
    new ids are read back by their natural keys, the page's slug and the revision's number.
    """
    now = utcnow()
    slugs = [new.row["slug"] for new in fresh]
    db.execute(insert(_PAGES), [new.row | {"updated_at": now} for new in fresh])
    page_ids: dict[str, int] = {
        slug: key for slug, key in db.execute(select(Page.slug, Page.id).where(Page.slug.in_(slugs)))
    }
    db.execute(delete(PageRedirect).where(PageRedirect.slug.in_(slugs)), execution_options=BY_KEY)
    db.execute(insert(_REVISIONS), [row | {"page_id": page_ids[new.row["slug"]]} for new in fresh for row in new.rows])
    numbered = select(PageRevision.page_id, PageRevision.number, PageRevision.id)
    ids = {(p, n): i for p, n, i in db.execute(numbered.where(PageRevision.page_id.in_(page_ids.values())))}
    parents: list[dict[str, int]] = []
    for new in fresh:
        page_id = page_ids[new.row["slug"]]
        new.ids = [ids[page_id, row["number"]] for row in new.rows]
        parents += [{"child": child, "parent": parent} for parent, child in zip(new.ids, new.ids[1:], strict=False)]
    if parents:
        child = _REVISIONS.c.id == bindparam("child")
        db.execute(update(_REVISIONS).where(child).values(parent_id=bindparam("parent")), parents)
    current = [{"key": page_ids[new.row["slug"]], "revision": new.ids[-1]} for new in fresh]
    db.execute(update(_PAGES).where(_PAGES.c.id == bindparam("key")).values(current_revision_id=bindparam("revision")),
               current)  # fmt: skip
    # The pages with their newest revision (joined), and those revisions' parents: the activity feed reads them.
    pages = {p.id: p for p in db.scalars(select(Page).where(Page.id.in_(page_ids.values()))).unique()}
    wanted = [new.ids[-2] for new in fresh if len(new.ids) > 1]
    parents_read = list(db.scalars(select(PageRevision).where(PageRevision.id.in_(wanted))).unique()) if wanted else []
    links: list[dict[str, Any]] = []
    for new in fresh:
        page = new.page = pages[page_ids[new.row["slug"]]]
        rendered = render_new_revision(db, cast(PageRevision, page.current_revision))
        links += [{"page_id": page.id, "target_slug": slug} for slug in sorted(rendered.links)]
    if links:
        db.execute(insert(PageLink), links)
    db.flush()
    for new in fresh:
        page = cast(Page, new.page)
        signals.page_saved.send(page, session=db, page=page, revision=page.current_revision, action="import",
                                actor=actor)  # fmt: skip
    del parents_read  # kept alive until here: the activity feed finds each parent in the session


def add_redirect(db: Session, *, title: str, target: Page) -> None:
    """Make the page name ``title`` lead to ``target`` (a redirect imported from another wiki).

    :raises ValidationError: an empty title, or a live page has that name.
    """
    slug = markup.slugify(markup.normalize_title(title))
    if not slug:
        raise ValidationError(str(_l("Donnez un titre à la page.")))
    if slug == target.slug:
        raise ValidationError(str(_l("Une page ne peut pas rediriger vers elle-même.")))
    if db.scalar(select(Page.id).where(Page.slug == slug, Page.deleted_at.is_(None))) is not None:
        raise ValidationError(str(_l("Une page porte déjà ce nom : la redirection n'est pas créée.")))
    existing = db.get(PageRedirect, slug)
    if existing is None:
        db.add(PageRedirect(slug=slug, page_id=target.id, created_at=utcnow()))
    else:
        existing.page_id = target.id
    db.flush()
