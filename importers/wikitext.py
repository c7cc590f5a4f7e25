"""MediaWiki wikitext → the wiki's Markdown, for ``lieudit import mediawiki``.

Pure module (standard library and the pure :mod:`importers.wikitext_inline`).
:func:`to_markdown` converts one revision's text in three passes:

1. what must not be read as wikitext is put aside behind placeholders:
   ``<!-- comments -->`` (kept, invisible as in MediaWiki), ``<nowiki>``,
   ``<pre>``/``<syntaxhighlight>`` (fenced code), ``<gallery>`` (image notes),
   ``<math>`` and other extension tags (kept as code), then every
   ``{{template}}``, kept visibly as inline code — a template's output is not
   in the dump, only its call;
2. ``<ref>`` become Markdown footnotes (named ones shared), ``<references/>``
   goes (the footnotes are listed at the end anyway);
3. line by line: headings, lists (``* # ; :``), rules, lines starting with a
   space (preformatted → code), tables ``{| |}`` (simple ones → pipe tables,
   others kept as wikitext in a code block), paragraphs; the text of each goes
   through :func:`importers.wikitext_inline.inline`.

What could not be converted is never dropped: it stays visible as code, and
:attr:`Converted.kept` counts it for the import report. A redirect
(``#REDIRECT [[X]]``, ``#REDIRECTION``) is returned in :attr:`Converted.redirect`;
categories in :attr:`Converted.categories`, and as a « Catégories : » line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

from importers.wikitext_inline import RESERVED
from importers.wikitext_inline import Context
from importers.wikitext_inline import Namespaces
from importers.wikitext_inline import code_span
from importers.wikitext_inline import escape
from importers.wikitext_inline import inline

_REDIRECT = re.compile(r"\A\s*#\s*(?:REDIRECT|REDIRECTION|WEITERLEITUNG|REDIRECCIÓN|RINVIA)\s*:?\s*"
                       r"\[\[([^\[\]|\n]+)(?:\|[^\]\n]*)?\]\]", re.IGNORECASE)  # fmt: skip
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_NOWIKI = re.compile(r"<nowiki\s*>(.*?)</nowiki\s*>|<nowiki\s*/>", re.DOTALL | re.IGNORECASE)
_CODE = re.compile(r"<(pre|syntaxhighlight|source)(\s[^<>]*)?>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_LANG = re.compile(r"""lang\s*=\s*["']?([\w#+.-]{1,30})""", re.IGNORECASE)
_WRAPPERS = re.compile(r"</?(?:noinclude|onlyinclude|includeonly)\s*/?>", re.IGNORECASE)
_POEM = re.compile(r"<poem(?:\s[^<>]*)?>(.*?)</poem\s*>", re.DOTALL | re.IGNORECASE)
_GALLERY = re.compile(r"<gallery(?:\s[^<>]*)?>(.*?)</gallery\s*>", re.DOTALL | re.IGNORECASE)
_MATH = re.compile(r"<(math|chem|ce)(?:\s[^<>]*)?>(.*?)</\1\s*>", re.DOTALL | re.IGNORECASE)
_EXTENSION = re.compile(r"<(timeline|graph|score|categorytree|inputbox|imagemap|hiero|mapframe|maplink|templatedata|"
                        r"charinsert|dynamicpagelist|dpl|indicator|section|tabber|html)(\s[^<>]*)?"
                        r"(?:/>|>(.*?)</\1\s*>)", re.DOTALL | re.IGNORECASE)  # fmt: skip
_BRACES = re.compile(r"\{\{|\}\}")
_NO_OUTPUT = re.compile(r"\{\{\s*(?:r[ée]f[ée]rences|reflist|notes)\s*(?:\|[^{}]*)?\}\}", re.IGNORECASE)
_REFERENCES = re.compile(r"<references(?:\s[^<>]*?)?(?:/>|>(.*?)</references\s*>)", re.DOTALL | re.IGNORECASE)
_REF = re.compile(r"<ref(\s[^<>]*?)?(?:/>|>(.*?)</ref\s*>)", re.DOTALL | re.IGNORECASE)
_REF_NAME = re.compile(r"""name\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'/>]+))""", re.IGNORECASE)
_HEADING = re.compile(r"^(={1,6})(.+?)(={1,6})\s*$")
_LIST = re.compile(r"^([*#:;]+)\s*(.*)$")
_RULE = re.compile(r"^-{4,}(.*)$")
_TABLE_START = re.compile(r"^\s*:*\s*\{\|")
_TABLE_END = re.compile(r"^\s*\|\}")
_LINE_START = re.compile(r"^([#>+-]|\d+\.(?=\s|$)|~~~)")
_CELL_ATTRIBUTES = re.compile(r"""^\s*((?:[\w-]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s|"']+)\s*)+)\|(?!\|)(.*)$""", re.DOTALL)
_RESERVED_CHARS = tuple(chr(c) for c in range(0xE000, 0xE004))  # what RESERVED matches
_SPAN = re.compile(r"""(?:row|col)span\s*=\s*["']?\s*(\d+)""", re.IGNORECASE)


