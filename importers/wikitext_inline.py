"""Wikitext inside a line → Markdown: links, images, emphasis, inline HTML, escapes.

Pure module (standard library and :mod:`wiki.markup.titles` only), the inline
half of :mod:`importers.wikitext`, which converts the blocks (headings, lists,
tables) and calls :func:`inline` on the text of each. Converted pieces are
kept aside in a :class:`Stash` behind placeholders (private-use characters),
so that escaping the source's text never touches the Markdown made from it,
and so that a block converter can still ask for a piece's original wikitext.

Internal links become the wiki's ``[[Page|texte]]``; pages of the imported
namespaces are renamed as the importer names them (``Catégorie:X``,
``Modèle:X``, see :class:`Namespaces`). Images cannot come (a dump has no
files): they become a visible note, a link to the file on the source wiki
when its address is known. Categories are taken out of the text and
collected; Semantic MediaWiki annotations ``[[propriété::valeur]]`` keep their
value as text. Emphasis follows MediaWiki's own apostrophe rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from functools import lru_cache

from wiki.markup.titles import slugify

OPEN, CLOSE = "\ue000", "\ue001"
SLOT = re.compile(f"{OPEN}(\\d+){CLOSE}")
#: Emphasis marks while a line's apostrophes are resolved.
EM_OPEN, EM_CLOSE = "\ue002", "\ue003"
#: The private-use characters above, removed from the source first.
RESERVED = re.compile("[\ue000-\ue003]")
#: MediaWiki's built-in namespace names (English, then French), by number.
CANONICAL = {-2: "Media", -1: "Special", 1: "Talk", 2: "User", 3: "User talk", 4: "Project", 5: "Project talk",
             6: "File", 7: "File talk", 8: "MediaWiki", 9: "MediaWiki talk", 10: "Template", 11: "Template talk",
             12: "Help", 13: "Help talk", 14: "Category", 15: "Category talk"}  # fmt: skip
FRENCH = {-2: "Média", -1: "Spécial", 1: "Discussion", 2: "Utilisateur", 3: "Discussion utilisateur",
          5: "Discussion Projet", 6: "Fichier", 7: "Discussion fichier", 9: "Discussion MediaWiki", 10: "Modèle",
          11: "Discussion modèle", 12: "Aide", 13: "Discussion aide", 14: "Catégorie", 15: "Discussion catégorie"}  # fmt: skip
ALIASES = {"image": 6, "image talk": 7, "utilisatrice": 2, "projet": 4}
#: The namespaces whose pages are imported, and what their titles start with here (the project's: its own name).
IMPORTED = {0: "", 4: "", 10: "Modèle", 12: "Aide", 14: "Catégorie"}
FILE, CATEGORY, MEDIA = 6, 14, -2

_LINK_EDGE = re.compile(r"\[\[|\]\]")
_TRAIL = re.compile(r"[^\W\d_]+")
_EXTERNAL = re.compile(
    r"\[((?:https?|ftp)://[^\s\[\]<>\"]+|mailto:[^\s\[\]<>\"]+|//[^\s\[\]<>\"]+)(?:\s+([^\]\n]*))?\]"
)
_BARE_URL = re.compile(r"(?<![\w/\"'=\[<])(?:https?|ftp)://[^\s<>\[\]\"{}|]+")
_URL_TAIL = ".,;:!?'\")"
_BR = re.compile(r"<br\s*/?\s*>|</br\s*>", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
#: Inline HTML kept (attributes dropped), by the tag it becomes; layout tags are unwrapped.
_KEPT_TAGS = {"sup": "sup", "sub": "sub", "s": "s", "strike": "s", "del": "del", "ins": "ins", "u": "ins",
              "small": "small", "code": "code", "tt": "code", "kbd": "kbd", "var": "code", "samp": "code",
              "b": "strong", "strong": "strong", "i": "em", "em": "em", "abbr": "abbr", "mark": "mark"}  # fmt: skip
_LAYOUT_TAGS = {"span", "div", "center", "font", "big", "p", "cite", "q", "blockquote", "dfn", "bdi", "bdo"}
_MAGIC = re.compile(r"__[A-Z]{2,30}__")
_EMPTY_PAIR = re.compile(f"{EM_OPEN}(\\*{{1,2}})(\\s*){EM_CLOSE}\\1")
_SPACE_AFTER_OPEN = re.compile(f"{EM_OPEN}(\\*{{1,2}})(\\s+)")
_SPACE_BEFORE_CLOSE = re.compile(f"(\\s+){EM_CLOSE}(\\*{{1,2}})")
_SECTION_SUFFIX = re.compile(r"\s*\(.*\)$")
_PARAM_EDGE = re.compile(r"\[\[|\]\]|\|")
_QUOTES = re.compile(r"('{2,})")
_IMAGE_OPTION = re.compile(
    r"(?:thumb(?:nail)?|vignette|frame(?:less)?|cadre|sans_cadre|border|bordure|left|right|center|centre|gauche|"
    r"droite|none|néant|upright|redresse|baseline|middle|sub|super|top|text-top|bottom|text-bottom|"
    r"\d*(?:x\d+)?px|(?:upright|redresse|link|lien|alt|page|class|lang|thumbtime)\s*=.*)",
    re.IGNORECASE,
)


@dataclass
class Namespaces:
    """How the source wiki names its namespaces (``siteinfo``), and how imported pages are called here."""

    local: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.numbers = {name.lower(): ns for ns, name in (*CANONICAL.items(), *FRENCH.items())}
        self.numbers.update(ALIASES)
        self.numbers.update({name.lower(): ns for ns, name in self.local.items() if name})

    def split(self, title: str) -> tuple[int, str]:
        """(namespace number, name) of a title as written in a link or a dump (0 when it has no prefix)."""
        title = " ".join(title.replace("_", " ").split())
        prefix, colon, name = title.partition(":")
        ns = self.numbers.get(prefix.strip().lower()) if colon else None
        return (0, title) if ns is None else (ns, name.strip())

    def ours(self, ns: int, name: str) -> str | None:
        """The title here of page ``name`` of namespace ``ns``, or None when that namespace is not imported."""
        if ns not in IMPORTED:
            return None
        prefix = IMPORTED[ns] or (self.local.get(4) or "Projet" if ns == 4 else "")
        return f"{prefix}:{name}" if prefix else name

    def target(self, title: str) -> str:
        """Where a link to ``title`` leads here: the imported page's name, or the title as written."""
        return self.ours(*self.split(title)) or " ".join(title.replace("_", " ").split())


