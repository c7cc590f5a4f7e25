"""Wiki Markdown → sanitised HTML, page slugs and display titles.

Pure module: it imports no Flask and no project code, so views, importers, the
CLI and tests share one pipeline; callers inject URLs through ``page_url``.
Pipeline: size cap → defensive pre-pass against Python-Markdown's super-linear
paths (HOSTILE_INPUTS B9-85, goal G10) → Python-Markdown → nh3 allowlist →
``rel`` on external links → accessibility audit.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import markdown
import nh3
from markdown import inlinepatterns as ip
from markdown.util import AtomicString

MAX_MARKUP_BYTES = 1_000_000
SLUG_MAX_CHARS = 120
TITLE_MAX_CHARS = 200
# Python-Markdown re-scans a whole block per inline match and per block-level
# line (tables' ``test``), so one huge block is quadratic: cap block size.
_BLOCK_MAX_CHARS = 10_000
_BLOCK_MAX_LINES = 256
# Estimated characters the stdlib-derived HTML parser rescans for unclosed
# tags; above this (~0.1 s) unclosed ``<tag`` openers are escaped.
_TAG_SCAN_BUDGET = 3_000_000
_MAX_FENCED_BLOCKS = 1_000
_BLOCK_BREAK = ["", "<!-- -->", ""]  # ends any block, keeps tight lists tight
# Deeper nesting than this is never writing, only a hostile text: browsers and
# screen readers choke on it. Python-Markdown up to 3.11.3 overflowed its
# recursion on it; later releases nest as deep as asked, so it is measured.
MAX_NESTING = 100
_CONTAINER_TAG = re.compile(r"<(/?)(ul|ol|li|blockquote|dl|dd|div|table|td|th)\b")

_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})  # controls, bidi/zero-width, lone surrogates
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SLUG_JUNK = re.compile(r"[\W_]+")
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")  # browsers drop these inside schemes
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SAFE_ID = re.compile(r"(?:s-|fn:|fnref:)[\w:.-]{1,200}")  # only our ids: no DOM clobbering
_LANG_CLASS = re.compile(r"language-[\w#+.-]{1,40}")
_ALIGN_STYLE = re.compile(r'<(t[hd]) style="text-align: (left|right|center);">')
_A_TAG = re.compile(r"<a\b([^>]*)>")  # nh3 escapes < and > inside attribute values
_HREF = re.compile(r'\shref="([^"]*)"')
_CLASS = re.compile(r'\sclass="[^"]*"')
_IMG_TAG = re.compile(r"<img\b([^>]*)>")
_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)
_HEADER_CELL = re.compile(r"<th\b[^>]*+>(?:\s++|<(?!/th>)[^>]*+>)*+[^<\s]")  # a <th> with text
_FENCE = re.compile(r"(`{3,}|~{3,})")
_FENCE_OPEN = re.compile(  # Python-Markdown's own opening-fence syntax, one line
    r"(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|(?:\.?[\w#.+-]*[ ]*)?(?:hl_lines=(\"|').*?\2[ ]*)?)"
)
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ ]*")
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-*:?\s*)*\|?\s*")
_ANGLE = re.compile(r"[<>]")
_TAG_OPENER = re.compile(r"<[A-Za-z!?/]")
_BRACKET = re.compile(r"[\[\]]")
_SHORT_LINK_TEXT = re.compile(r"(?:[^\[\]]++|\[[^\[\]]*+\])*+\]")
_LINK_WINDOW = 2048
_QUOTED_LINK_WINDOW = 512
_PLAIN_DESTINATION = re.compile(r"\(\s*((?:[^()'\"]++|\((?:[^()'\"]++|\([^()'\"]*+\))*+\))*+)\)")
_FOOTNOTE_CALL = re.compile(r"\[\^([^\]]{1,200})\]")  # stock one scans to the block end
_STASHED_CHAR = re.compile("\x02(\\d+)\x03")  # Python-Markdown's backslash-escape placeholder
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
_WIKILINK_RE = r"\[\[([^\[\]|\n]{1,250}?)(?:\|([^\[\]\n]{1,250}?))?\]\]"

_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "b",
    "i",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "kbd",
    "hr",
    "br",
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "div",
    "span",
    "abbr",
    "dl",
    "dt",
    "dd",
}
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    # Removed with their content, not just unwrapped: their text is code, not prose.
    clean_content_tags={
        "script",
        "style",
        "template",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "noscript",
        "textarea",
        "title",
        "xmp",
        "noembed",
        "noframes",
    },
    attributes={
        "a": {"href", "title", "id"},
        "img": {"src", "alt", "title", "width", "height"},
        "code": {"class"},
        "ol": {"start"},
        "li": {"id"},
        "sup": {"id"},
        "div": {"id"},
        "abbr": {"title"},
        "th": {"colspan", "rowspan"},
        "td": {"colspan", "rowspan"},
        **{h: {"id"} for h in _HEADING_TAGS},
    },
    tag_attribute_values={t: {"align": {"left", "right", "center"}} for t in ("th", "td")},
    set_tag_attribute_values={"img": {"loading": "lazy"}},
    allowed_classes={"a": {"wikilink", "footnote-ref", "footnote-backref"}, "div": {"footnote", "toc"}},
    url_schemes={"http", "https", "mailto"},
    link_rel=None,  # added below for external links only, never for wiki links
    strip_comments=True,
    attribute_filter=lambda tag, attr, value: _filter_attribute(tag, attr, value),
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


def _drop_invisible(text: str) -> str:
    """Remove controls, format chars (bidi, zero-width) and surrogates; keep whitespace."""
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) not in _INVISIBLE)


def slugify(title: str) -> str:
    """Return the canonical page key of *title*, or "" when nothing usable remains."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFC", title))
    text = unicodedata.normalize("NFKD", _drop_invisible(text).casefold())
    # Recompose after dropping accents so Hangul and the like stay one code point each.
    text = unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))
    return _SLUG_JUNK.sub("-", text).strip("-")[:SLUG_MAX_CHARS].rstrip("-")


