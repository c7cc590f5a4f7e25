"""Which linked pages exist, and which pages link to a page: kept per content version.

Both answers depend on pages, redirects and links only, all of them content:
every transaction that changes one bumps the content version (:mod:`wiki.db`).
So they are kept per application under the version the session's own
transaction reads (:func:`wiki.db.session_content_version`), and a view of a
page asks the database again only after some content changed, in any worker
or on any node. Nothing here depends on who is looking. A transaction holding
changes of its own (a save rendering its page) reads them directly.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.caching import AppCache
from wiki.db import session_content_version
from wiki.pages.models import Page
from wiki.pages.models import PageLink
from wiki.pages.models import PageRedirect

_existing = AppCache[frozenset[str]]("pages.existing_slugs", maxsize=4096)
_backlinks = AppCache[tuple[Any, ...]]("pages.backlinks", maxsize=4096)


def existing_slugs(db: Session, slugs: set[str]) -> set[str]:
    """Return which of ``slugs`` name live pages or redirects."""
    if not slugs:
        return set()
    version = session_content_version(db)
    if version is None:
        return _read_existing(db, slugs)
    key = (version, frozenset(slugs))
    return set(_existing.get_or_set(db, key, lambda: frozenset(_read_existing(db, slugs))))


def backlinks(db: Session, page: Page, limit: int) -> list[Any]:
    """Return ``(slug, title)`` rows of live pages linking to ``page``, by title (at most ``limit``)."""
    version = session_content_version(db)
    if version is None:
        return _read_backlinks(db, page, limit)
    key = (version, page.id, page.slug, limit)
    return list(_backlinks.get_or_set(db, key, lambda: tuple(_read_backlinks(db, page, limit))))


def _read_existing(db: Session, slugs: set[str]) -> set[str]:
    live = set(db.scalars(select(Page.slug).where(Page.slug.in_(slugs), Page.deleted_at.is_(None))))
    if live == slugs:
        return live
    return live | set(db.scalars(select(PageRedirect.slug).where(PageRedirect.slug.in_(slugs - live))))


def _read_backlinks(db: Session, page: Page, limit: int) -> list[Any]:
    query = (
        select(Page.slug, Page.title)
        .join(PageLink, PageLink.page_id == Page.id)
        .where(PageLink.target_slug == page.slug, Page.deleted_at.is_(None), Page.id != page.id)
        .order_by(Page.title)
        .limit(limit)
    )
    return list(db.execute(query))
