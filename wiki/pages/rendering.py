"""Rendered HTML of page revisions, cached per revision.

A revision's text never changes, so its HTML is computed once (at save time)
and kept in ``rendered_revisions`` keyed by renderer version, plus a small
in-memory LRU per worker. What depends on the rest of the wiki, whether a
``[[link]]`` target exists (``mark_missing_links``, one query) and the live
lists of macros, is applied on every view by
:func:`wiki.pages.services.render_page`, so the cache never goes stale.

Rendering never runs inside a database transaction of a save (goal G10): the
editor and the API call :func:`prepare` first, which renders within
``RENDER_TIME_BUDGET`` seconds (:mod:`wiki.markup.worker`) and keeps the
result for :func:`render_new_revision`, or refuses the text with a French
message. A stored revision that cannot render within the budget and limits
shows its source, escaped, under a notice (:func:`render_revision`).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from flask import current_app
from flask import has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import macros
from wiki import markup
from wiki.caching import AppCache
from wiki.errors import ValidationError
from wiki.markup.limits import check as check_limits
from wiki.markup.slots import HostSlots
from wiki.markup.worker import render_within
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
#: Renderings of texts about to be saved, by digest of the text (:func:`prepare`).
PREPARED: AppCache[RenderedPage] = AppCache("pages.prepared", maxsize=8)
#: Seconds a rendering may take when ``RENDER_TIME_BUDGET`` is not set (no app).
DEFAULT_BUDGET = 2.0


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
        try:
            result = render_text(revision.body)
        except ValueError as err:  # over the budget or a limit: shown as text, never a failure
            result = _as_source(revision.body, str(err))
    if not store:
        # Only committed revisions go to memory: a rolled-back save may see
        # its id reused by another text.
        RENDERED.put(db, key, result)
    return result


def render_new_revision(db: Session, revision: PageRevision) -> RenderedPage:
    """Store the rendering of a revision just written (no cached one can exist yet).

    Saves from the editor and the API find it prepared (:func:`prepare`); other
    writers (merges that raced, reverts, imports) render within the budget, and
    a text that cannot is shown as source and its rendering not stored.
    """
    result = PREPARED.get(db, _digest(revision.body))
    if result is None:
        try:
            result = render_text(revision.body)
        except ValueError as err:
            return _as_source(revision.body, str(err))
    db.add(RenderedRevision(revision_id=revision.id, renderer=RENDERER_VERSION, html=result.html,
                            toc_html=result.toc_html, warnings="\n".join(result.warnings)))  # fmt: skip
    return result


def render_text(text: str, *, capped: bool = False) -> RenderedPage:
    """Render unsaved text exactly like a revision, within ``RENDER_TIME_BUDGET`` seconds.

    ``capped``: a long text first takes one of the host's ``RENDER_CONCURRENCY`` slots (what
    people send: previews and saves), so hostile texts never hold every worker at once.

    :raises ValueError: the text is too large, over a limit or over the budget, or every slot
        stayed taken (French message).
    """
    check_limits(text)  # cheap: before the macros are looked for, line by line
    source, calls = macros.extract(text)
    budget = float(current_app.config["RENDER_TIME_BUDGET"]) if has_app_context() else DEFAULT_BUDGET
    out = render_within(source, budget, _slots() if capped else None)
    return RenderedPage(out.html, out.toc_html, frozenset(out.links), tuple(out.warnings), tuple(calls))


def prepare(text: str) -> RenderedPage:
    """Render a text before the transaction that saves it (and for its preview), and keep the result.

    Call it outside any transaction: the save then stores this rendering.

    :raises ValidationError: the text cannot be rendered; ``errors["body"]`` says why, in French.
    """
    text = _normalised(text)  # rendered as the save will store it: a browser posts CRLF line ends
    key = _digest(text)
    try:
        result = PREPARED.get(None, key) or render_text(text, capped=True)
    except ValueError as err:
        raise ValidationError(str(err), {"body": str(err)}) from err
    PREPARED.put(None, key, result)
    return result


def merge_sources(db: Session, page: Any, base_revision_id: int | None) -> tuple[PageRevision, PageRevision] | None:
    """Return the (base, current) revisions a save from ``base_revision_id`` will merge, else None."""
    current = page.current_revision if page is not None else None
    if current is None or base_revision_id is None or current.id == base_revision_id:
        return None
    base = db.get(PageRevision, base_revision_id)
    return (base, current) if base is not None and base.page_id == page.id else None


def _slots() -> HostSlots | None:
    """The host's slots for long renders, from ``RENDER_CONCURRENCY`` (0: no cap)."""
    if not has_app_context() or int(current_app.config["RENDER_CONCURRENCY"]) <= 0:
        return None
    folder = Path(current_app.instance_path) / "run" / "render"
    return HostSlots(folder, int(current_app.config["RENDER_CONCURRENCY"]))


def _normalised(text: str) -> str:
    """Line ends and NUL normalised as saves store them (:func:`wiki.pages.saving.check_body`)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _digest(text: str) -> str:
    """Key of a text in ``PREPARED``: line ends and NUL normalised as saves store them."""
    return hashlib.sha256(_normalised(text).encode("utf-8", "surrogatepass")).hexdigest()


def _as_source(text: str, reason: str) -> RenderedPage:
    """The source of a text that cannot be rendered, escaped, under a notice saying why."""
    notice = f"Ce texte est affiché tel quel, sans mise en forme : {reason}"
    body = f'<p class="render-notice" role="note">{html.escape(notice)}</p><pre>{markup.render_plain(text)}</pre>'
    return RenderedPage(body, "", frozenset(), (notice,))


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
