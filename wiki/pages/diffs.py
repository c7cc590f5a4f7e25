"""Diffs between two revisions of a page: within a cost budget, bounded in size, cached per pair.

One anonymous diff between two revisions of a huge page took 30 s and
answered 140 MB (issue 17 item 3). Here a diff whose cost
(:func:`wiki.textdiff.diff_cost`) is over ``DIFF_COST_BUDGET`` is summarised
(lines added and removed, counted in linear time) with links to both texts;
below it, at most ``MAX_SHOWN_LINES`` lines of ``MAX_LINE_CHARS`` characters
are shown, and long replaced blocks get no word-level pass. Revisions never
change, so results are kept per (old, new) revision pair in a bounded cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from typing import Any

from flask import current_app
from flask import has_app_context
from sqlalchemy.orm import Session

from wiki import textdiff
from wiki.caching import AppCache
from wiki.pages.models import PageRevision

#: Changed lines shown at most; the rest is counted and linked.
MAX_SHOWN_LINES = 2_000
#: Characters shown of one side of a line.
MAX_LINE_CHARS = 2_000


@dataclass(frozen=True)
class PageDiff:
    """A diff as views show it."""

    hunks: tuple[textdiff.DiffHunk, ...]
    added: int
    removed: int
    #: Over the budget: no hunks, counts estimated (order ignored).
    summarised: bool = False
    #: Some lines, or the end of long lines, are left out.
    truncated: bool = False


#: Diffs per (old revision id, new revision id), per app (``DIFF_CACHE_SIZE`` entries).
DIFFS: AppCache[PageDiff] = AppCache("pages.diffs", maxsize=64)


def configure_cache(app: Any, size: int) -> None:
    """Bound the app's cache of diffs."""
    DIFFS.resize(app, size)


def compare(db: Session, old: PageRevision, new: PageRevision) -> PageDiff:
    """Return the diff between two committed revisions, from the cache when it holds it."""
    budget = int(current_app.config["DIFF_COST_BUDGET"]) if has_app_context() else textdiff.DEFAULT_COST_BUDGET
    return DIFFS.get_or_set(db, (old.id, new.id), lambda: build(old.body, new.body, budget))


def build(old: str, new: str, budget: int) -> PageDiff:
    """Diff two texts within ``budget`` (see the module's docstring)."""
    if textdiff.diff_cost(old, new) > budget:
        added, removed = textdiff.estimate_stats(old, new)
        return PageDiff((), added, removed, summarised=True)
    hunks = textdiff.diff_lines(old, new)
    added = sum(line.op in ("insert", "change") for hunk in hunks for line in hunk.lines)
    removed = sum(line.op in ("delete", "change") for hunk in hunks for line in hunk.lines)
    shown: list[textdiff.DiffHunk] = []
    count, truncated = 0, False
    for hunk in hunks:
        room = MAX_SHOWN_LINES - count
        if room <= 0:
            truncated = True
            break
        lines = tuple(_clip(line) for line in hunk.lines[:room])  # a hunk too long shows its start
        truncated = truncated or lines != hunk.lines
        shown.append(replace(hunk, lines=lines))
        count += len(lines)
    return PageDiff(tuple(shown), added, removed, truncated=truncated)


def _clip(line: textdiff.DiffLine) -> textdiff.DiffLine:
    """Cut each side of a line to ``MAX_LINE_CHARS`` characters (with an ellipsis)."""
    old, new = _clip_side(line.old), _clip_side(line.new)
    return line if (old, new) == (line.old, line.new) else replace(line, old=old, new=new)


def _clip_side(segments: tuple[textdiff.Segment, ...]) -> tuple[textdiff.Segment, ...]:
    if sum(len(s.text) for s in segments) <= MAX_LINE_CHARS:
        return segments
    kept: list[textdiff.Segment] = []
    room = MAX_LINE_CHARS
    for segment in segments:
        if room <= 0:
            break
        kept.append(textdiff.Segment(segment.op, segment.text[:room]))
        room -= len(segment.text)
    kept.append(textdiff.Segment("equal", "…"))
    return tuple(kept)