@dataclass
class Converted:
    """One revision in Markdown, its redirect target, its categories, and what was kept as text (counted)."""

    markdown: str
    redirect: str | None = None
    categories: list[str] = field(default_factory=list)
    kept: Counter[str] = field(default_factory=Counter)


def fenced(text: str, language: str = "") -> str:
    """``text`` as a fenced code block, whatever fences it holds."""
    ticks = "`" * max(3, max((len(run) for run in re.findall("`{3,}", text)), default=0) + 1)
    return f"{ticks}{language}\n{text.strip(chr(10))}\n{ticks}"


def to_markdown(text: str, names: Namespaces | None = None, file_url: Callable[[str], str] | None = None) -> Converted:
    """Convert one revision's wikitext; ``file_url`` names a file's page on the source wiki (for images)."""
    ctx = Context(names or Namespaces(), file_url)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(reserved in text for reserved in _RESERVED_CHARS):  # four substring scans beat one class regex
        text = RESERVED.sub("", text)
    redirect = _REDIRECT.match(text)
    target = None
    if redirect:
        target = ctx.names.target(redirect.group(1).partition("#")[0]) or None
        text = f"Redirection vers [[{redirect.group(1).strip()}]].{text[redirect.end() :]}"
    text = _put_aside(text, ctx)
    text, notes = _footnotes(text, ctx)
    markdown = _blocks(text.split("\n"), ctx).rstrip()
    if notes:
        markdown += "\n\n" + "\n".join(f"[^{n}]: {note}" for n, note in enumerate(notes, 1))
    categories = list(dict.fromkeys(ctx.categories))
    if categories:
        links = ", ".join(f"[[{ctx.names.ours(14, name)}|{name}]]" for name in categories)
        markdown += f"\n\nCatégories : {links}"
    return Converted(ctx.stash.restore(markdown).strip() + "\n", target, categories, ctx.kept)


# --- pass 1: what is not wikitext ----------------------------------------------------------------


def _put_aside(text: str, ctx: Context) -> str:
    stash = ctx.stash
    text = _COMMENT.sub(lambda m: stash.put(m.group(), m.group()), text)
    text = _NOWIKI.sub(lambda m: stash.put(escape(m.group(1) or ""), m.group()), text)
    text = _CODE.sub(lambda m: stash.put(_code_block(m), m.group(), block=True), text)
    text = _WRAPPERS.sub("", text)
    text = _POEM.sub(lambda m: "<br>\n".join(m.group(1).strip("\n").split("\n")), text)
    text = _GALLERY.sub(lambda m: stash.put(_gallery(m.group(1), ctx), m.group(), block=True), text)
    text = _MATH.sub(lambda m: stash.put(code_span(m.group(2)), m.group()), text)
    text = _EXTENSION.sub(lambda m: _extension(m, ctx), text)
    text = _NO_OUTPUT.sub("", text)
    return _templates(text, ctx)


def _code_block(m: re.Match[str]) -> str:
    language = _LANG.search(m.group(2) or "")
    return fenced(m.group(3), language.group(1).lower() if language else "")


def _gallery(body: str, ctx: Context) -> str:
    """Each file of a ``<gallery>`` as a list item (its note, see :func:`inline`)."""
    items = []
    for line in body.split("\n"):
        name, _, caption = line.strip().partition("|")
        if name:
            prefix = "" if ":" in name else "Fichier:"
            items.append("- " + inline(f"[[{prefix}{name}|{caption}]]", ctx))
    return "\n".join(items)


def _extension(m: re.Match[str], ctx: Context) -> str:
    ctx.kept[f"balise <{m.group(1).lower()}>"] += 1
    return ctx.stash.put(fenced(m.group()), m.group(), block=True)


