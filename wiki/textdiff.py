"""Compare and merge revisions of page text: line/word diffs, stats, 3-way merge.

Pure module: standard library plus ``merge3`` only; it must not import flask or
any other Lieudit module, so services, views, the API and e-mails can share it.
It returns plain text structures, never HTML: every renderer must escape the
segment texts itself (HOSTILE_INPUTS #14), which is why no markup is built here.
The merge rules implement the "no lost update / no false conflict" contract
(HOSTILE_INPUTS #102, #103; goals G1, G2).
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

import merge3

# Words (accented letters included; combining accents U+0300-U+036F too, as
# text pasted from macOS is often NFD), runs of whitespace, or one punctuation
# character. Linear alternation: no backtracking blow-up on hostile text.
_TOKEN_RE = re.compile(r"[\w\u0300-\u036f]+|\s+|[^\w\s]")

# Word-diff budget per call, in tokens(old) x tokens(new) summed over changed
# lines: SequenceMatcher is worse than quadratic on repetitive tokens (1,000 x
# 1,000 took 0.3 s), so past the budget lines show as wholly deleted/inserted
# and a hostile revision cannot pin a worker on its diff view (G10, #14).
_WORD_DIFF_BUDGET = 2_000_000
#: Default budget of :func:`diff_cost` past which diffs are summarised.
DEFAULT_COST_BUDGET = 4_000_000
# Replaced blocks longer than this (lines) show whole lines, without a word-level pass.
_WORD_DIFF_MAX_LINES = 50
# Lines x lines of a conflicting merge chunk re-examined for adjacent changes (see _merge_adjacent).
_MERGE_CHUNK_BUDGET = 1_000_000


@dataclass(frozen=True)
class Segment:
    """A run of text that is equal, inserted or deleted."""

    op: str  # "equal" | "insert" | "delete"
    text: str


@dataclass(frozen=True)
class DiffLine:
    """One displayed line of a diff, with its word-level segments."""

    op: str  # "equal" | "insert" | "delete" | "change"
    old_no: int | None  # 1-based line number in the old text
    new_no: int | None  # 1-based line number in the new text
    old: tuple[Segment, ...]  # empty for "insert"
    new: tuple[Segment, ...]  # empty for "delete"


@dataclass(frozen=True)
class DiffHunk:
    """A group of changed lines with their surrounding context."""

    # Unified-diff convention: a 0-length range starts at the line before it.
    old_start: int
    old_len: int
    new_start: int
    new_len: int
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True)
class MergeResult:
    """Outcome of a 3-way merge: merged text or the user's text plus conflicts."""

    text: str  # merged text; when conflicted, the user's own text ("mine")
    conflicted: bool
    conflicts: tuple[tuple[str, str, str], ...]  # (base, mine, theirs) chunks


def _normalise(text: str) -> str:
    # Browsers submit textareas with CRLF; stored revisions use LF.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_lines(text: str) -> list[str]:
    # Split on "\n" only: str.splitlines() also breaks on U+2028, \x0c, \x1c...
    # which would renumber lines against what the editor shows.
    lines = _normalise(text).split("\n")
    if lines[-1] == "":
        lines.pop()  # a final newline terminates the last line; no extra line
    return lines


def _matcher(a: list[str], b: list[str], junk: bool = False) -> difflib.SequenceMatcher[str]:
    # autojunk=False: its heuristic drops frequent lines (blank lines, "- "
    # list items) from matching on pages over 200 lines, giving absurd diffs.
    # Whitespace tokens as junk can extend a match but not anchor one, so
    # "un gros chat" -> "une petite souris" is one replacement, not confetti.
    isjunk = str.isspace if junk else None
    return difflib.SequenceMatcher(isjunk, a, b, autojunk=False)


