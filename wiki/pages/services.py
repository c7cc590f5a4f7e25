"""Page services: find and list pages, show a text, save, revert and rename.

Every function takes the SQLAlchemy session and the acting user explicitly
and never touches the Flask request (STYLE R6); the web views, the API, the
importers, the demo loader and the tests all call these. Moderators' actions
(delete, restore, protect) are :mod:`wiki.pages.moderation`; pages imported
with their history from another wiki, :mod:`wiki.pages.imported`.

Showing a text goes through one chain, :func:`render_page` (and
:func:`render_preview` for unsaved text): cached rendering, links to missing
pages marked, macros expanded.

Saving follows MediaWiki's and Wagtail's lessons (HOSTILE_INPUTS B12):
each edit carries the revision it started from; if another revision landed
meanwhile, non-overlapping changes (adjacent lines included) are merged
three-way, whoever wrote them (the same account's other tab too), overlapping
ones raise ``EditConflict`` carrying the user's text; saving identical text
writes nothing (a double submit). How a text becomes a revision is
:mod:`wiki.pages.saving`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import defer

from wiki import macros
from wiki import markup
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import Gone
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.moderation import policy as edit_policies
from wiki.moderation import spam
from wiki.moderation import waiting
from wiki.pages import link_reads
from wiki.pages import saving
from wiki.pages.imported import BATCH_PAGES as BATCH_PAGES
from wiki.pages.imported import ImportedPage as ImportedPage  # the importers' entry points, re-exported
from wiki.pages.imported import ImportedRevision as ImportedRevision
from wiki.pages.imported import add_redirect as add_redirect
from wiki.pages.imported import fits_a_batch as fits_a_batch
from wiki.pages.imported import import_history as import_history
from wiki.pages.imported import import_new_pages as import_new_pages
from wiki.pages.models import Page
from wiki.pages.models import PageLink
from wiki.pages.models import PageRedirect
from wiki.pages.models import PageRevision
from wiki.pages.rendering import RenderedPage
from wiki.pages.rendering import mark_missing_links
from wiki.pages.rendering import prepare
from wiki.pages.rendering import render_revision

#: Slug of the page shown at ``/``.
HOME_SLUG = "accueil"


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the page, the new revision (None if nothing changed or if it waits).

    ``pending``: the waiting item under pre-moderation; a new page that waits is not stored (``page`` unsaved).
    """

    page: Page
    revision: PageRevision | None
    merged: bool = False
    created: bool = False
    pending: Any = None


def page_url(slug: str) -> str:
    """Return the path of a page (stable: cached HTML embeds it)."""
    return f"/pages/{slug}"


def find_page(db: Session, slug: str) -> Page | None:
    """Return the page with this exact slug, deleted or not."""
    return db.scalar(select(Page).where(Page.slug == slug))


def resolve(db: Session, slug: str) -> tuple[Page | None, Page | None]:
    """Return ``(page, None)`` for a slug, or ``(None, target)`` for a renamed one."""
    page = find_page(db, slug)
    if page is not None:
        return page, None
    target = db.scalar(
        select(Page).join(PageRedirect, PageRedirect.page_id == Page.id).where(PageRedirect.slug == slug)
    )
    return None, target


def get_page(db: Session, slug: str, actor: Any) -> Page:
    """Return a readable page.

    :raises NotFound: no such page.
    :raises Gone: the page is deleted and the actor may not see deleted pages.
    """
    page = find_page(db, slug)
    if page is None:
        raise NotFound(str(_l("Cette page n'existe pas.")))
    return ensure_readable(page, actor)


def ensure_readable(page: Page, actor: Any) -> Page:
    """Return ``page`` if the actor may read it.

    :raises Gone: the page is deleted and the actor may not see deleted pages.
    """
    if page.is_deleted and not permissions.can_see_deleted(actor):
        raise Gone(str(_l("Cette page a été supprimée.")))
    return page


def list_pages(db: Session, *, offset: int = 0, limit: int = 50, prefix: str = "") -> tuple[list[Page], int]:
    """Return a slice of live pages by title, and their total count."""
    query = select(Page).where(Page.deleted_at.is_(None))
    if prefix:
        query = query.where(Page.slug.startswith(markup.slugify(prefix)))
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = db.scalars(query.order_by(Page.slug).offset(max(offset, 0)).limit(max(1, min(limit, 500))))
    return list(pages), total


def list_deleted_pages(db: Session) -> list[Page]:
    """Return deleted pages, most recent first."""
    return list(db.scalars(select(Page).where(Page.deleted_at.is_not(None)).order_by(Page.deleted_at.desc())))


def search_pages(db: Session, text: str, *, limit: int = 50) -> list[Page]:
    """Find live pages whose title or current text contains ``text``."""
    words = [w for w in re.split(r"\s+", text.strip()) if w][:8]
    if not words:
        return []
    query = (
        select(Page).join(PageRevision, PageRevision.id == Page.current_revision_id).where(Page.deleted_at.is_(None))
    )
    for word in words:
        # Escape LIKE wildcards: user text is data, never a pattern (B9-78).
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Page.title.ilike(pattern, escape="\\"), PageRevision.body.ilike(pattern, escape="\\")))
    return list(db.scalars(query.order_by(Page.updated_at.desc()).limit(limit)))