def _templates(text: str, ctx: Context) -> str:
    """Put aside each outermost ``{{…}}`` (and ``{{{parameter}}}``) as inline code."""
    if "{{" not in text:
        return text
    out, depth, start, last = [], 0, 0, 0
    for m in _BRACES.finditer(text):
        if m.group() == "{{":
            start = m.start() if depth == 0 else start
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                end = m.end() + (text[start : start + 3] == "{{{" and text[m.end() : m.end() + 1] == "}")
                source = ctx.stash.source(text[start:end])
                ctx.kept["modèles"] += 1
                out += [text[last:start], ctx.stash.put(code_span(source), source, standalone=True)]
                last = end
    return "".join(out) + text[last:]


# --- pass 2: footnotes -----------------------------------------------------------------------------


def _footnotes(text: str, ctx: Context) -> tuple[str, list[str]]:
    """``<ref>`` → ``[^n]`` calls; return the text and the notes, in order (named refs share one)."""
    numbers: dict[str, int] = {}
    notes: list[str] = []
    named: dict[str, str] = {}

    def note(m: re.Match[str], define_only: bool = False) -> str:
        """One ``<ref>``: its call (or, inside ``<references>``, only its definition)."""
        name = _REF_NAME.search(m.group(1) or "")
        key = next((g for g in name.groups() if g is not None), "") if name else ""
        content = inline(" ".join((m.group(2) or "").split()), ctx)
        if define_only:
            named.setdefault(key, content)
            return ""
        if key and key in numbers:
            number = numbers[key]
            notes[number - 1] = notes[number - 1] or content
        else:
            notes.append(content)
            number = len(notes)
            if key:
                numbers[key] = number
        return ctx.stash.put(f"[^{number}]", m.group())

    text = _REFERENCES.sub(lambda m: "".join(note(r, True) for r in _REF.finditer(m.group(1) or "")), text)
    text = _REF.sub(note, text)
    for key, number in numbers.items():
        notes[number - 1] = notes[number - 1] or named.get(key) or "(note sans texte dans la source)"
    return text, notes


# --- pass 3: blocks --------------------------------------------------------------------------------


class _Out:
    """Markdown lines, with a blank line wherever a block of another kind begins."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.kind = ""
        self.depth = 0

    def add(self, line: str, kind: str) -> None:
        """Add a line of a block of ``kind`` (a blank line first when the kind changes)."""
        if self.lines and self.lines[-1] and (kind != self.kind or kind == "block"):
            self.lines.append("")
        self.lines.append(line)
        self.kind = kind

    def blank(self) -> None:
        """End the current block."""
        if self.lines and self.lines[-1]:
            self.lines.append("")
        self.kind = ""


def _text(text: str, ctx: Context) -> str:
    """A line's text, with what would start a Markdown block escaped."""
    text = inline(text.strip(), ctx)
    return _LINE_START.sub(_escape_start, text, count=1)


def _escape_start(m: re.Match[str]) -> str:
    start = m.group()
    return "&#126;~~" if start == "~~~" else start[:-1] + "\\." if start.endswith(".") else "\\" + start


def _blocks(lines: list[str], ctx: Context) -> str:
    out = _Out()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "{|" in line and _TABLE_START.match(line):
            end = _table_end(lines, i - 1)
            out.add(_table(lines[i - 1 : end], ctx), "block")
            i = end
        elif line.startswith(" ") and line.strip():
            start = i - 1
            while i < len(lines) and lines[i].startswith(" ") and lines[i].strip():
                i += 1
            out.add(fenced(ctx.stash.source("\n".join(row[1:] for row in lines[start:i]))), "block")
        elif not line.strip():
            out.blank()
        else:
            _line(line, out, ctx)
    return "\n".join(out.lines)


def _line(line: str, out: _Out, ctx: Context) -> None:
    # Each pattern only on the lines it can match (its first character): most lines are paragraphs.
    first = line[0]
    heading = _HEADING.match(line) if first == "=" else None
    listed = _LIST.match(line) if first in "*#:;" else None
    rule = _RULE.match(line) if first == "-" else None
    if heading:
        level = min(len(heading.group(1)), len(heading.group(3)))
        extra = "=" * (len(heading.group(1)) - level) + heading.group(2) + "=" * (len(heading.group(3)) - level)
        out.add("#" * level + " " + inline(extra.strip(), ctx), "block")
    elif rule:
        out.add("---", "block")
        if rule.group(1).strip():
            out.add(_text(rule.group(1), ctx), "para")
    elif listed:
        _list_item(listed.group(1), listed.group(2), out, ctx)
    else:
        text = _text(line, ctx)
        if ctx.stash.restore(text).strip():  # a line of categories only is no paragraph
            out.add(text, "block" if ctx.stash.stands_alone(text) else "para")


