"""Cheap checks of what only abuse writes: thousands of headings, footnotes, cells, nesting levels.

Pure module: part of :mod:`wiki.markup`. :func:`check` scans the source once,
in linear time and before any rendering, and refuses a text that no page
needs (HOSTILE_INPUTS B9-85, goal G10): such texts are also the slowest to
render, and the cheapest to tell apart.
"""

from __future__ import annotations

import re

#: Headings (ATX ``#`` and setext ``===``/``---`` underlines) per text.
MAX_HEADINGS = 1_000
#: Footnote calls and definitions (``[^``) per text.
MAX_FOOTNOTES = 1_000
#: Table cell separators (``|``) per text.
MAX_TABLE_CELLS = 100_000
#: Nesting levels of quotes (``>``), list indents and HTML containers (``<div>``…).
MAX_DEPTH = 100

_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)", re.MULTILINE)
_SETEXT = re.compile(r"^[ \t]*\S[^\n]*\n {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_QUOTES = re.compile(rf"^[ \t]*(?:>[ \t]?){{{MAX_DEPTH + 1}}}", re.MULTILINE)
_INDENT = re.compile(rf"^[ \t]{{{4 * MAX_DEPTH + 4}}}", re.MULTILINE)
_CONTAINER = re.compile(r"<(/?)(?:div|ul|ol|li|blockquote|dl|dd|table|tr|td|th|details|section)\b", re.IGNORECASE)


class MarkupRefused(ValueError):
    """The text holds more of something than any page needs (its message says what, in French)."""


def _refuse(count: int, what: str, limit: int) -> MarkupRefused:
    return MarkupRefused(
        f"Ce texte compte {count:,} {what} : la limite est de {limit:,} par page. "
        "Découpez-le en plusieurs pages.".replace(",", "\u202f")
    )


def _html_depth(text: str) -> int:
    """Return the deepest running nesting of HTML container tags (openers minus closers)."""
    depth = deepest = 0
    for match in _CONTAINER.finditer(text):
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def check(text: str) -> None:
    """Refuse a text over one of the limits above.

    :raises MarkupRefused: with a French message naming what is over.
    """
    headings = len(_ATX.findall(text))
    if headings <= MAX_HEADINGS:
        headings += len(_SETEXT.findall(text))
    if headings > MAX_HEADINGS:
        raise _refuse(headings, "titres", MAX_HEADINGS)
    footnotes = text.count("[^")
    if footnotes > MAX_FOOTNOTES:
        raise _refuse(footnotes, "notes de bas de page", MAX_FOOTNOTES)
    cells = text.count("|")
    if cells > MAX_TABLE_CELLS:
        raise _refuse(cells, "séparateurs de cellules de tableau", MAX_TABLE_CELLS)
    if _QUOTES.search(text) or _INDENT.search(text) or _html_depth(text) > MAX_DEPTH:
        raise MarkupRefused(
            f"Ce texte est imbriqué sur plus de {MAX_DEPTH} niveaux (citations, listes ou blocs HTML) : "
            "simplifiez sa structure."
        )