def normalize_title(title: str) -> str:
    """Return *title* as displayed: NFC, one space between words, no invisible chars."""
    text = _drop_invisible(unicodedata.normalize("NFC", title))
    return " ".join(text.split())[:TITLE_MAX_CHARS].strip()


def _scheme(url: str) -> str:
    """Return the lower-cased URL scheme as a browser would see it ("" if relative)."""
    match = _SCHEME.match(_URL_NOISE.sub("", url))
    return match.group(1).lower() if match else ""


def _filter_attribute(tag: str, attr: str, value: str) -> str | None:
    """nh3 hook: allowlist URL schemes per tag, our id prefixes and code classes."""
    if attr == "id":
        return value if _SAFE_ID.fullmatch(value) else None
    if attr in ("href", "src"):
        allowed = ("", "http", "https") if tag == "img" else ("", "http", "https", "mailto")
        return value if _scheme(value) in allowed else None
    if tag == "code" and attr == "class":
        return " ".join(c for c in value.split() if _LANG_CLASS.fullmatch(c)) or None
    return value


def _is_external(url: str) -> bool:
    """Tell whether *url* leaves the site (absolute http(s) or scheme-relative)."""
    url = _URL_NOISE.sub("", url)
    # Browsers read a backslash as a slash, so "/\\evil.tld" is "//evil.tld".
    return url.replace("\\", "/").startswith("//") or _scheme(url) in ("http", "https")


def _mark_external(match: re.Match[str]) -> str:
    """Add rel=nofollow to an external <a>; it may not pose as a wiki link either."""
    attrs = match.group(1)
    href = _HREF.search(attrs)
    if href is None or not _is_external(html.unescape(href.group(1))):
        return match.group(0)
    return f'<a{_CLASS.sub("", attrs)} rel="nofollow ugc noopener">'


def _sanitize(fragment: str) -> str:
    """Return *fragment* reduced to the allowlist, external links marked."""
    return _A_TAG.sub(_mark_external, _CLEANER.clean(fragment))


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
            return self.unescape(plain.group(1)).strip(), None, plain.end(), True
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


def _build_markdown(page_url: Callable[[str], str], links: set[str]) -> markdown.Markdown:
    """Return a fresh converter: Markdown instances keep state and are not thread-safe."""
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
    return md


def _fenced_lines(lines: list[str]) -> set[int]:
    """Return indexes of lines inside closed fences; unclosed openers get a space.

    Python-Markdown's fence regex rescans to the end of the text for every
    opener without a matching closer, so N unclosed openers cost O(N²)
    (1 MB of "```x" lines runs for hours). An indented opener is plain text
    to Python-Markdown, as the unclosed one was: the output does not change.
    """
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if _FENCE_CLOSE.fullmatch(line):
            closers.setdefault(line.rstrip(" "), []).append(i)
    inside: set[int] = set()
    i = blocks = 0
    while i < len(lines):
        opener = _FENCE_OPEN.fullmatch(lines[i]) if lines[i][:1] in "`~" else None
        if opener:
            later = closers.get(opener.group(1), [])
            k = bisect_right(later, i)
            # Each stashed block also copies the whole text once: cap their number.
            if k < len(later) and blocks < _MAX_FENCED_BLOCKS:
                blocks += 1
                inside.update(range(i, later[k] + 1))
                i = later[k] + 1
                continue
            lines[i] = " " + lines[i]
        i += 1
    return inside