def history(db: Session, page: Page, *, offset: int = 0, limit: int = 50) -> list[PageRevision]:
    """Return revisions of a page, newest first (their texts are not loaded: a history of huge texts stays light)."""
    query = (
        select(PageRevision)
        .options(defer(PageRevision.body))
        .where(PageRevision.page_id == page.id)
        .order_by(PageRevision.number.desc())
        .offset(max(offset, 0))
        .limit(max(1, min(limit, 500)))
    )
    return list(db.scalars(query))


def get_revision(db: Session, page: Page, number: int) -> PageRevision:
    """Return revision ``number`` of ``page``.

    :raises NotFound: no such revision of this page.
    """
    revision = db.scalar(select(PageRevision).where(PageRevision.page_id == page.id, PageRevision.number == number))
    if revision is None:
        raise NotFound(str(_l("Cette version n'existe pas.")))
    return revision


def backlinks(db: Session, page: Page, *, limit: int = 100) -> list[Any]:
    """Return ``(slug, title)`` rows of live pages linking to ``page`` (capped; kept per content version)."""
    return link_reads.backlinks(db, page, limit)


def existing_slugs(db: Session, slugs: set[str]) -> set[str]:
    """Return which of ``slugs`` name live pages or redirects (kept per content version)."""
    return link_reads.existing_slugs(db, slugs)


def outgoing_links(db: Session, page: Page) -> set[str]:
    """Return the slugs the current revision links to."""
    return set(db.scalars(select(PageLink.target_slug).where(PageLink.page_id == page.id)))


@dataclass(frozen=True)
class MacroContext:
    """What macro renderers receive: the session and who is looking."""

    db: Session
    actor: Any


@dataclass(frozen=True)
class PageHTML:
    """A page text as views show it: links to missing pages marked, macros expanded."""

    body_html: str
    toc_html: str
    #: Accessibility warnings of the text (shown to its editor).
    warnings: tuple[str, ...]


def render_page(db: Session, revision: PageRevision, actor: Any) -> PageHTML:
    """Return the HTML of a revision as ``actor`` sees it (current or old revision alike).

    The Markdown rendering is cached per revision (:mod:`wiki.pages.rendering`);
    what depends on the rest of the wiki, which linked pages exist and the
    live lists of macros, is applied here, on every view.
    """
    return _finish(db, render_revision(db, revision), actor)


def render_preview(db: Session, text: str, actor: Any) -> PageHTML:
    """Return the HTML of unsaved text exactly as :func:`render_page` would show it once saved.

    :raises ValidationError: the text cannot be rendered (too large, over the budget); ``errors["body"]`` says why.
    """
    return _finish(db, prepare(text), actor)  # kept for a save of the same text


def _finish(db: Session, rendered: RenderedPage, actor: Any) -> PageHTML:
    """Mark links to missing pages, then expand macros: the chain every shown page text goes through."""
    missing = rendered.links - existing_slugs(db, set(rendered.links))
    body_html = mark_missing_links(rendered.html, set(missing), str(_l("Page à créer")))
    body_html = macros.expand(body_html, list(rendered.macros), MacroContext(db, actor))
    return PageHTML(body_html, rendered.toc_html, rendered.warnings)


def shows_live_data(revision: PageRevision) -> bool:
    """Tell whether a revision embeds macros: its HTML then changes with the records, not only with pages."""
    return bool(macros.extract(revision.body)[1])


def last_change(db: Session) -> Any:
    """Return when any page last changed (for HTTP validators)."""
    return db.scalar(select(func.max(Page.updated_at)))


