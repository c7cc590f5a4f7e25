"""Rendered HTML of page revisions, cached per revision.

A revision's text never changes, so its HTML is computed once (at save time)
and kept in ``rendered_revisions`` keyed by renderer version, plus a small
in-memory LRU per worker. What depends on the rest of the wiki, whether a
``[[link]]`` target exists (``mark_missing_links``, one query) and the live
lists of macros, is applied on every view by
:func:`wiki.pages.services.render_page`, so the cache never goes stale.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import macros
from wiki import markup
from wiki.caching import AppCache
from wiki.pages.models import PageRevision
from wiki.pages.models import RenderedRevision

#: Bump when the Markdown pipeline's output changes: old cache rows are ignored.
RENDERER_VERSION = "md-2"
_WIKILINK = re.compile(r'<a\b[^>]*\bclass="wikilink"[^>]*>')
_HREF = re.compile(r'\bhref="/pages/([^"?#]+)"')


@dataclass(frozen=True)
class RenderedPage:
    """The cached rendering of one revision."""

    html: str
    toc_html: str
    links: frozenset[str]
    warnings: tuple[str, ...]
    #: Macros written in the text, expanded at view time (live data).
    macros: tuple[macros.MacroCall, ...] = ()


#: Renderings of committed revisions, per app (``RENDER_CACHE_SIZE`` entries).
RENDERED: AppCache[RenderedPage] = AppCache("pages.rendered", maxsize=1024)


def configure_cache(app: Any, size: int) -> None:
    """Bound the app's cache of renderings (called by the app factory)."""
    RENDERED.resize(app, size)


def _links_of(html_text: str) -> frozenset[str]:
    slugs = set()
    for tag in _WIKILINK.findall(html_text):
        match = _HREF.search(tag)
        if match:
            slugs.add(unquote(match.group(1)))
    return frozenset(slugs)


def render_revision(db: Session, revision: PageRevision, *, store: bool = False) -> RenderedPage:
    """Return the rendering of ``revision``, computing and caching it if needed."""
    key = revision.id
    cached = RENDERED.get(db, key)
    if cached is not None:
        return cached
    row = db.scalar(
        select(RenderedRevision).where(
            RenderedRevision.revision_id == revision.id, RenderedRevision.renderer == RENDERER_VERSION
        )
    )
    if row is not None:
        _, calls = macros.extract(revision.body)
        result = RenderedPage(
            row.html, row.toc_html, _links_of(row.html), tuple(filter(None, row.warnings.split("\n"))), tuple(calls)
        )
    elif store:
        return render_new_revision(db, revision)
    else:
        result = render_text(revision.body)
    if not store:
        # Only committed revisions go to memory: a rolled-back save may see
        # its id reused by another text.
        RENDERED.put(db, key, result)
    return result


def render_new_revision(db: Session, revision: PageRevision) -> RenderedPage:
    """Render a revision just written and store its rendering (no cached one can exist yet)."""
    result = render_text(revision.body)
    db.add(RenderedRevision(revision_id=revision.id, renderer=RENDERER_VERSION, html=result.html,
                            toc_html=result.toc_html, warnings="\n".join(result.warnings)))  # fmt: skip
    return result


def render_text(text: str) -> RenderedPage:
    """Render unsaved text (previews) exactly like a revision."""
    source, calls = macros.extract(text)
    out = markup.render(source)
    return RenderedPage(out.html, out.toc_html, frozenset(out.links), tuple(out.warnings), tuple(calls))


def mark_missing_links(html_text: str, missing: set[str], hint: str = "") -> str:
    """Style links to pages that do not exist yet and point them at creation."""
    if not missing:
        return html_text

    def _mark(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if not href or unquote(href.group(1)) not in missing:
            return tag
        slug_path = href.group(1)
        tag = tag.replace('class="wikilink"', 'class="wikilink missing"', 1)
        tag = tag.replace(href.group(0), f'href="/pages/{slug_path}/edit" title="{html.escape(hint)}"', 1)
        return tag

    return _WIKILINK.sub(_mark, html_text)