def _append(segments: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:  # coalesce runs for the template
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def _word_ops(old: str, new: str, budget: list[int]) -> list[tuple[str, str, str]]:
    """Return ("equal" | "replace", old, new) runs of a word diff, spending budget[0]."""
    a, b = _TOKEN_RE.findall(old), _TOKEN_RE.findall(new)
    if len(a) * len(b) > budget[0]:
        return [("replace", old, new)]
    budget[0] -= len(a) * len(b)
    return [
        ("equal" if tag == "equal" else "replace", "".join(a[i1:i2]), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in _matcher(a, b, junk=True).get_opcodes()
    ]


def _word_sides(old: str, new: str, budget: list[int]) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Split a word diff into old-side (equal/delete) and new-side (equal/insert) segments."""
    old_segs: list[Segment] = []
    new_segs: list[Segment] = []
    for tag, a_text, b_text in _word_ops(old, new, budget):
        _append(old_segs, "equal" if tag == "equal" else "delete", a_text)
        _append(new_segs, "equal" if tag == "equal" else "insert", b_text)
    return tuple(old_segs), tuple(new_segs)


def word_diff(old: str, new: str) -> list[Segment]:
    """Diff two short strings word by word into equal/delete/insert segments."""
    segments: list[Segment] = []
    ops = _word_ops(_normalise(old), _normalise(new), [_WORD_DIFF_BUDGET])
    for tag, a_text, b_text in ops:
        if tag == "equal":
            _append(segments, "equal", a_text)
        else:  # deletion first, then insertion, as readers expect
            _append(segments, "delete", a_text)
            _append(segments, "insert", b_text)
    return segments


def _block_lines(
    tag: str,
    a: list[str],
    b: list[str],
    span: tuple[int, int, int, int],
    budget: list[int],
) -> list[DiffLine]:
    """Turn one opcode into DiffLines, pairing replaced lines one-to-one."""
    i1, i2, j1, j2 = span
    if tag == "equal":
        return [
            DiffLine("equal", i + 1, j + 1, (Segment("equal", t),), (Segment("equal", t),))
            for i, j, t in zip(range(i1, i2), range(j1, j2), a[i1:i2], strict=True)
        ]
    out: list[DiffLine] = []
    paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
    if paired > _WORD_DIFF_MAX_LINES:  # a word-level pass only on small hunks
        budget = [0]
    for k in range(paired):
        old_segs, new_segs = _word_sides(a[i1 + k], b[j1 + k], budget)
        out.append(DiffLine("change", i1 + k + 1, j1 + k + 1, old_segs, new_segs))
    for i in range(i1 + paired, i2):
        out.append(DiffLine("delete", i + 1, None, (Segment("delete", a[i]),), ()))
    for j in range(j1 + paired, j2):
        out.append(DiffLine("insert", None, j + 1, (), (Segment("insert", b[j]),)))
    return out


_Opcode = tuple[str, int, int, int, int]


def _line_opcodes(a: list[str], b: list[str]) -> list[_Opcode]:
    """Return SequenceMatcher opcodes for two line lists, skipping common ends."""
    # Matching only the differing middle turns a one-line edit of a 20,000-line
    # page with many blank lines from ~30 s (autojunk=False is quadratic in
    # repeated lines) into milliseconds: history views stay usable (G10).
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a_end, b_end = len(a) - tail, len(b) - tail
    codes: list[_Opcode] = [("equal", 0, head, 0, head)] if head else []
    for tag, i1, i2, j1, j2 in _matcher(a[head:a_end], b[head:b_end]).get_opcodes():
        codes.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        codes.append(("equal", a_end, len(a), b_end, len(b)))
    return codes


def _group(codes: list[_Opcode], n: int) -> list[list[_Opcode]]:
    """Group opcodes into hunks with n context lines, as difflib's grouping does."""
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = tag, max(i1, i2 - n), i2, max(j1, j2 - n), j2
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)
    groups: list[list[_Opcode]] = []
    group: list[_Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * n:  # gap too wide: close the hunk
            group.append((tag, i1, min(i2, i1 + n), j1, min(j2, j1 + n)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - n), max(j1, j2 - n)
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def diff_lines(old: str, new: str, *, context: int = 3) -> list[DiffHunk]:
    """Diff two texts line by line into hunks, with word-level detail on changed lines."""
    a, b = _split_lines(old), _split_lines(new)
    if a == b:
        return []
    hunks: list[DiffHunk] = []
    budget = [_WORD_DIFF_BUDGET]  # shared by all changed lines of this diff
    for group in _group(_line_opcodes(a, b), max(context, 0)):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            lines.extend(_block_lines(tag, a, b, (i1, i2, j1, j2), budget))
        i_start, j_start = group[0][1], group[0][3]
        old_len, new_len = group[-1][2] - i_start, group[-1][4] - j_start
        hunks.append(
            DiffHunk(
                old_start=i_start + 1 if old_len else i_start,
                old_len=old_len,
                new_start=j_start + 1 if new_len else j_start,
                new_len=new_len,
                lines=tuple(lines),
            )
        )
    return hunks


def _middle(old: str, new: str) -> tuple[list[str], list[str]]:
    """Return the lines of both texts that differ, without their common first and last lines."""
    a, b = _split_lines(old), _split_lines(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return a[head : len(a) - tail], b[head : len(b) - tail]


def diff_cost(old: str, new: str) -> int:
    """Return what a line diff of two texts costs at worst: differing lines paired, plus their characters.

    Linear to compute; line matching is quadratic in the differing lines, so
    callers summarise a diff above a budget (G10). Repeated lines cost more:
    each search for the longest match visits every pair of equal lines, and
    there is about one search per matching block, so each pair beyond one per
    distinct line counts once per line of the shorter side (1,000 ``=`` lines
    on each side: a minute of CPU, with a product of lines under the budget).
    """
    a, b = _middle(old, new)
    in_a, in_b = Counter(a), Counter(b)
    repeated = sum(count * in_b[line] - 1 for line, count in in_a.items() if line in in_b)
    return len(a) * len(b) + sum(map(len, a)) + sum(map(len, b)) + repeated * min(len(a), len(b))


def estimate_stats(old: str, new: str) -> tuple[int, int]:
    """Count (lines added, lines removed) as multisets, in linear time (order is ignored)."""
    a, b = (Counter(lines) for lines in _middle(old, new))
    return sum((b - a).values()), sum((a - b).values())


def diff_stats(old: str, new: str, *, budget: int = DEFAULT_COST_BUDGET) -> tuple[int, int]:
    """Count (lines added, lines removed) between two texts (estimated past ``budget``, see :func:`diff_cost`)."""
    if diff_cost(old, new) > budget:
        return estimate_stats(old, new)
    added = removed = 0
    for tag, i1, i2, j1, j2 in _line_opcodes(_split_lines(old), _split_lines(new)):
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """Render a plain-text unified diff ("" when the texts are equal)."""
    # Labels may come from user-chosen titles: a newline in one would forge
    # diff lines (or headers) in API output and e-mails.
    labels = [re.sub(r"[\r\n]+", " ", label) for label in (old_label, new_label)]
    out = difflib.unified_diff(
        _split_lines(old),
        _split_lines(new),
        fromfile=labels[0],
        tofile=labels[1],
        lineterm="",
    )
    text = "\n".join(out)
    return text + "\n" if text else ""


def _merge_lines(text: str) -> list[str]:
    # Give every line a "\n" so a last line lacking one does not differ from
    # the same line with one (spurious conflict); we restore mine's ending.
    if text and not text.endswith("\n"):
        text += "\n"
    return [line + "\n" for line in text.split("\n")[:-1]]


def merge_texts(base: str, mine: str, theirs: str) -> MergeResult:
    """Merge mine and theirs, both edited from base, line by line (3-way)."""
    base, mine, theirs = _normalise(base), _normalise(mine), _normalise(theirs)
    # Shortcuts first: identical resubmits and two-tab saves must never
    # conflict (HOSTILE_INPUTS #103, G2), whatever merge3 would say.
    if mine == theirs or base == theirs:
        return MergeResult(mine, False, ())
    if base == mine:
        return MergeResult(theirs, False, ())
    merger = merge3.Merge3(_merge_lines(base), _merge_lines(mine), _merge_lines(theirs))
    merged: list[str] = []
    conflicts: list[tuple[str, str, str]] = []
    for group in merger.merge_groups():
        if group[0] == "conflict":
            resolved = _merge_adjacent(list(group[1]), list(group[2]), list(group[3]))
            if resolved is not None:
                merged.extend(resolved)
                continue
            conflicts.append(("".join(group[1]), "".join(group[2]), "".join(group[3])))
        else:  # "unchanged", "a", "b", "same": merge3 already chose the lines
            merged.extend(group[1])
    if conflicts:
        # No conflict markers in the text: the user gets their own text back
        # intact plus the conflicting chunks for a merge view (#102, G1).
        return MergeResult(mine, True, tuple(conflicts))
    text = "".join(merged)
    if text.endswith("\n") and not mine.endswith("\n"):
        text = text[:-1]
    return MergeResult(text, False, ())


def _changes(base: list[str], other: list[str]) -> set[tuple[int, int, tuple[str, ...]]]:
    """Return the changes from base to other as (start, end, new lines) over base's lines.

    A replacement of n lines by n lines is n one-line changes, so that two sides
    changing neighbouring lines of one paragraph do not overlap.
    """
    out: set[tuple[int, int, tuple[str, ...]]] = set()
    for tag, i1, i2, j1, j2 in _matcher(base, other).get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            out.update((i1 + k, i1 + k + 1, (other[j1 + k],)) for k in range(i2 - i1))
        elif tag != "equal":
            out.add((i1, i2, tuple(other[j1:j2])))
    return out


def _merge_adjacent(base: list[str], mine: list[str], theirs: list[str]) -> list[str] | None:
    """Merge a chunk merge3 calls a conflict when its changes touch no common line, else None.

    merge3 needs an unchanged line between two changes; like MediaWiki's diff3,
    changes on adjacent lines are compatible (an insertion just before a changed
    line included): only changes to the same base lines, or two different
    insertions at one place, conflict. A change made on both sides counts once.
    """
    if len(base) * (len(mine) + len(theirs)) > _MERGE_CHUNK_BUDGET:
        return None
    edits = sorted(_changes(base, mine) | _changes(base, theirs))
    for (s1, e1, _n1), (s2, e2, _n2) in zip(edits, edits[1:], strict=False):
        if s2 < e1 or s1 == e1 == s2 == e2:
            return None  # overlapping lines, or two different insertions at one place
    out: list[str] = []
    at = 0
    for start, end, new in edits:
        out += base[at:start] + list(new)
        at = end
    return out + base[at:]
