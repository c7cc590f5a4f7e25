"""Bare web addresses as links, and the web hrefs of Markdown's links handed to the sanitizer.

Pure module: part of :mod:`wiki.markup`. :class:`BareUrlProcessor` follows
GFM's autolink extension: ``http://``, ``https://`` and ``www.`` addresses in
text become links, found before emphasis so a ``_`` or ``*`` inside a URL
stays a character. :class:`HrefStash` swaps the web hrefs of the links
Markdown itself made for placeholders, which :func:`wiki.markup.sanitizer.sanitize`
puts back: nh3 drops any href its URL parser refuses (a punycode host that
does not decode, ``http://xn--xn.com/``), scheme allowed or not.
"""

from __future__ import annotations

import html
import re
import secrets
import xml.etree.ElementTree as etree
from typing import Any

import markdown
from markdown import inlinepatterns as ip
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE
from markdown.util import INLINE_PLACEHOLDER_RE
from markdown.util import AtomicString

from wiki.markup.sanitizer import is_web_url

# Not after a letter, a digit or URL punctuation ("foohttp://", "a/www.b"), so
# after a space, "(", "*", "_", "~", a quote... Then any run up to a space, a
# '<' or a placeholder (code span, raw HTML, backslash escape, link already
# found). One possessive run: linear time, no backtracking.
BARE_URL_RE = r"(?<![^\W_]|[/.:@&=%+#\\-])(?:(?i:https?)://|www\.)[^\s<\x02\x03]++"
_TRAILING = frozenset("?!.,:*_~'\"")  # GFM's, with cmark-gfm's quotes
_HOST_END = re.compile(r"[/?#:]")
_LABEL = re.compile(r"[\w-]+")
# Python-Markdown's serializer leaves these '&' alone in attributes: they are references.
_REFERENCE_AMP = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)
_RAW_A_OPEN = re.compile(r"<a\b", re.IGNORECASE)  # an inline raw-HTML placeholder holds one tag
_RAW_A_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
_STASH_PRIORITY = -10  # after every stock tree processor, "unescape" (0) included


def _trim(url: str) -> str:
    """Drop what GFM leaves out of an autolink's end: punctuation, an entity, unmatched ')'."""
    opened, closed = url.count("("), url.count(")")
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ";":  # "&hl;" looks like an entity: it stays text, as a bare ';' does
            start = end - 1
            while start > 0 and url[start - 1].isascii() and url[start - 1].isalnum():
                start -= 1
            end = start - 1 if start < end - 1 and start > 0 and url[start - 1] == "&" else end - 1
        elif last == ")" and closed > opened:
            closed -= 1
            end -= 1
        else:
            break
    return url[:end]


def _valid_host(url: str) -> bool:
    """Tell whether *url*'s host is a GFM "valid domain": no empty label, no '_' near the end."""
    rest = url if url.startswith("www.") else url[url.index("//") + 2 :]
    cut = _HOST_END.search(rest)
    labels = (rest[: cut.start()] if cut else rest).split(".")
    if not all(_LABEL.fullmatch(label) for label in labels):
        return False
    return not any("_" in label for label in labels[-2:])


class BareUrlProcessor(ip.InlineProcessor):
    """A bare ``http(s)://`` or ``www.`` address → ``<a href>`` (``www.`` gets ``http://``).

    Registered above emphasis and below raw HTML, so a URL inside a tag's
    attribute, a code span or a link is never touched, and never in a link's text.
    """

    ANCESTOR_EXCLUDES = ("a",)

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(BARE_URL_RE, md)
        self._seen, self._inside = "", False  # text read so far, and whether a raw <a> is open there

    def forget(self) -> None:
        """Start a new text: nothing read yet."""
        self._seen, self._inside = "", False

    def _in_raw_link(self, data: str, pos: int) -> bool:
        """Tell whether *pos* lies between a raw-HTML ``<a ...>`` and its ``</a>``.

        The state depends on the text before *pos* only, so a text extending
        the one read last time is read on from there: linear, not quadratic.
        """
        if not data.startswith(self._seen):
            self._seen, self._inside = "", False
        stashed = getattr(self.md.treeprocessors["inline"], "stashed_nodes", {})
        for node in INLINE_PLACEHOLDER_RE.finditer(data, len(self._seen), pos):
            raw = HTML_PLACEHOLDER_RE.fullmatch(str(stashed.get(node.group(1), "")))
            block = self.md.htmlStash.rawHtmlBlocks[int(raw.group(1))] if raw else ""
            tag = block if isinstance(block, str) else ""
            if _RAW_A_OPEN.match(tag):
                self._inside = True
            elif _RAW_A_CLOSE.match(tag):
                self._inside = False
        self._seen = data[:pos]
        return self._inside

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, Any, Any]:
        """Build the link for the trimmed match, or decline: no valid host, or in a raw link."""
        url = _trim(m.group(0))
        if not _valid_host(url) or self._in_raw_link(data, m.start(0)):
            return None, None, None
        link = etree.Element("a", {"href": f"http://{url}" if url.startswith("www.") else url})
        link.text = AtomicString(url)
        return link, m.start(0), m.start(0) + len(url)


class HrefStash(Treeprocessor):
    """Swap the web hrefs of Markdown's links for placeholders only *hrefs* can resolve.

    The placeholders carry a per-text nonce: raw HTML cannot name one.
    ``hrefs`` maps each placeholder to its URL as a browser reads it.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.forget()

    def forget(self) -> None:
        """Start a new text: a new nonce, and a new ``hrefs`` (the last text's is left to its caller)."""
        self.hrefs: dict[str, str] = {}
        self.prefix = f"#lieudit-href-{secrets.token_hex(8)}-"

    def run(self, root: etree.Element) -> None:
        """Replace each web href in *root* by a placeholder recorded in ``hrefs``."""
        for link in root.iter("a"):
            value = link.get("href")
            if value is None:
                continue
            url = html.unescape(_REFERENCE_AMP.sub("&amp;", value))  # as serialized, then read
            if is_web_url(url):
                key = f"{self.prefix}{len(self.hrefs)}"
                self.hrefs[key] = url
                link.set("href", key)


def register_autolinks(md: markdown.Markdown) -> None:
    """Add bare-URL links to *md*, and the ``href_stash`` that records its web hrefs for the sanitizer."""
    md.inlinePatterns.register(BareUrlProcessor(md), "bare_url", 85)  # html 90 > it > entity 80
    md.treeprocessors.register(HrefStash(md), "href_stash", _STASH_PRIORITY)