class Stash:
    """Converted pieces behind placeholders: their Markdown, their wikitext, and whether they are blocks."""

    def __init__(self) -> None:
        self.markdown: list[str] = []
        self.wikitext: list[str] = []
        #: Pieces that must stand in a paragraph of their own (code blocks), or do when alone on their line.
        self.blocks: set[int] = set()
        self.standalone: set[int] = set()

    def put(self, markdown: str, wikitext: str, *, block: bool = False, standalone: bool = False) -> str:
        """Keep a piece; return its placeholder."""
        self.markdown.append(markdown)
        self.wikitext.append(wikitext)
        number = len(self.markdown) - 1
        if block:
            self.blocks.add(number)
        if standalone:
            self.standalone.add(number)
        return f"{OPEN}{number}{CLOSE}"

    def restore(self, text: str) -> str:
        """The Markdown of ``text`` with every piece put back (pieces may hold pieces)."""
        for _ in range(50):
            if OPEN not in text:
                break
            text = SLOT.sub(lambda m: self.markdown[int(m.group(1))], text)
        return text

    def source(self, text: str) -> str:
        """The original wikitext of ``text``."""
        for _ in range(50):
            if OPEN not in text:
                break
            text = SLOT.sub(lambda m: self.wikitext[int(m.group(1))], text)
        return text

    def stands_alone(self, text: str) -> bool:
        """Whether a line holds a block piece, or only standalone pieces (templates, images) and spaces."""
        slots = {int(n) for n in SLOT.findall(text)}
        alone = bool(slots) and slots <= self.standalone and not SLOT.sub("", text).strip()
        return alone or bool(slots & self.blocks)


@dataclass
class Context:
    """One page's conversion: names, stash, what was collected, what was kept as text (counted)."""

    names: Namespaces = field(default_factory=Namespaces)
    file_url: Callable[[str], str] | None = None
    stash: Stash = field(default_factory=Stash)
    categories: list[str] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)
    in_table: bool = False


def code_span(text: str) -> str:
    """``text`` as inline code, whatever backticks it holds (newlines become spaces)."""
    text = " ".join(text.split())
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}" if text else ""


def escape(text: str) -> str:
    """Plain text, with what Markdown would read as markup backslash-escaped (``<`` as an entity)."""
    # Backslashes first, so those added after are not doubled; str.replace beats a regex (and str.translate).
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("_", "\\_")
    return text.replace("[", "\\[").replace("]", "\\]").replace("<", "&lt;")


