"""``slugify`` and ``normalize_title`` skip work on plain text, with the same result as the full path.

Their fast paths (no invisible character when ``str.isprintable``, no
combining mark in ASCII) are checked against the full computation, written
out here as it was, on every code point below U+3000, the planes' edges, and
mixed titles.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from wiki.markup.titles import SLUG_MAX_CHARS
from wiki.markup.titles import TITLE_MAX_CHARS
from wiki.markup.titles import normalize_title
from wiki.markup.titles import slugify

_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})


def _drop_invisible(text: str) -> str:
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) not in _INVISIBLE)


def reference_slugify(title: str) -> str:
    """slugify without fast paths."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFC", title))
    text = unicodedata.normalize("NFKD", _drop_invisible(text).casefold())
    text = unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))
    return re.sub(r"[\W_]+", "-", text).strip("-")[:SLUG_MAX_CHARS].rstrip("-")


def reference_title(title: str) -> str:
    """normalize_title without fast paths."""
    text = _drop_invisible(unicodedata.normalize("NFC", title))
    return " ".join(text.split())[:TITLE_MAX_CHARS].strip()


CODE_POINTS = [
    *range(0x3000),
    *range(0xD7F0, 0xE010),  # Hangul's end, the surrogates, private use
    *range(0xFE00, 0xFF10),  # variation selectors, BOM, full-width forms
    0x1D400,
    0x1F600,
    0xE0001,
    0x10FFFF,
]
TITLES = [
    "Saint-Nicolas-de-Redon",
    "Lieu 123",
    "  Maison   des  associations ",
    "Ça m’intéresse : l’« été » à Redon !",
    "e\u0301cole",  # a combining accent
    "\u200bZéro\u200d largeur",
    "bidi\u202e txet",
    "tab\tnouvelle\nligne",
    "한국어 제목",
    "ﬁn ﬀ Ⅻ ２０２６",
    "a" * 500,
    "é" * 300,
]


@pytest.mark.parametrize("function, reference", [(slugify, reference_slugify), (normalize_title, reference_title)])
def test_fast_paths_give_the_full_result(function, reference):
    texts = [*TITLES, *(chr(c) for c in CODE_POINTS), *(f"a{chr(c)}b" for c in CODE_POINTS)]
    differing = [text for text in texts if function(text) != reference(text)]
    assert differing == []
