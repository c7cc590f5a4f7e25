"""Wiki Markdown → sanitised HTML, page slugs and display titles.

Pure package: it imports no Flask and no project code outside itself, so
views, importers, the CLI and tests share one pipeline; callers inject URLs
through ``page_url``. Pipeline: size cap → defensive pre-pass against
Python-Markdown's super-linear paths (:mod:`wiki.markup.defuse`, HOSTILE_INPUTS
B9-85, goal G10) → Python-Markdown with bounded links and wiki links
and bare URLs (:mod:`wiki.markup.extensions`, :mod:`wiki.markup.autolinks`)
→ nh3 allowlist and ``rel`` on external links
(:mod:`wiki.markup.sanitizer`) → accessibility audit. Slugs and titles are
:mod:`wiki.markup.titles`; this module is the public face of all of it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wiki.markup.defuse import CONTROL_CHARS
from wiki.markup.defuse import defuse
from wiki.markup.extensions import converter
from wiki.markup.extensions import give_back
from wiki.markup.sanitizer import sanitize
from wiki.markup.titles import normalize_title
from wiki.markup.titles import slugify

__all__ = [
    "MAX_MARKUP_BYTES",
    "MarkupTooLarge",
    "Rendered",
    "excerpt",
    "normalize_title",
    "render",
    "render_plain",
    "slugify",
]

MAX_MARKUP_BYTES = 1_000_000
# Deeper nesting than this is never writing, only a hostile text: browsers and
# screen readers choke on it. Python-Markdown up to 3.11.3 overflowed its
# recursion on it; later releases nest as deep as asked, so it is measured.
MAX_NESTING = 100
_CONTAINER_TAG = re.compile(r"<(/?)(ul|ol|li|blockquote|dl|dd|div|table|td|th)\b")
_ALIGN_STYLE = re.compile(r'<(t[hd]) style="text-align: (left|right|center);">')
_IMG_TAG = re.compile(r"<img\b([^>]*)>")
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th\b[^>]*+>(?:\s++|<(?!/th>)[^>]*+>)*+[^<\s]")  # a <th> with text
_FENCE = re.compile(r"(`{3,}|~{3,})")
_EXCERPT_LINE_START = re.compile(r"^(?:[ \t]*+(?:>|#{1,6}+(?=\s)|[-*+](?=\s)|\d{1,9}+[.)](?=\s)))++")
_EXCERPT_INLINE = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^\s{0,3}\[[^\]]{1,200}\]:.*", ""),  # reference definitions
        (r"^[\s|:=-]+$", ""),  # rules, setext underlines, table separators
        (r"!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)", r"\1"),  # image → its alt text
        (r"\[\[[^\]|\n]{1,250}\|([^\]\n]{1,250})\]\]", r"\1"),
        (r"\[\[([^\]\n]{1,250})\]\]", r"\1"),
        (r"\[\^[^\]\n]{0,200}\]", ""),  # footnote calls
        (r"\[([^\]\n]{0,500})\](?:\([^)\n]{0,2000}\)|\[[^\]\n]{0,200}\])", r"\1"),
        (r"<[^<>\n]{0,500}>", ""),  # HTML tags
        (r"(?<![\\\w])[*_~]++|(?<!\\)[*_~]++(?!\w)|`++|\|", " "),  # emphasis, code, cells
        (r"\\([!-/:-@\[-`{-~])", r"\1"),  # backslash escapes
    )
)


class MarkupTooLarge(ValueError):
    """The Markdown source exceeds ``MAX_MARKUP_BYTES``."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"Le texte fait {size} octets : la limite est de "
            f"{MAX_MARKUP_BYTES} octets (1 Mo). Découpez-le en plusieurs pages."
        )


@dataclass(frozen=True)
class Rendered:
    """Result of ``render``: body, table of contents and what the body links to."""

    html: str
    toc_html: str
    links: frozenset[str]
    headings: tuple[tuple[int, str, str], ...]
    warnings: tuple[str, ...]