def plain(text: str, ctx: Context) -> str:
    """Text for a wiki link's label: converted, without emphasis, no square brackets."""
    text = _QUOTES.sub("", _links(text, ctx))
    text = ctx.stash.restore(text).replace("<", "&lt;").replace("[", "&#91;").replace("]", "&#93;")
    return " ".join(text.split())


def _image(name: str, params: list[str], ctx: Context) -> str:
    """A visible note for an image the dump does not hold: a link to it on the source wiki if known."""
    ctx.kept["images"] += 1
    options = [p for p in params if not _IMAGE_OPTION.fullmatch(p.strip())]
    alt = next((p.split("=", 1)[1] for p in params if p.strip().lower().startswith("alt=")), "")
    caption = inline(options[-1] if options else alt, ctx).strip()
    label = f"Image : {escape(name)}"
    note = f"[{label}]({ctx.file_url(name)})" if ctx.file_url else f"*{label}*"
    return f"{note} — {caption}" if caption else note


@lru_cache(maxsize=4096)
def _cached_slug(text: str) -> str:
    return slugify(text)


def _slug(text: str) -> str:
    """``slugify``, remembered for short texts: the same link targets come back in every revision of a page."""
    return _cached_slug(text) if len(text) <= 300 else slugify(text)


def _internal(inner: str, trail: str, ctx: Context) -> str:
    """One ``[[…]]`` (without its brackets) and the letters glued after it."""
    target, pipe, text = inner.partition("|")
    target = ctx.stash.source(target).strip()
    colon = target.startswith(":")
    target = target.lstrip(":").strip()
    if "::" in target:  # Semantic MediaWiki: [[property::value|text]]
        ctx.kept["annotations sémantiques"] += 1
        return inline(text if pipe else target.split("::", 1)[1], ctx) + escape(trail)
    ns, name = ctx.names.split(target)
    if ns in (FILE, MEDIA) and not colon:
        return _image(name, _split_params(text) if pipe else [], ctx) + escape(trail)
    if ns == CATEGORY and not colon:
        ctx.categories.append(name)
        return escape(trail)
    page, _, section = target.partition("#")
    if pipe and not text.strip():  # the pipe trick: [[Page (homonymie)|]]
        text = _SECTION_SUFFIX.sub("", name)
    label = plain(text, ctx) if text.strip() else target.replace("_", " ")
    label += trail
    if not page.strip():
        return f"[{escape(label)}](#s-{_slug(section)})"
    destination = ctx.names.target(page)
    if not _slug(destination):
        return escape(label)
    same = _slug(label) == _slug(destination) and not section
    if label == destination or (same and ctx.in_table):
        return f"[[{destination}]]"
    # A table cell ends at a « | »: there, a link with its own text is the text, then the link.
    return f"{escape(label)} ([[{destination}]])" if ctx.in_table else f"[[{destination}|{label}]]"


def _split_params(text: str) -> list[str]:
    """An image's parameters: split on ``|`` outside nested links."""
    params, depth, start = [], 0, 0
    for m in _PARAM_EDGE.finditer(text):
        if m.group() == "[[":
            depth += 1
        elif m.group() == "]]":
            depth = max(depth - 1, 0)
        elif depth == 0:
            params.append(text[start : m.start()])
            start = m.end()
    return [*params, text[start:]]


def _links(text: str, ctx: Context) -> str:
    """Replace each outermost ``[[…]]`` (links may nest in image captions) by its converted placeholder."""
    if "[[" not in text:
        return text
    out, depth, start, last = [], 0, 0, 0
    for m in _LINK_EDGE.finditer(text):
        if m.group() == "[[":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                trail = _TRAIL.match(text, m.end())
                end = trail.end() if trail else m.end()
                inner = text[start + 2 : m.start()]
                converted = _internal(inner, trail.group() if trail else "", ctx)
                image = ctx.names.split(inner.partition("|")[0])[0] in (FILE, MEDIA)
                out += [text[last:start], ctx.stash.put(converted, text[start:end], standalone=image)]
                last = end
    return "".join(out) + text[last:]


def _external(m: re.Match[str], ctx: Context) -> str:
    url = m.group(1).replace("(", "%28").replace(")", "%29")
    url = "https:" + url if url.startswith("//") else url
    label = (m.group(2) or "").strip()
    markdown = f"[{_emphasis(_text(label, ctx), ctx)}]({url})" if label else f"<{url}>"
    return ctx.stash.put(markdown, m.group())


def _bare(m: re.Match[str], ctx: Context) -> str:
    """A bare address, without the punctuation after it (a closing parenthesis only if unbalanced)."""
    url = kept = m.group()
    while kept and (kept[-1] in _URL_TAIL[:-1] or (kept[-1] == ")" and kept.count(")") > kept.count("("))):
        kept = kept[:-1]
    return ctx.stash.put(f"<{kept}>", kept) + url[len(kept) :]


