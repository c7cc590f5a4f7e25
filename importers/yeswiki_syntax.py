"""YesWiki (WikiNi, « wakka ») page syntax to the wiki's Markdown.

Pure module. :func:`to_markdown` reads a page as YesWiki's own formatter
does (one pass of one pattern over the whole text, toggles opening and
closing, every line break kept), and writes Markdown:

==================================  =========================================
YesWiki                             Markdown
==================================  =========================================
``======Titre======`` … ``==T==``   ``# Titre`` … ``##### T`` (6 « = » = h1)
``**gras**`` ``//italique//``       ``**gras**`` ``*italique*`` (HTML tags when
                                    Markdown cannot say it: ``** spaced**``)
``__souligné__`` ``@@barré@@``      ``<ins>…</ins>`` ``<del>…</del>``
``##chasse fixe##``                 ``<code>…</code>``
``[[PageWiki texte]]``              ``[[PageWiki|texte]]``
``[[http://… texte]]``, a URL       ``[texte](http://…)``, ``<http://…>``
``PageWiki`` (a WikiName)           ``[[PageWiki]]`` when that page is imported
`` - puce``, `` 1) numéro``         ``- puce``, ``1. numéro`` (nested by indent)
``[| a | b |]`` table               a Markdown table, first row as header
``%%code%%``, ``%%(php)…%%``        a fenced code block (inline: a code span)
``""<b>html</b>""``                 the HTML kept (the renderer sanitizes it),
                                    its text escaped so Markdown leaves it be
``---`` / ``----``                  a line break / a rule
``{{action …}}``                    see :mod:`importers.yeswiki_actions`
==================================  =========================================

Single line breaks are kept as Markdown hard breaks, as YesWiki shows them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from importers.yeswiki_actions import FormRef
from importers.yeswiki_actions import code_span
from importers.yeswiki_actions import link
from importers.yeswiki_actions import link_text
from importers.yeswiki_actions import note
from importers.yeswiki_actions import parse_action
from importers.yeswiki_actions import render_action
from wiki.markup import slugify

#: Our renderer's own cap on macros in one page (:data:`wiki.macros.MAX_MACROS`).
MAX_MACROS = 20
_UPPER, _LOWER = "A-ZÀÂÄÇÈÉÊËÎÏÔÖÙÛÜ", "a-zßàâäçèéêëîïôöùûü"
_TOKEN = re.compile(
    r"%%(?P<code>.*?)%%"
    r'|""(?P<raw>.*?)""'
    r"|\[\|(?P<table>.*?)\|\]"
    r"|\[\[(?P<link>[^\n]*?)\]\]"
    r"|(?P<url>\b[a-z0-9]+://[^ \t\n\r\f\"|\\^`{}\[\]><]+)"
    r"|(?P<toggle>\*\*|//|__|##|@@|££)"
    r"|(?P<heading>={2,6})"
    r"|(?P<dashes>-{3,})"
    r"|(?P<indent>(?:\A|\n)(?P<space>\t+|[ ]+)(?P<marker>-(?!-)|[0-9a-zA-Z]{1,4}\)|[0-9]{1,4}\.(?= ))?)"
    r"|\{\{(?P<action>.{0,2000}?)\}\}"
    rf"|(?P<wikiname>\b[{_UPPER}][{_LOWER}]+[{_UPPER}0-9][{_UPPER}{_LOWER}0-9]*\b)"
    r"|(?P<newline>\n)",
    re.S,
)
_STYLES = {"**": "strong", "//": "em", "__": "ins", "##": "code", "@@": "del", "££": "ins"}
_MARKDOWN = {"strong": "**", "em": "*"}
_MARK = re.compile("\x00([a-z]+)([01])\x00")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_PLAIN = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!|])|[*`\[\]<>]|(?<!\w)_|_(?!\w)")
_CELL_LINK = re.compile(r"\[\[([^\[\]|\n]+)\|([^\[\]\n]+)\]\]")
_PLAIN_ESCAPES = {"<": "&lt;", ">": "&gt;"}
_HTML_PIECES = re.compile(r"(<!--.*?-->|<(script|style)\b.*?</\2\s*>|<[^<>]*>)", re.S | re.I)
_RAW_TEXT = re.compile(r"[\\*_`\[\]#{}|>]|(?m:^([ \t]*)([-+]|\d+\.))")


def _plain(text: str) -> str:
    """Plain YesWiki text, escaped so that Markdown shows it as written."""
    return _PLAIN.sub(lambda m: _PLAIN_ESCAPES.get(m.group(), "\\" + m.group()), text)


def raw_html(content: str) -> str:
    """``""…""`` content: the HTML kept as is, the text between tags escaped with entities (valid in HTML blocks)."""
    pieces = _HTML_PIECES.split(content)
    out = []
    for i, piece in enumerate(pieces):
        kind = i % 3  # split() gives text, tag, group(2) of the tag…
        if kind == 2:
            continue
        if kind == 1:
            out.append(piece)
        else:
            out.append(_RAW_TEXT.sub(lambda m: m.group(1) + f"&#{ord(m.group(2)[0])};" + m.group(2)[1:]
                                     if m.group(2) else f"&#{ord(m.group())};", piece))  # fmt: skip
    return "".join(out)


def _cell(markdown: str) -> str:
    """A converted table cell: one line, its wiki links written so that their « | » does not split the row."""
    markdown = _CELL_LINK.sub(lambda m: f"[{m.group(2)}](/pages/{slugify(m.group(1))})", markdown.strip())
    return markdown.replace("|", "\\|").replace("\n", " ")


def _fenced(code: str, language: str = "") -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", code)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{code}\n{fence}"


def _resolve_marks(line: str) -> str:
    """Turn toggle marks into Markdown (a tidy pair within the line) or HTML tags (anything else)."""
    marks = list(_MARK.finditer(line))
    if not marks:
        return line
    replacement: dict[int, str] = {}
    pending: dict[str, int] = {}
    for index, mark in enumerate(marks):
        style, opening = mark.group(1), mark.group(2) == "1"
        replacement[index] = f"<{style}>" if opening else f"</{style}>"
        if opening:
            pending[style] = index
        elif style in pending and style in _MARKDOWN:
            start = pending.pop(style)
            inner = _MARK.sub("", line[marks[start].end() : mark.start()])
            crowded = "\x00" in (
                line[marks[start].start() - 1 : marks[start].start()],
                line[mark.end() : mark.end() + 1],
            )
            if inner.strip() and inner == inner.strip() and not crowded and "*" not in (inner[0], inner[-1]):
                replacement[start] = replacement[index] = _MARKDOWN[style]
        else:
            pending.pop(style, None)
    pieces, last = [], 0
    for index, mark in enumerate(marks):
        pieces += [line[last : mark.start()], replacement[index]]
        last = mark.end()
    return "".join(pieces) + line[last:]


@dataclass
class Conversion:
    """A page in Markdown, with what could not be carried over."""

    markdown: str
    notes: Counter[str] = field(default_factory=Counter)  # actions kept as a note, by name
    dropped: Counter[str] = field(default_factory=Counter)  # layout actions left out
    files: list[str] = field(default_factory=list)  # attached files, not in the dump
    macros: int = 0


@dataclass
class _Writer:
    """Turns the tokens of one page into Markdown lines, then blocks."""

    forms: Callable[[str], FormRef | None]
    linkable: Callable[[str], str | None]
    result: Conversion = field(default_factory=lambda: Conversion(""))
    lines: list[tuple[str, str]] = field(default_factory=list)  # (kind, Markdown)
    buffer: list[str] = field(default_factory=list)
    kind: str = "text"
    heading: int = 0
    open: set[str] = field(default_factory=set)
    levels: dict[int, int] = field(default_factory=dict)  # indent width -> list level
    level: int = 0
    width: int = 0

    def flush(self) -> None:
        """End the current line: a heading, a list item, a paragraph line, or a blank."""
        text = "".join(self.buffer).strip()
        kind = f"h{self.heading}" if self.heading else self.kind
        if text:
            self.lines.append((kind, text))
        elif kind in ("text", "indent"):
            self.lines.append(("blank", ""))
        self.buffer, self.kind, self.heading = [], "text", 0

    def block(self, kind: str, text: str) -> None:
        """Add a block (code, table, rule, macro, note) on lines of its own."""
        if "".join(self.buffer).strip():
            self.flush()
        self.buffer, self.heading = [], 0
        self.lines.append((kind, text))

    def indent(self, space: str, marker: str | None) -> None:
        """Start an indented line: a list item (its level as YesWiki counts it) or indented text."""
        if "\t" in space:
            level = len(space)
        elif len(space) > self.width:
            level = self.level + 1
            self.levels.update(dict.fromkeys(range(self.width + 1, len(space) + 1), level))
        else:
            level = self.levels.get(len(space), self.level) if len(space) < self.width else self.level
        self.level, self.width = level, len(space)
        if marker:
            ordered = marker != "-"
            self.kind = f"item{level}{'o' if ordered else 'u'}"
        else:
            self.kind = "indent"

    def newline(self) -> None:
        """A line break outside lists: end the line, forget the list levels."""
        self.flush()
        self.levels, self.level, self.width = {}, 0, 0

    def toggle(self, token: str) -> None:
        """Open or close a style (bold, italic…): a mark resolved once the line is whole."""
        style = _STYLES[token]
        opening = style not in self.open
        self.open.symmetric_difference_update({style})
        self.buffer.append(f"\x00{style}{int(opening)}\x00")

    def action(self, source: str, alone: bool) -> None:
        """Convert an action and tally what became of it."""
        rendered = render_action(source, self.forms, block=alone)
        name = parse_action(source).name or "?"
        if rendered.kind == "macro" and self.result.macros >= MAX_MACROS:
            rendered = note(source, block=alone, reason="Macro de trop (20 par page au plus)")
        if rendered.kind == "note":
            self.result.notes[name] += 1
        elif rendered.kind == "layout":
            self.result.dropped[name] += 1
        elif rendered.kind == "file":
            self.result.files.append(source)
        self.result.macros += rendered.kind == "macro"
        if rendered.block and rendered.text:
            self.block("quote" if rendered.text.startswith(">") else "macro" if rendered.kind == "macro" else "para",
                       rendered.text)  # fmt: skip
        else:
            self.buffer.append(rendered.text)

    def link(self, inner: str) -> None:
        """``[[cible texte]]``: a wiki link, a link to an address or to an imported entry's record."""
        target, _, text = inner.strip().partition(" ")
        if target.startswith("|"):  # raw inclusion of another wiki's page
            self.action("{{include " + inner + "}}", False)
            return
        url = self.linkable(target) if not re.match(r"[a-z0-9]+:", target, re.I) else None
        text = _MARK.sub("", text)
        self.buffer.append(f"[{link_text(text or target)}]({url})" if url else link(target, text))

    def _inline(self, text: str) -> str:
        """A table cell in Markdown (plain text, the usual case, without a whole conversion)."""
        if _TOKEN.search(text) is None:
            return _plain(text)
        return to_markdown(text, self.forms, self.linkable).markdown

    def table(self, content: str) -> None:
        """``[|…|]``: a Markdown table, its first row as header."""
        rows = []
        for line in content.strip().split("\n"):
            line = line.strip()
            if line:
                cells = line.strip("|").split("|")
                rows.append([_cell(self._inline(c.strip())) for c in cells])
        if not rows:
            return
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = [f"| {' | '.join(rows[0])} |", "|" + " --- |" * width] + [f"| {' | '.join(r)} |" for r in rows[1:]]
        self.block("table", "\n".join(lines))

    def markdown(self) -> str:
        """Join the lines into Markdown blocks: blank lines between blocks, hard breaks within paragraphs."""
        out: list[str] = []
        previous = ""
        for kind, text in self.lines:
            group = "list" if kind.startswith("item") else "para" if kind in ("text", "indent") else kind
            if kind == "blank":
                previous = ""
                out.append("")
                continue
            text = _resolve_marks(text)
            if group == "list":
                level = min(int(kind[4:-1]), (self._last_level(out) + 1) if previous == "list" else 1)
                text = "    " * (level - 1) + ("1. " if kind.endswith("o") else "- ") + text
            elif kind.startswith("h"):
                text = "#" * (7 - int(kind[1:])) + " " + text.strip("# ")
            if previous and (group != previous or group not in ("para", "list")):
                out.append("")
            elif previous == "para" and group == "para":
                out[-1] += "  "
            out.append(text)
            previous = group
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"

    @staticmethod
    def _last_level(out: list[str]) -> int:
        last = out[-1] if out else ""
        return (len(last) - len(last.lstrip(" "))) // 4 + 1


