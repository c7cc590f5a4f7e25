"""A link checker for a static copy: every ``href`` and ``src`` of every HTML file must lead to a file.

Pure: the standard library only. Links to other sites, mail and phone links,
and anchors within a page are not followed; a link to the server itself
(``/…`` or a ``http(s)`` address of ``own_hosts``) is broken by definition: a
copy on a USB key has no server.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote
from urllib.parse import urlsplit

#: Attributes that load or lead to something.
LINK_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "data"})


@dataclass(frozen=True)
class BrokenLink:
    """A link of ``page`` (relative to the copy's root) that leads nowhere, and why."""

    page: str
    tag: str
    url: str
    reason: str


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend((tag, value) for name, value in attrs if name in LINK_ATTRIBUTES and value is not None)


def links_of(text: str) -> list[tuple[str, str]]:
    """Return every ``(tag, url)`` that an HTML text links or loads."""
    parser = _Links()
    parser.feed(text)
    parser.close()
    return parser.found


def check_links(root: Path, own_hosts: frozenset[str] = frozenset()) -> list[BrokenLink]:
    """Walk every ``.html`` file under ``root`` and return its links that do not lead to a file there."""
    broken = []
    for page in sorted(root.rglob("*.html")):
        name = page.relative_to(root).as_posix()
        for tag, url in links_of(page.read_text(encoding="utf-8")):
            reason = _problem(root, page, url, own_hosts)
            if reason:
                broken.append(BrokenLink(name, tag, url, reason))
    return broken


def _problem(root: Path, page: Path, url: str, own_hosts: frozenset[str]) -> str | None:
    parts = urlsplit(url)
    if url.startswith("#") or parts.scheme.lower() in ("mailto", "tel", "data", "geo", "sms"):
        return None
    if parts.netloc:
        return "lien absolu vers le serveur" if parts.netloc.lower() in own_hosts else None
    if parts.scheme:
        return f"schéma inconnu {parts.scheme}"
    if url.startswith("/"):
        return "lien absolu vers le serveur"
    if not parts.path:
        return None  # "?x" or "" : the page itself
    target = (page.parent / unquote(parts.path)).resolve()
    if not target.is_relative_to(root.resolve()):
        return "hors de la copie"
    if not target.is_file():
        return "fichier absent"
    return None