def _tag(m: re.Match[str], ctx: Context) -> str:
    closing, name, _ = m.group(1), m.group(2).lower(), m.group(3)
    if name in _KEPT_TAGS:
        return ctx.stash.put(f"<{closing}{_KEPT_TAGS[name]}>", m.group())
    if name in _LAYOUT_TAGS:
        ctx.kept["balises de mise en page retirées"] += 1
        return ctx.stash.put("", m.group())
    return m.group()  # escaped as text below


def _text(text: str, ctx: Context) -> str:
    """Links, URLs, tags and escapes of a piece of text (emphasis left to the caller)."""
    text = _links(text, ctx)
    # Each pattern only where it can match (the character it starts with is there): most lines hold none.
    if "[" in text:
        text = _EXTERNAL.sub(lambda m: _external(m, ctx), text)
    if "://" in text:
        text = _BARE_URL.sub(lambda m: _bare(m, ctx), text)
    if "<" in text:
        text = _BR.sub(lambda m: ctx.stash.put("<br>", m.group()), text)
        text = _TAG.sub(lambda m: _tag(m, ctx), text)
    if "__" in text:
        text = _MAGIC.sub("", text)
    return escape(text)


def inline(text: str, ctx: Context) -> str:
    """Convert one line (or a cell, a caption) of wikitext; the result still holds placeholders."""
    return _emphasis(_text(text, ctx), ctx)


def _emphasis(line: str, ctx: Context) -> str:
    """MediaWiki's ``''italic''`` / ``'''bold'''`` rules, to ``*`` and ``**``; what is open closes at the line's end."""
    if "''" not in line:
        return line
    parts = _QUOTES.split(line)
    for i in range(1, len(parts), 2):
        size = len(parts[i])
        if size == 4:  # an apostrophe, then bold
            parts[i - 1], parts[i] = parts[i - 1] + "'", "'''"
        elif size > 5:
            parts[i - 1], parts[i] = parts[i - 1] + "'" * (size - 5), "'''''"
    runs = [len(parts[i]) for i in range(1, len(parts), 2)]
    if sum(n in (2, 5) for n in runs) % 2 and sum(n in (3, 5) for n in runs) % 2:
        _one_bold_less(parts)
    out: list[str] = []
    stack: list[str] = []
    for i, part in enumerate(parts):
        if i % 2 == 0:
            out.append(part)
            continue
        marks = {2: ["*"], 3: ["**"], 5: ["**", "*"]}[len(part)]
        closing = [mark for mark in reversed(stack) if mark in marks]
        if closing:
            _close(out, stack, closing)
        for mark in marks:
            if mark not in closing:
                stack.append(mark)
                out.append(EM_OPEN + mark)  # an opening, until the text after it is known
    _close(out, stack, list(reversed(stack)))
    return _settle("".join(out))


def _one_bold_less(parts: list[str]) -> None:
    """Odd bold and italic counts: one ''' is an apostrophe then '' (after a one-letter word, as MediaWiki)."""
    single = multi = space = None
    for i in range(1, len(parts), 2):
        if len(parts[i]) != 3:
            continue
        before = parts[i - 1]
        if before[-1:] == " ":
            space = space or i
        elif before[-2:-1] == " " or len(before) == 1:
            single = single or i
        else:
            multi = multi or i
    chosen = single or multi or space
    if chosen:
        parts[chosen - 1], parts[chosen] = parts[chosen - 1] + "'", "''"


def _close(out: list[str], stack: list[str], marks: list[str]) -> None:
    """Close ``marks``, closing and reopening what was opened inside them."""
    reopen: list[str] = []
    while any(mark in stack for mark in marks):
        top = stack.pop()
        out.append(EM_CLOSE + top)
        if top not in marks:
            reopen.insert(0, top)
    for mark in reopen:
        stack.append(mark)
        out.append(EM_OPEN + mark)


def _settle(text: str) -> str:
    """Turn marks into ``*``/``**`` hugging their text: spaces move outside, empty pairs vanish."""
    for _ in range(5):
        text, count = _EMPTY_PAIR.subn(r"\2", text)
        if not count:
            break
    text = _SPACE_AFTER_OPEN.sub(r"\2" + EM_OPEN + r"\1", text)
    text = _SPACE_BEFORE_CLOSE.sub(EM_CLOSE + r"\2\1", text)
    return text.replace(EM_OPEN, "").replace(EM_CLOSE, "")