def create_page(
    db: Session, *, title: str, body: str, comment: str, actor: Any, policy: str, max_bytes: int = 1_000_000
) -> SaveResult:
    """Create a page from a title.

    :raises Forbidden: the actor may not create pages.
    :raises ValidationError: empty title, or a title/slug already in use.
    """
    if not permissions.can_edit_page(actor, None, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de créer une page.")))
    clean_title = markup.normalize_title(title)
    slug = markup.slugify(clean_title)
    if not slug:
        raise ValidationError(str(_l("Donnez un titre à la page.")), {"title": str(_l("Titre obligatoire."))})
    if find_page(db, slug) is not None:
        raise ValidationError(str(_l("Une page porte déjà ce nom.")), {"title": str(_l("Une page porte déjà ce nom."))})
    body = saving.check_body(body, max_bytes)
    spam.check_contribution(db, actor, before="", after=body)
    if edit_policies.waits(db, actor, permissions.page_policy(None, policy)):
        item = waiting.submit_new_page(
            db, slug=slug, title=clean_title, body=body, comment=saving.clean_comment(comment), actor=actor
        )
        return SaveResult(page=Page(slug=slug, title=clean_title), revision=None, pending=item)
    page = Page(slug=slug, title=clean_title, created_at=utcnow(), updated_at=utcnow())
    db.add(page)
    db.flush()
    db.execute(delete(PageRedirect).where(PageRedirect.slug == slug))
    revision = saving.append_revision(
        db, page, title=clean_title, body=body, comment=saving.clean_comment(comment), actor=actor, action="create"
    )
    return SaveResult(page=page, revision=revision, created=True)


def save_page(
    db: Session,
    page: Page,
    *,
    body: str,
    comment: str,
    actor: Any,
    base_revision_id: int | None,
    policy: str,
    max_bytes: int = 1_000_000,
) -> SaveResult:
    """Save a new text for an existing page.

    :param base_revision_id: the revision the edit started from.
    :raises Forbidden: the actor may not edit this page.
    :raises Gone: the page was deleted meanwhile.
    :raises ValidationError: the text is too long or the base is not of this page.
    :raises EditConflict: another person's changes overlap; ``details`` carry
        ``mine`` (the submitted text), ``current`` (the revision) and ``conflicts``.
    """
    saving.lock_page(db, page)  # first: the checks below read the page as it is under the lock
    if not permissions.can_edit_page(actor, page, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de modifier cette page.")))
    if page.is_deleted:
        raise Gone(str(_l("Cette page a été supprimée.")))
    body = saving.check_body(body, max_bytes)
    current = page.current_revision
    assert current is not None
    merged = False
    if body == current.body:
        return SaveResult(page=page, revision=None)
    spam.check_contribution(db, actor, before=current.body, after=body)
    if edit_policies.waits(db, actor, permissions.page_policy(page, policy)):
        note, base = saving.clean_comment(comment), base_revision_id or current.id
        item = waiting.submit_page_edit(db, page, body=body, comment=note, base_revision_id=base, actor=actor)
        return SaveResult(page=page, revision=None, pending=item)
    if base_revision_id != current.id:
        body, merged = saving.merge_concurrent(db, page, body, base_revision_id, actor)
        if body == current.body:
            return SaveResult(page=page, revision=None, merged=merged)
    revision = saving.append_revision(
        db,
        page,
        title=page.title,
        body=body,
        comment=saving.clean_comment(comment),
        actor=actor,
        action="merge" if merged else "edit",
    )
    return SaveResult(page=page, revision=revision, merged=merged)


def revert_page(db: Session, page: Page, number: int, *, actor: Any, policy: str, comment: str = "") -> SaveResult:
    """Make revision ``number``'s text current again, as a new revision.

    :raises Forbidden: the actor may not edit this page.
    :raises NotFound: no such revision.
    """
    if not permissions.can_edit_page(actor, page, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de modifier cette page.")))
    saving.lock_page(db, page)
    old = get_revision(db, page, number)
    current = page.current_revision
    assert current is not None
    if old.body == current.body:
        return SaveResult(page=page, revision=None)
    note = saving.clean_comment(comment) or str(_l("Retour à la version %(number)d", number=number))
    spam.check_contribution(db, actor, before=current.body, after=old.body)
    if edit_policies.waits(db, actor, permissions.page_policy(page, policy)):
        item = waiting.submit_page_edit(db, page, body=old.body, comment=note, base_revision_id=current.id, actor=actor)
        return SaveResult(page=page, revision=None, pending=item)
    revision = saving.append_revision(
        db, page, title=page.title, body=old.body, comment=note, actor=actor, action="revert"
    )
    return SaveResult(page=page, revision=revision)


def rename_page(db: Session, page: Page, new_title: str, *, actor: Any, policy: str, comment: str = "") -> Page:
    """Give a page a new title and slug; the old slug redirects.

    :raises Forbidden: the actor may not rename this page.
    :raises ValidationError: empty title or the new name is taken.
    """
    if not permissions.can_rename_page(actor, page, policy):
        raise Forbidden(str(_l("Vous n'avez pas le droit de renommer cette page.")))
    if edit_policies.waits(db, actor, permissions.page_policy(page, policy)):
        raise Forbidden(str(_l("Cette page est pré-modérée : seuls les contributeurs de confiance la renomment.")))
    title = markup.normalize_title(new_title)
    slug = markup.slugify(title)
    if not slug:
        raise ValidationError(str(_l("Donnez un titre à la page.")), {"title": str(_l("Titre obligatoire."))})
    saving.lock_page(db, page)
    if title == page.title:
        return page
    other = find_page(db, slug)
    if other is not None and other.id != page.id:
        raise ValidationError(str(_l("Une page porte déjà ce nom.")), {"title": str(_l("Une page porte déjà ce nom."))})
    old_slug = page.slug
    if slug != old_slug:
        db.execute(delete(PageRedirect).where(PageRedirect.slug == slug))
        db.add(PageRedirect(slug=old_slug, page_id=page.id))
        page.slug = slug
    current = page.current_revision
    assert current is not None
    note = saving.clean_comment(comment) or str(_l("Renommée depuis « %(old)s »", old=current.title))
    saving.append_revision(db, page, title=title, body=current.body, comment=note, actor=actor, action="rename")
    return page
