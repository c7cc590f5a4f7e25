"""Reading the flat inputs the moderator screens post: keys, choices, numbered rows.

The form builder and the theme table both post rows of plain inputs named
``fields-N-…`` / ``themes-N-…``; forms, lists and themes all suggest keys
from titles and read choices one per line. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from wiki.records import fields as F

#: Blank « Ajouter un champ » rows offered under the existing fields.
BLANK_ROWS = 3
#: Most rows read from one submission (fields of a form plus blank ones; themes).
MAX_ROWS = F.MAX_FIELDS + 20
_ROW_RE = re.compile(r"(fields|themes)-([0-9]{1,4})-[a-z_]{1,20}\Z")


def slug_key(text: str, *, sep: str = "_") -> str:
    """Suggest a key from a title: « Lieux de médiation numérique » → ``lieux_de_mediation_numerique``."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).lower()
    key = re.sub(r"[^a-z0-9]+", sep, folded).strip(sep)[:64].rstrip(sep)
    if sep == "_" and key and not key[0].isalpha():
        key = f"f_{key}"[:64].rstrip("_")
    return key


def parse_items(text: str) -> list[dict[str, str]]:
    """Read choices written one per line as ``valeur | Libellé`` (a bare label gets a value made from it)."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        value, bar, label = line.partition("|")
        value, label = value.strip(), label.strip()
        if not bar:
            value, label = slug_key(line, sep="-"), line.strip()
        items.append({"value": value, "label": label or value})
    return items


def items_text(items: Any) -> str:
    """Write choices back as the builder's textarea shows them."""
    return "\n".join(
        f"{item.get('value', '')} | {item.get('label', '')}" for item in items or [] if isinstance(item, Mapping)
    )


def clean_text(raw: str) -> str:
    """Return a posted text with its line ends made ``\\n`` and its ends stripped."""
    return raw.replace("\r\n", "\n").replace("\r", "\n").strip()


def row_indexes(data: Mapping[str, Any], prefix: str, limit: int | None = None) -> list[int]:
    """Return the row numbers N posted as ``<prefix>-N-…`` inputs, in order, at most ``limit`` (``MAX_ROWS``)."""
    found = {int(m.group(2)) for name in data if (m := _ROW_RE.match(name)) and m.group(1) == prefix}
    return sorted(found)[: limit or MAX_ROWS]