def _audit(body: str, headings: tuple[tuple[int, str, str], ...]) -> tuple[str, ...]:
    """Return accessibility warnings (B16) for sanitised *body*, without duplicates."""
    warnings = []
    for image in _IMG_TAG.finditer(body):  # nh3 output: quoted, '<' '>' escaped
        alt, src = (re.search(rf'\s{name}="([^"]*)"', image.group(1)) for name in ("alt", "src"))
        if alt is None or not alt.group(1).strip():
            source = html.unescape(src.group(1))[:80] if src else "?"
            warnings.append(f"Image sans texte alternatif : {source}")
    previous = 1  # the page title is the layout's <h1>
    for level, text, _anchor in headings:
        if level > previous + 1:
            warnings.append(f"Niveau de titre sauté : « {text[:80]} » est de niveau {level} après un niveau {previous}")
        previous = level
    for table in _TABLE.finditer(body):
        if not _HEADER_CELL.search(table.group(1)):
            warnings.append("Tableau sans ligne d’en-tête : ajoutez une ligne de titres")
    return tuple(dict.fromkeys(warnings))


def _toc(tokens: list[dict[str, Any]]) -> str:
    """Return nested <ul> markup for toc tokens (names arrive HTML-escaped)."""
    items = "".join(
        f'<li><a href="#{html.escape(t["id"])}">{t["name"]}</a>{_toc(t["children"]) if t["children"] else ""}</li>'
        for t in tokens
    )
    return f"<ul>{items}</ul>"


def _headings(tokens: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """Flatten toc tokens into (level, text, anchor id) in document order."""
    flat: list[tuple[int, str, str]] = []
    for t in tokens:
        flat.append((t["level"], html.unescape(t["name"]), t["id"]))
        flat += _headings(t["children"])
    return flat


def _default_page_url(slug: str) -> str:
    """Return the default URL of a wiki page."""
    return f"/pages/{slug}"


def render(text: str, *, page_url: Callable[[str], str] = _default_page_url) -> Rendered:
    """Render wiki Markdown *text* to sanitised HTML, TOC, links and warnings."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_MARKUP_BYTES:
        raise MarkupTooLarge(size)
    source, conv = defuse(text), converter()
    try:
        converted = conv.convert(source, page_url)
    except RecursionError:
        # Thousands of nested '*' or list levels overflow Python-Markdown's
        # recursive tree walks: show the text rather than fail the request.
        converted = None
    else:  # a converter that raised may hold half a text: this thread gets a new one
        give_back(conv)
    if converted is None or _nesting(converted.body) > MAX_NESTING:
        body = f"<pre>{render_plain(text)}</pre>"
        note = "Mise en forme abandonnée : le texte est trop imbriqué ; il est affiché tel quel."
        return Rendered(sanitize(body), "", frozenset(), (), (note,))
    clean = sanitize(_ALIGN_STYLE.sub(r'<\1 align="\2">', converted.body), converted.hrefs)
    tokens = converted.toc_tokens  # set by the toc extension
    headings = tuple(_headings(tokens))
    toc_html = sanitize(_toc(tokens)) if len(headings) >= 3 else ""
    return Rendered(clean, toc_html, converted.links, headings, _audit(clean, headings))


def _nesting(body: str) -> int:
    """Return the deepest nesting of block containers (lists, quotes, tables) in ``body``."""
    depth = deepest = 0
    for closing, _tag in _CONTAINER_TAG.findall(body):
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def render_plain(text: str) -> str:
    """Return *text* HTML-escaped for display as plain text (no Markdown, no links)."""
    return html.escape(CONTROL_CHARS.sub("", text), quote=True)


def excerpt(text: str, length: int = 200) -> str:
    """Return a plain-text (unescaped) excerpt of Markdown *text*, at most *length* chars."""
    kept: list[str] = []
    fence, total = "", 0
    for line in text[: max(length * 50, 20_000)].splitlines():
        opener = _FENCE.match(line)
        if fence:  # code says little about a page: skip it
            fence = "" if line.strip() == fence else fence
            continue
        if opener:
            fence = opener.group(1)
            continue
        line = _EXCERPT_LINE_START.sub("", line[:2000], count=1)
        for pattern, replacement in _EXCERPT_INLINE:
            line = pattern.sub(replacement, line)
        kept.append(line)
        total += len(line)
        if total > length * 2:
            break
    plain = " ".join(html.unescape(" ".join(kept)).split())
    if len(plain) <= length:
        return plain
    cut = plain[: max(length - 1, 0)]
    return (cut.rsplit(" ", 1)[0] if " " in cut[length // 2 :] else cut).rstrip(" ,;:.") + "…"
