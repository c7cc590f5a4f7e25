"""Python-Markdown as the wiki uses it: bounded link parsing, ``[[wiki links]]``, section ids.

Pure module: part of :mod:`wiki.markup`, which converts each text with
:func:`converter`, one :class:`WikiConverter` per thread: building a
``markdown.Markdown`` costs about a fifth of rendering a page, and an instance
keeps state and is not thread-safe. Between texts the converter resets every
piece of per-text state (Python-Markdown's own, the wiki links found, the
hrefs handed to the sanitizer, the section ids, the link parsers' caches); a
conversion that raises leaves no converter behind. Inline patterns only run on
text holding what their matches hold (:data:`_NEEDLES`). The link processors
replace Python-Markdown's own with ones that never rescan to the end of a block
(HOSTILE_INPUTS B9-85).
"""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as etree
from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from typing import cast

import markdown
from markdown import inlinepatterns as ip
from markdown.extensions import Extension
from markdown.util import AtomicString

from wiki.markup.autolinks import BareUrlProcessor
from wiki.markup.autolinks import HrefStash
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


class _Needles:
    """A compiled pattern run only on texts holding one of the substrings each of its matches holds.

    Python's regex engine finds a pattern's literal first character fast, but
    one that opens with a lookbehind (backticks, bare URLs, links) is tried at
    every position of every text node: looking for the substring first gives
    the same matches, and none at once in most texts. Python-Markdown only
    calls ``finditer`` on an inline pattern's regex; the rest is delegated.
    """

    def __init__(self, compiled: re.Pattern[str], needles: tuple[str, ...]) -> None:
        self.compiled, self.needles = compiled, needles

    def finditer(self, data: str, pos: int = 0) -> Iterable[re.Match[str]]:
        """The matches of the pattern in *data* from *pos*; none when no needle is in *data*."""
        for needle in self.needles:  # a loop, not any(): this runs for every pattern on every text node
            if needle in data:
                return self.compiled.finditer(data, pos)
        return ()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.compiled, name)


#: What every match of each inline pattern holds (its regex opens with the first character, or needs it).
_NEEDLES = {
    "backtick": ("`",),  # (?<!\\)` or backslashes before (?=`+)
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "wikilink": ("[[",),
    "footnote": ("[^",),
    "autolink": ("<",),
    "automail": ("<",),
    "html": ("<",),
    "bare_url": ("://", "www."),
    "entity": ("&",),
    "linebreak": ("  \n",),
}


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
            self._block: str | None = data
            self._pairs = pairs
        close = self._pairs.get(index - 1, -1)
        return (data[index:close], close + 1, True) if close >= 0 else ("", index, False)

    def forget(self) -> None:
        """Drop the bracket pairs of the last block read (before a new text)."""
        self._block, self._pairs = None, {}

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

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(_WIKILINK_RE, md)
        self.page_url: Callable[[str], str] = _no_page_url
        self.links: set[str] = set()

    def forget(self) -> None:
        """Start a new text: no link found yet, no page URL maker."""
        self.page_url, self.links = _no_page_url, set()

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


class _SectionIds:
    """A toc slugifier: ``s-`` ids cannot clash with the app's, repeats numbered (per text)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, value: str, _separator: str) -> str:
        """Return the id of the heading *value*, numbered when an earlier heading had it."""
        base = "s-" + (slugify(value) or "section")
        self.seen[base] = self.seen.get(base, 0) + 1
        return base if self.seen[base] == 1 else f"{base}-{self.seen[base]}"

    def forget(self) -> None:
        """Start a new text: no heading seen yet."""
        self.seen = {}


def _no_page_url(slug: str) -> str:
    """Stand-in between texts: a converter is always given the page URL maker of its text."""
    raise RuntimeError("page_url not set")


@dataclass(frozen=True)
class Converted:
    """What one conversion gives: the unsanitized HTML and what :func:`wiki.markup.render` needs after."""

    body: str
    links: frozenset[str]
    hrefs: dict[str, str]
    toc_tokens: list[dict[str, Any]]


class _Forget(Extension):
    """Registered on the converter, so ``Markdown.reset`` also resets the wiki's own per-text state."""

    def __init__(self, parts: list[Any]) -> None:
        super().__init__()
        self.parts = parts

    def reset(self) -> None:
        """Called by ``Markdown.reset``: each part forgets the last text."""
        for part in self.parts:
            part.forget()


class WikiConverter:
    """One ``markdown.Markdown`` with the wiki's extensions, reused text after text (not thread-safe).

    :meth:`convert` resets it first, so a text never sees what the previous one left.
    """

    def __init__(self) -> None:
        section_ids = _SectionIds()
        md = markdown.Markdown(
            extensions=["tables", "fenced_code", "footnotes", "toc", "sane_lists"],
            extension_configs={
                "toc": {"marker": "", "permalink": False, "slugify": section_ids},
                "footnotes": {"BACKLINK_TITLE": "Revenir à l’appel de note %d"},
            },
            output_format="html",
        )
        links = [processor(pattern, md) for _name, processor, pattern, _priority in _LINK_PROCESSORS]
        for (name, _processor, _pattern, priority), link in zip(_LINK_PROCESSORS, links, strict=True):
            md.inlinePatterns.register(link, name, priority)
        self.wikilinks = _WikiLinkProcessor(md)
        md.inlinePatterns.register(self.wikilinks, "wikilink", 176)
        md.inlinePatterns["footnote"].compiled_re = _FOOTNOTE_CALL
        register_autolinks(md)
        for name, needles in _NEEDLES.items():
            processor = md.inlinePatterns[name]
            processor.compiled_re = cast(re.Pattern[str], _Needles(processor.compiled_re, needles))
        self.stash = md.treeprocessors["href_stash"]
        bare = md.inlinePatterns["bare_url"]
        assert isinstance(self.stash, HrefStash) and isinstance(bare, BareUrlProcessor)
        md.registerExtension(_Forget([*links, self.wikilinks, section_ids, bare, self.stash]))
        self.md = md

    def convert(self, source: str, page_url: Callable[[str], str]) -> Converted:
        """Convert *source* (already defused), its wiki links through *page_url*."""
        md = self.md.reset()
        self.wikilinks.page_url = page_url
        body = md.convert(source)
        converted = Converted(body, frozenset(self.wikilinks.links), self.stash.hrefs, md.toc_tokens)
        md.reset()  # let go of the text, the links and the page URL maker
        return converted


_THREAD = threading.local()


def converter() -> WikiConverter:
    """Return this thread's converter, taken out until :func:`give_back` (a re-entrant call gets another)."""
    taken: WikiConverter | None = getattr(_THREAD, "converter", None)
    _THREAD.converter = None
    return taken if taken is not None else WikiConverter()


def give_back(taken: WikiConverter) -> None:
    """Keep *taken* for this thread's next text; only after a conversion that did not raise."""
    _THREAD.converter = taken
