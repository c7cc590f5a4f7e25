"""Python-Markdown as the wiki uses it: bounded link parsing, ``[[wiki links]]``, section ids.

Pure module: part of :mod:`wiki.markup`, which calls :func:`build_markdown`
once per rendering (Markdown instances keep state and are not thread-safe).
The link processors replace Python-Markdown's own with ones that never rescan
to the end of a block (HOSTILE_INPUTS B9-85).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

import markdown
from markdown import inlinepatterns as ip
from markdown.util import AtomicString

from wiki.markup.autolinks import register_autolinks
from wiki.markup.titles import slugify

_BRACKET = re.compile(r"[\[\]]")
_SHORT_LINK_TEXT = re.compile(r"(?:[^\[\]]++|\[[^\[\]]*+\])*+\]")
_LINK_WINDOW = 2048
_QUOTED_LINK_WINDOW = 512
_PLAIN_DESTINATION = re.compile(r"\(\s*((?:[^()'\"]++|\((?:[^()'\"]++|\([^()'\"]*+\))*+\))*+)\)")
_FOOTNOTE_CALL = re.compile(r"\[\^([^\]]{1,200})\]")  # stock one scans to the block end
_STASHED_CHAR = re.compile("\x02(\\d+)\x03")  # Python-Markdown's backslash-escape placeholder
_WIKILINK_RE = r"\[\[([^\[\]|\n]{1,250}?)(?:\|([^\[\]\n]{1,250}?))?\]\]"


class _BoundedLinks:
    """Link parsing without Python-Markdown's rescans to the end of the block.

    Stock ``getText`` rescans the block for every unmatched '[' (#798):
    ``"[" * 6400`` takes 5 s. Short texts are found by a bounded regex,
    others through bracket pairs computed once per block string. Stock
    ``getLink`` likewise scans to the end for every unclosed '(', so the
    destination must close within ``_LINK_WINDOW`` characters (512 when it
    holds a quote, which only the slow stock parser handles).
    """

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        """Return (link text, index after ']', found) like the stock method."""
        short = _SHORT_LINK_TEXT.match(data, index, index + 512)
        if short:
            return data[index : short.end() - 1], short.end(), True
        if data is not getattr(self, "_block", None):
            pairs: dict[int, int] = {}
            stack: list[int] = []
            for bracket in _BRACKET.finditer(data):
                if bracket.group() == "[":
                    stack.append(bracket.start())
                elif stack:
                    pairs[stack.pop()] = bracket.start()
            self._block, self._pairs = data, pairs
        close = self._pairs.get(index - 1, -1)
        return (data[index:close], close + 1, True) if close >= 0 else ("", index, False)

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """Return (href, title, index after ')', found) like the stock method."""
        if data.find(")", index, index + _LINK_WINDOW) < 0:
            return "", None, index, False
        plain = _PLAIN_DESTINATION.match(data, index, index + _LINK_WINDOW)
        if plain and not plain.group(1).startswith("<"):  # no quotes: plain nesting
            # Pattern.unescape: in Python-Markdown since 3.0, missing from its type stubs.
            return self.unescape(plain.group(1)).strip(), None, plain.end(), True  # type: ignore[attr-defined]
        # Quotes (title, apostrophe): the stock state machine, on a short window.
        window = data[index : index + _QUOTED_LINK_WINDOW]
        href, title, end, found = super().getLink(window, 0)  # type: ignore[misc]
        # It may "find" an end before the start (unclosed title): no link then.
        return (href, title, index + end, True) if found and end > 0 else ("", None, index, False)


# Same names and priorities as Python-Markdown's own link patterns, which they replace.
_LINK_PROCESSORS = tuple(
    (name, type(f"Bounded{base.__name__}", (_BoundedLinks, base), {}), pattern, priority)
    for name, base, pattern, priority in (
        ("reference", ip.ReferenceInlineProcessor, ip.REFERENCE_RE, 170),
        ("link", ip.LinkInlineProcessor, ip.LINK_RE, 160),
        ("image_link", ip.ImageInlineProcessor, ip.IMAGE_LINK_RE, 150),
        ("image_reference", ip.ImageReferenceInlineProcessor, ip.IMAGE_REFERENCE_RE, 140),
        ("short_reference", ip.ShortReferenceInlineProcessor, ip.REFERENCE_RE, 130),
        ("short_image_ref", ip.ShortImageReferenceInlineProcessor, ip.IMAGE_REFERENCE_RE, 125),
    )
)


class _WikiLinkProcessor(ip.InlineProcessor):
    """``[[Cible]]`` / ``[[Cible|texte]]`` → link to ``page_url(slugify(cible))``.

    Registered below the code-span pattern, so links inside code stay literal.
    """

    def __init__(self, md: markdown.Markdown, page_url: Callable[[str], str], links: set[str]) -> None:
        super().__init__(_WIKILINK_RE, md)
        self.page_url, self.links = page_url, links

    def _plain(self, text: str) -> str:
        """Resolve code-span and backslash-escape placeholders back to text."""
        return _STASHED_CHAR.sub(lambda m: chr(int(m.group(1))), self.unescape(text)).strip()

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Any, Any, Any]:
        """Build the <a class="wikilink">, or decline when the target has no slug."""
        target = self._plain(m.group(1))
        slug = slugify(target)
        if not slug:
            return None, None, None
        link = etree.Element("a", {"class": "wikilink", "href": self.page_url(slug)})
        link.text = AtomicString(self._plain(m.group(2) or "") or target)
        self.links.add(slug)
        return link, m.start(0), m.end(0)


def _section_ids() -> Callable[[str, str], str]:
    """Return a toc slugifier: ``s-`` ids cannot clash with the app's, repeats numbered."""
    seen: dict[str, int] = {}

    def section_id(value: str, _separator: str) -> str:
        base = "s-" + (slugify(value) or "section")
        seen[base] = seen.get(base, 0) + 1
        return base if seen[base] == 1 else f"{base}-{seen[base]}"

    return section_id


def build_markdown(page_url: Callable[[str], str], links: set[str], hrefs: dict[str, str]) -> markdown.Markdown:
    """Return a fresh converter (instances keep state and are not thread-safe).

    Wiki links' slugs are added to *links*; *hrefs* receives the web addresses
    :func:`wiki.markup.sanitizer.sanitize` must put back.
    """
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "footnotes", "toc", "sane_lists"],
        extension_configs={
            "toc": {"marker": "", "permalink": False, "slugify": _section_ids()},
            "footnotes": {"BACKLINK_TITLE": "Revenir à l’appel de note %d"},
        },
        output_format="html",
    )
    for name, processor, pattern, priority in _LINK_PROCESSORS:
        md.inlinePatterns.register(processor(pattern, md), name, priority)
    md.inlinePatterns.register(_WikiLinkProcessor(md, page_url, links), "wikilink", 176)
    md.inlinePatterns["footnote"].compiled_re = _FOOTNOTE_CALL
    register_autolinks(md, hrefs)
    return md