def _list_item(prefix: str, text: str, out: _Out, ctx: Context) -> None:
    """One line of a list: ``*`` bullets, ``#`` numbers, ``;`` terms, ``:`` indents (quotes at the top level)."""
    if prefix[-1] == ";":
        term, colon, definition = text.partition(" : ") if " : " in text else text.partition(":")
        out.add(("    " * (len(prefix) - 1)) + f"**{_text(term, ctx)}**", "para" if len(prefix) == 1 else "list")
        if colon and definition.strip():
            _list_item(prefix[:-1] + ":", definition, out, ctx)
        return
    if set(prefix) == {":"}:
        if out.kind == "quote":
            out.lines.append(">" * min(len(prefix), out.depth))
        out.add(">" * len(prefix) + " " + _text(text, ctx), "quote")
        out.depth = len(prefix)
        return
    depth = min(len(prefix), out.depth + 1) if out.kind == "list" else 1
    indent = "    " * (depth - 1)
    if prefix[-1] == ":" and out.kind == "list":
        out.lines[-1] += "<br>"
        out.add(indent + _text(text, ctx), "list")
    else:
        marker = "1. " if prefix[-1] == "#" else "- "
        out.add(indent + marker + _text(text, ctx), "list")
    out.depth = depth


def _table_end(lines: list[str], start: int) -> int:
    """The index after the ``|}`` closing the table opened at ``start`` (nested tables counted)."""
    depth = 0
    for i in range(start, len(lines)):
        if _TABLE_START.match(lines[i]):
            depth += 1
        elif _TABLE_END.match(lines[i]):
            depth -= 1
            if depth == 0:
                return i + 1
    return len(lines)


def _table(lines: list[str], ctx: Context) -> str:
    """A simple table as a pipe table (its first row as header); any other kept as wikitext, visibly."""
    rows, caption = _table_rows(lines[1:])
    if rows is None or not rows:
        ctx.kept["tableaux complexes"] += 1
        return "*Tableau gardé en wikitexte :*\n\n" + fenced(ctx.stash.source("\n".join(lines)))
    width = max(len(row) for row in rows)
    ctx.in_table = True
    try:
        cells = [[inline(cell.strip(), ctx) for cell in row] + [""] * (width - len(row)) for row in rows]
    finally:
        ctx.in_table = False
    table = ["| " + " | ".join(cells[0]) + " |", "|" + " --- |" * width]
    table += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    title = f"**{inline(caption, ctx)}**\n\n" if caption else ""
    return title + "\n".join(table)


def _table_rows(lines: list[str]) -> tuple[list[list[str]] | None, str]:
    """The cells' wikitext, row by row, and the caption; None when the table is not simple."""
    rows: list[list[str]] = [[]]
    caption = ""
    for line in lines:
        row = line.strip()
        if row.startswith("|}"):
            break
        if row.startswith("{|"):
            return None, ""
        if row.startswith("|+"):
            caption = (_cell(row[2:]) or "").strip()
        elif row.startswith("|-"):
            rows.append([])
        elif row.startswith(("|", "!")):
            for part in re.split(r"\|\||!!" if row[0] == "!" else r"\|\|", row[1:]):
                cell = _cell(part)
                if cell is None:
                    return None, ""
                rows[-1].append(cell)
        elif row and (not rows[-1] or _LIST.match(row) or _HEADING.match(row)):
            return None, ""  # text outside any cell, or blocks inside one
        elif row:
            rows[-1][-1] += "<br>" + row
    return [row for row in rows if row], caption


def _cell(cell: str) -> str | None:
    """A cell's text without its attributes; None when it spans rows or columns."""
    attributes = _CELL_ATTRIBUTES.match(cell)
    if not attributes:
        return cell
    if any(int(n) > 1 for n in _SPAN.findall(attributes.group(1))):
        return None
    return attributes.group(2)