def to_markdown(
    text: str,
    forms: Callable[[str], FormRef | None] = lambda ident: None,
    linkable: Callable[[str], str | None] = lambda name: None,
    *,
    wikinames: Callable[[str], bool] = lambda name: True,
) -> Conversion:
    """Convert a YesWiki page to Markdown.

    :param forms: the form made of a Bazar form id (for ``{{bazarliste id="…"}}`` and friends), None if unknown.
    :param linkable: the address of a link target that is not a page (an imported entry), None for a page.
    :param wikinames: whether a WikiName (« PagePrincipale ») becomes a link: YesWiki links them all.
    """
    writer = _Writer(forms, linkable)
    source = _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).rstrip()
    last = 0
    for match in _TOKEN.finditer(source):
        writer.buffer.append(_plain(source[last : match.start()]))
        last, kind = match.end(), match.lastgroup
        if kind == "code":
            code, language = match.group("code"), ""
            if head := re.match(r"\(([\w+#-]{1,20})\)", code):
                code, language = code[head.end() :], head.group(1)
            line_start = match.start() == 0 or source[match.start() - 1] == "\n"
            if "\n" in code.strip() or (line_start and source[match.end() : match.end() + 1] in ("", "\n")):
                writer.block("code", _fenced(code.strip("\n"), language))
            else:
                writer.buffer.append(code_span(code.strip()))
        elif kind == "raw":
            writer.buffer.append(raw_html(match.group("raw")))
        elif kind == "table":
            writer.table(match.group("table"))
        elif kind == "link":
            writer.link(match.group("link"))
        elif kind == "url":
            writer.buffer.append(f"<{match.group('url')}>")
        elif kind == "toggle":
            writer.toggle(match.group())
        elif kind == "heading":
            if writer.heading:
                writer.flush()
            else:
                if "".join(writer.buffer).strip():
                    writer.flush()
                writer.buffer, writer.heading = [], len(match.group())
        elif kind == "dashes":
            alone = not "".join(writer.buffer).strip() and source[match.end() : match.end() + 1] in ("", "\n")
            if len(match.group()) == 3:
                writer.buffer.append("<br>")
            elif alone and writer.kind in ("text", "indent"):
                writer.block("rule", "---")
            else:
                writer.buffer.append("<hr>")
        elif kind == "indent":
            if match.group().startswith("\n"):
                writer.flush()
            writer.indent(match.group("space"), match.group("marker"))
        elif kind == "action":
            end = source.find("\n", match.end())
            after = source[match.end() : end if end >= 0 else len(source)]
            alone = not "".join(writer.buffer).strip() and writer.kind == "text" and not after.strip()
            writer.action("{{" + match.group("action").strip() + "}}", alone)
        elif kind == "wikiname":
            name = match.group()
            url = linkable(name)
            writer.buffer.append(f"[{name}]({url})" if url else f"[[{name}]]" if wikinames(name) else name)
        else:
            writer.newline()
    writer.buffer.append(_plain(source[last:]))
    writer.flush()
    writer.result.markdown = writer.markdown()
    return writer.result