def _escape_unclosed_tags(text: str) -> str:
    """Escape ``<tag`` openers that never close, once rescanning them gets costly.

    The HTML block parser (a copy of html.parser) rescans up to the next '>'
    for each of them: ``"<a " * 10000`` takes 8 s. Only such pathological
    text pays the (then cosmetic) price of a literal ``&lt;`` in inline code.
    """
    unclosed: list[int] = []
    cost, next_gt, next_lt = 0, len(text), len(text)
    for angle in reversed(list(_ANGLE.finditer(text))):
        pos = angle.start()
        if angle.group() == ">":
            next_gt = pos
            continue
        if (next_lt < next_gt or next_gt == len(text)) and _TAG_OPENER.match(text, pos):
            unclosed.append(pos)
            cost += next_gt - pos
        next_lt = pos
    if cost <= _TAG_SCAN_BUDGET:
        return text
    pieces, last = [], 0
    for pos in reversed(unclosed):  # collected right to left
        pieces += [text[last:pos], "&lt;"]
        last = pos + 1
    return "".join(pieces) + text[last:]


def _split_blocks(lines: list[str], fenced: set[int]) -> list[str]:
    """Cut over-long blocks (see ``_BLOCK_MAX_CHARS``); fences and tables stay whole."""
    out: list[str] = []
    chars = count = 0
    in_table = False
    for i, line in enumerate(lines):
        if i in fenced or not line.strip():
            out.append(line)
            chars = count = 0
            in_table = False
            continue
        while len(line) > _BLOCK_MAX_CHARS:  # one giant line: cut at a space if any
            cut = line.rfind(" ", 0, _BLOCK_MAX_CHARS)
            cut = cut if cut > 0 else _BLOCK_MAX_CHARS
            out += [line[:cut], *_BLOCK_BREAK]
            line, chars, count = line[cut:], 0, 0
        if "|" not in line:
            in_table = False
        elif i + 1 < len(lines) and _TABLE_RULE.fullmatch(lines[i + 1]):
            in_table = True  # the tables extension handles each cell on its own
        if not in_table and (chars + len(line) > _BLOCK_MAX_CHARS or count >= _BLOCK_MAX_LINES):
            out += _BLOCK_BREAK
            chars = count = 0
        out.append(line)
        chars, count = chars + len(line), count + 1
    return out


def _defuse(text: str) -> str:
    """Rewrite *text* so Python-Markdown runs in near-linear time (B9-85, G10)."""
    lines = _CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    fenced = _fenced_lines(lines)
    # Blank out fenced code so its '<' neither counts nor gets escaped.
    masked = "\n".join(" " * len(line) if i in fenced else line for i, line in enumerate(lines))
    escaped = _escape_unclosed_tags(masked)
    if escaped is not masked:
        lines = [
            line if i in fenced else new for i, (line, new) in enumerate(zip(lines, escaped.split("\n"), strict=True))
        ]
    return "\n".join(_split_blocks(lines, fenced))


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
    links: set[str] = set()
    source, md = _defuse(text), _build_markdown(page_url, links)
    try:
        body = md.convert(source)
        too_deep = _nesting(body) > MAX_NESTING
    except RecursionError:
        # Thousands of nested '*' or list levels overflow Python-Markdown's
        # recursive tree walks: show the text rather than fail the request.
        too_deep = True
    if too_deep:
        body = f"<pre>{render_plain(text)}</pre>"
        note = "Mise en forme abandonnée : le texte est trop imbriqué ; il est affiché tel quel."
        return Rendered(_sanitize(body), "", frozenset(), (), (note,))
    clean = _sanitize(_ALIGN_STYLE.sub(r'<\1 align="\2">', body))
    tokens = md.toc_tokens  # type: ignore[attr-defined]  # set by the toc extension
    headings = tuple(_headings(tokens))
    toc_html = _sanitize(_toc(tokens)) if len(headings) >= 3 else ""
    return Rendered(clean, toc_html, frozenset(links), headings, _audit(clean, headings))


def _nesting(body: str) -> int:
    """Return the deepest nesting of block containers (lists, quotes, tables) in ``body``."""
    depth = deepest = 0
    for closing, _tag in _CONTAINER_TAG.findall(body):
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def render_plain(text: str) -> str:
    """Return *text* HTML-escaped for display as plain text (no Markdown, no links)."""
    return html.escape(_CONTROL_CHARS.sub("", text), quote=True)


def excerpt(text: str, length: int = 200) -> str:
    """Return a plain-text (unescaped) excerpt of Markdown *text*, at most *length* chars."""
    kept: list[str] = []
    fence, total = "", 0
    for line in text[: max(length * 50, 20_000)].splitlines():
        opener = _FENCE.match(line)
        if fence or opener:  # code says little about a page: skip it
            fence = "" if fence and line.strip() == fence else (fence or opener.group(1))
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
