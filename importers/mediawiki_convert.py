"""A MediaWiki page's revisions in Markdown, its newest one rendered: the pure part of the MediaWiki import.

:func:`convert_page` runs in a worker process for a big dump
(:mod:`importers.pipeline`), in the importer's own otherwise: what it needs
comes in a :class:`PageTask`, what it learnt goes back in a :class:`PageDone`.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any
from typing import NamedTuple

from importers.base import Item
from importers.mediawiki_xml import DumpPage
from importers.mediawiki_xml import Revision
from importers.mediawiki_xml import SiteInfo
from importers.wikitext import fenced
from importers.wikitext import to_markdown
from importers.wikitext_inline import Namespaces
from wiki.markup import MAX_MARKUP_BYTES
from wiki.pages import services as pages
from wiki.pages.imported import render_ahead

ANONYMOUS = "Anonyme"
TEMPLATE, CATEGORY = 10, 14
#: « imported>Nom »: a user of another wiki, in a dump of a wiki that imported their edits.
_IMPORTED_PREFIX = re.compile(r"^[\w-]{1,40}>(?=\S)")
_IPV4 = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_IPV6 = re.compile(r"\b(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?![:\w])")
#: How many page names a summary warning gives as examples.
EXAMPLES = 5


@dataclass
class Tally:
    """What the run met, for the summary warnings: constructs kept as text, categories, redirects."""

    kept: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    categories: Counter[str] = field(default_factory=Counter)
    redirects: list[Item] = field(default_factory=list)

    def note(self, what: str, title: str) -> None:
        """Count one page that has ``what``, keeping a few names as examples."""
        self.kept[what] += 1
        names = self.examples.setdefault(what, [])
        if len(names) < EXAMPLES:
            names.append(title)


def author_name(revision: Revision) -> str:
    """The name an imported revision is signed with: never an IP address (« Anonyme »)."""
    name = _IMPORTED_PREFIX.sub("", revision.author).strip()
    if revision.anonymous or not name:
        return ANONYMOUS
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return name
    return ANONYMOUS


def masked(comment: str) -> str:
    """An edit comment with the IP addresses it names masked."""
    return _IPV6.sub("[IP masquée]", _IPV4.sub("[IP masquée]", comment))


def file_address(site: SiteInfo) -> Callable[[str], str] | None:
    """Where a file's page is on the source wiki, from its main page address (None when unknown)."""
    base = site.base
    if not base.startswith(("http://", "https://")):
        return None
    prefix = base[: base.index("title=") + 6] if "title=" in base else base.rsplit("/", 1)[0] + "/"
    namespace = site.namespaces.get(6) or "File"
    return lambda name: prefix + urllib.parse.quote(f"{namespace}:{name}".replace(" ", "_"), safe=":/")


Converter = Callable[[DumpPage, datetime, Revision, bool], "pages.ImportedRevision | None"]


def _converter(names: Namespaces, file_url: Callable[[str], str] | None, tally: Tally) -> Converter:
    """Turn one revision into an ``ImportedRevision`` (None when too long); tally the last revision's notes."""

    def convert(page: DumpPage, moment: datetime, revision: Revision, last: bool) -> pages.ImportedRevision | None:
        """One revision in Markdown (a template's source as code), dated ``moment``."""
        text = revision.text or ""
        if page.ns == TEMPLATE:
            body = "Source du modèle (wikitexte) : ses appels sont gardés tels quels dans les pages.\n\n"
            body += fenced(text) + "\n"
        elif revision.model not in ("wikitext", ""):
            body = fenced(text, {"javascript": "js", "css": "css", "json": "json"}.get(revision.model, ""))
        else:
            converted = to_markdown(text, names, file_url)
            body = converted.markdown
            if last:
                for what in converted.kept:
                    tally.note(what, page.title)
                tally.categories.update(converted.categories)
        if len(body.encode("utf-8")) > MAX_MARKUP_BYTES:
            return None
        if last and revision.other_slots:
            tally.note("slots", page.title)
        return pages.ImportedRevision(body=body, created_at=moment,
                                      author_name=author_name(revision), comment=masked(revision.comment))  # fmt: skip

    return convert


class PageTask(NamedTuple):
    """One page to convert (:func:`convert_page`): its readable revisions apart, with their dates."""

    names: Namespaces
    site: SiteInfo
    page: DumpPage
    revisions: list[tuple[datetime, Revision]]


class PageDone(NamedTuple):
    """A converted page: its revisions (None: too long), its notes and categories, its newest text rendered."""

    revisions: list[pages.ImportedRevision | None]
    notes: Counter[str]
    categories: Counter[str]
    rendered: Any


def convert_page(task: PageTask | None) -> PageDone | None:
    """Convert a page's revisions and render the newest (pure: run in a worker process for a big dump)."""
    if task is None:
        return None
    tally = Tally()
    convert = _converter(task.names, file_address(task.site), tally)
    last = len(task.revisions) - 1
    converted = [convert(task.page, moment, r, i == last) for i, (moment, r) in enumerate(task.revisions)]
    kept = [r for r in converted if r is not None]
    rendered = render_ahead(kept[-1].body) if kept else None
    return PageDone(converted, tally.kept, tally.categories, rendered)
