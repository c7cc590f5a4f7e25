"""Page keys and display titles: ``slugify`` and ``normalize_title``.

Pure module (standard library only): part of :mod:`wiki.markup`, which
re-exports both functions; wiki links and section ids are slugs too.
"""

from __future__ import annotations

import re
import unicodedata

SLUG_MAX_CHARS = 120
TITLE_MAX_CHARS = 200
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})  # controls, bidi/zero-width, lone surrogates
_SLUG_JUNK = re.compile(r"[\W_]+")


def _drop_invisible(text: str) -> str:
    """Remove controls, format chars (bidi, zero-width) and surrogates; keep whitespace."""
    if text.isprintable():  # no Cc, Cf or Cs character (nor Zl, Zp, Zs but the space): the usual case
        return text
    return "".join(c for c in text if c.isspace() or unicodedata.category(c) not in _INVISIBLE)


def slugify(title: str) -> str:
    """Return the canonical page key of *title*, or "" when nothing usable remains."""
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFC", title))
    text = unicodedata.normalize("NFKD", _drop_invisible(text).casefold())
    if not text.isascii():  # combining marks are not ASCII
        # Recompose after dropping accents so Hangul and the like stay one code point each.
        text = unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))
    return _SLUG_JUNK.sub("-", text).strip("-")[:SLUG_MAX_CHARS].rstrip("-")


def normalize_title(title: str) -> str:
    """Return *title* as displayed: NFC, one space between words, no invisible chars."""
    text = _drop_invisible(unicodedata.normalize("NFC", title))
    return " ".join(text.split())[:TITLE_MAX_CHARS].strip()
