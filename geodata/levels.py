"""Zone levels, their code patterns and the text form of a zone's key: the one source of truth.

A zone is known by its level and its code, unique per level only: commune
35013 and a canton, an intercommunality or a free « autre » zone may share a
code (INSEE codes overlap across levels: département 53 and région 53). Where one string must name a zone (a URL
argument ``?zone=``, a search facet value), a commune is its bare code and
any other zone is ``level:code`` (``epci:243500139``), so every existing
commune filter keeps its meaning. Pure: no flask, no sqlalchemy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Zone levels, from the smallest; « autre » is any other territory (a park, a pays, a basin…).
LEVELS: tuple[str, ...] = ("commune", "canton", "epci", "departement", "region", "autre")
#: The level of a bare code (old URLs, ``?zone=35236``, commune fields).
DEFAULT_LEVEL = "commune"
#: The longest zone code.
MAX_CODE = 16

#: What a code of each level looks like (codes are upper-cased first).
CODE_PATTERNS: dict[str, re.Pattern[str]] = {
    "commune": re.compile(r"[0-9]{5}|2[AB][0-9]{3}"),
    # INSEE canton codes: the département's two characters then two or three digits (3505, 2A01, 97101).
    "canton": re.compile(r"(?:[0-9]{2}|2[AB])[0-9]{2,3}"),
    "epci": re.compile(r"[0-9]{9}"),
    "departement": re.compile(r"0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-6]"),
    "region": re.compile(r"0[1-46]|11|2[478]|32|44|5[23]|7[56]|84|9[34]"),
    "autre": re.compile(r"[0-9A-Z][0-9A-Z._-]{0,15}"),
}
#: What is expected of a code, per level (French, for field errors).
CODE_HINTS: dict[str, str] = {
    "commune": "code INSEE de commune (ex. 35236, 2A004)",
    "canton": "code INSEE de canton (ex. 3505, 2A01)",
    "epci": "SIREN d'EPCI (9 chiffres)",
    "departement": "numéro de département (ex. 35, 2A, 974)",
    "region": "code de région (ex. 53)",
    "autre": "code de zone (lettres, chiffres, . _ -, 16 au plus)",
}

#: Levels one field may not accept together: a code of one may be a code of the other (the field keeps bare codes).
CLASHING: tuple[tuple[str, str, str], ...] = (
    ("departement", "region", "départements et régions ne peuvent être mêlés (codes à deux chiffres ambigus)"),
    ("commune", "canton", "communes et cantons ne peuvent être mêlés (codes à cinq caractères ambigus)"),
    *((level, "autre", "« autre » ne se mêle à aucun autre niveau (codes libres ambigus)") for level in LEVELS[:-1]),
)

_KEY_RE = re.compile(r"(?:([a-z]{1,16}):)?(\S{1,16})")


def normalise_code(code: str) -> str:
    """A zone code as stored: trimmed and upper-cased."""
    return code.strip().upper()


def level_of(code: str, levels: Iterable[str] = LEVELS) -> str | None:
    """The first of ``levels`` whose codes look like ``code`` (None when none does)."""
    return next((level for level in levels if level in CODE_PATTERNS and CODE_PATTERNS[level].fullmatch(code)), None)


def zone_key(level: str, code: str) -> str:
    """The text naming a zone: its bare code for a commune, ``level:code`` otherwise."""
    return code if level == DEFAULT_LEVEL else f"{level}:{code}"


def parse_zone_key(text: str) -> tuple[str, str] | None:
    """``(level, code)`` of a zone key (``35236``, ``epci:243500139``); None when it names no level.

    A bare code means a commune. The code is upper-cased; nothing tells whether the zone exists.
    """
    found = _KEY_RE.fullmatch(text.strip())
    if found is None:
        return None
    level = found.group(1) or DEFAULT_LEVEL
    if level not in LEVELS:
        return None
    return level, normalise_code(found.group(2))


def parse_zone_keys(raw: Iterable[str], *, limit: int = 20) -> tuple[tuple[str, str], ...]:
    """The ``(level, code)`` of the valid keys among ``raw`` (each may be comma-separated), deduplicated."""
    keys = [parse_zone_key(part) for item in raw for part in str(item).split(",") if part.strip()]
    return tuple(dict.fromkeys(k for k in keys if k is not None))[:limit]
