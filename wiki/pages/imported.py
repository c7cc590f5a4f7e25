"""Pages brought from another wiki with their history: every revision dated and signed as on the source.

The YesWiki and MediaWiki importers call :func:`import_history` through
:mod:`wiki.pages.services`. Unlike a typed-in save, the revisions keep the
source's dates and the name of their author on the source wiki
(``PageRevision.imported_author``: these people have no account here), and
only the newest one is rendered, linked and announced (``page_saved`` with
action ``import``: search and recent changes follow once per page, not once
per revision). A revision already in the page's history (same date and
size) is not added again, so re-importing a dump only appends what is new.
Service layer: no request globals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
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


@dataclass(frozen=True)
class ImportedRevision:
    """One revision read from another wiki: its text, date (naive dates are UTC), author's name there and comment."""

    body: str
    created_at: datetime
    author_name: str = ""
    comment: str = ""


@dataclass(frozen=True)
class ImportedPage:
    """What :func:`import_history` did: the page, and how many revisions it added."""

    page: Page
    added: int


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
    else:
        saving.lock_page(db, page)
        rows = db.execute(select(PageRevision.created_at, PageRevision.size).where(PageRevision.page_id == page.id))
        known = {(_utc(when), size) for when, size in rows}
        number = db.scalar(select(func.max(PageRevision.number)).where(PageRevision.page_id == page.id)) or 0
    current = page.current_revision
    parent_id, added = (current.id if current else None), 0
    for revision, body in zip(ordered, bodies, strict=True):
        when, size = _utc(revision.created_at), len(body.encode("utf-8"))
        if (when, size) in known:
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
