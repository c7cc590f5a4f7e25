"""``limit`` and ``offset`` query parameters, clamped the same way on every JSON list (B9-81).

Every list of ``/api/v1`` answers ``{"total", "limit", "offset", "items"}``;
this is where its two paging parameters are read, so a huge, negative or
non-numeric value never reaches a query.
"""

from __future__ import annotations

from collections.abc import Mapping

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_OFFSET = 10_000_000


def _int(args: Mapping[str, str], name: str, default: int) -> int:
    raw = args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else default


def clamp(args: Mapping[str, str], *, max_offset: int = MAX_OFFSET) -> tuple[int, int]:
    """Return ``(limit, offset)`` from query ``args``: limit in 1–200 (50 by default), offset ≥ 0."""
    limit = max(1, min(_int(args, "limit", DEFAULT_LIMIT), MAX_LIMIT))
    return limit, max(0, min(_int(args, "offset", 0), max_offset))
