"""The defensive pre-pass: rewrite a text so Python-Markdown runs in near-linear time.

Pure module: part of :mod:`wiki.markup`. Python-Markdown has super-linear
paths (unclosed fences, unclosed tags, huge blocks; HOSTILE_INPUTS B9-85,
goal G10): :func:`defuse` closes them without changing what a reasonable
text renders to.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Python-Markdown re-scans a whole block per inline match and per block-level
# line (tables' ``test``), so one huge block is quadratic: cap block size.
_BLOCK_MAX_CHARS = 10_000
_BLOCK_MAX_LINES = 256
# Estimated characters the stdlib-derived HTML parser rescans for unclosed
# tags; above this (~0.1 s) unclosed ``<tag`` openers are escaped.
_TAG_SCAN_BUDGET = 3_000_000
_MAX_FENCED_BLOCKS = 1_000
_BLOCK_BREAK = ["", "<!-- -->", ""]  # ends any block, keeps tight lists tight
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_FENCE_OPEN = re.compile(  # Python-Markdown's own opening-fence syntax, one line
    r"(`{3,}|~{3,})[ ]*(?:\{[^\n]*\}|(?:\.?[\w#.+-]*[ ]*)?(?:hl_lines=(\"|').*?\2[ ]*)?)"
)
_FENCE_CLOSE = re.compile(r"(`{3,}|~{3,})[ ]*")
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-*:?\s*)*\|?\s*")
_ANGLE = re.compile(r"[<>]")
_TAG_OPENER = re.compile(r"<[A-Za-z!?/]")


def _fenced_lines(lines: list[str]) -> set[int]:
    """Return indexes of lines inside closed fences; unclosed openers get a space.

    Python-Markdown's fence regex rescans to the end of the text for every
    opener without a matching closer, so N unclosed openers cost O(N²)
    (1 MB of "```x" lines runs for hours). An indented opener is plain text
    to Python-Markdown, as the unclosed one was: the output does not change.
    """
    closers: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        if _FENCE_CLOSE.fullmatch(line):
            closers.setdefault(line.rstrip(" "), []).append(i)
    inside: set[int] = set()
    i = blocks = 0
    while i < len(lines):
        opener = _FENCE_OPEN.fullmatch(lines[i]) if lines[i][:1] in "`~" else None
        if opener:
            later = closers.get(opener.group(1), [])
            k = bisect_right(later, i)
            # Each stashed block also copies the whole text once: cap their number.
            if k < len(later) and blocks < _MAX_FENCED_BLOCKS:
                blocks += 1
                inside.update(range(i, later[k] + 1))
                i = later[k] + 1
                continue
            lines[i] = " " + lines[i]
        i += 1
    return inside


def _escape_unclosed_tags(text: str) -> str:
    """Escape ``<tag`` openers that never close, once rescanning them gets costly.

    The HTML block parser (a copy of html.parser) rescans up to the next '>'
    for each of them: ``"<a " * 10000`` takes 8 s. Only such pathological
    text pays the (then cosmetic) price of a literal ``&lt;`` in inline code.
    """
    unclosed: list[int] = []
    cost, next_gt, next_lt = 0, len(text), len(text)
    for angle in reversed(list(_ANGLE.finditer(text))):
        pos = angle.start()
        if angle.group() == ">":
            next_gt = pos
            continue
        if (next_lt < next_gt or next_gt == len(text)) and _TAG_OPENER.match(text, pos):
            unclosed.append(pos)
            cost += next_gt - pos
        next_lt = pos
    if cost <= _TAG_SCAN_BUDGET:
        return text
    pieces, last = [], 0
    for pos in reversed(unclosed):  # collected right to left
        pieces += [text[last:pos], "&lt;"]
        last = pos + 1
    return "".join(pieces) + text[last:]


def _split_blocks(lines: list[str], fenced: set[int]) -> list[str]:
    """Cut over-long blocks (see ``_BLOCK_MAX_CHARS``); fences and tables stay whole."""
    out: list[str] = []
    chars = count = 0
    in_table = False
    for i, line in enumerate(lines):
        if i in fenced or not line.strip():
            out.append(line)
            chars = count = 0
            in_table = False
            continue
        while len(line) > _BLOCK_MAX_CHARS:  # one giant line: cut at a space if any
            cut = line.rfind(" ", 0, _BLOCK_MAX_CHARS)
            cut = cut if cut > 0 else _BLOCK_MAX_CHARS
            out += [line[:cut], *_BLOCK_BREAK]
            line, chars, count = line[cut:], 0, 0
        if "|" not in line:
            in_table = False
        elif i + 1 < len(lines) and _TABLE_RULE.fullmatch(lines[i + 1]):
            in_table = True  # the tables extension handles each cell on its own
        if not in_table and (chars + len(line) > _BLOCK_MAX_CHARS or count >= _BLOCK_MAX_LINES):
            out += _BLOCK_BREAK
            chars = count = 0
        out.append(line)
        chars, count = chars + len(line), count + 1
    return out


def defuse(text: str) -> str:
    """Rewrite *text* so Python-Markdown runs in near-linear time (B9-85, G10)."""
    lines = CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    fenced = _fenced_lines(lines)
    # Blank out fenced code so its '<' neither counts nor gets escaped.
    masked = "\n".join(" " * len(line) if i in fenced else line for i, line in enumerate(lines))
    escaped = _escape_unclosed_tags(masked)
    if escaped is not masked:
        lines = [
            line if i in fenced else new for i, (line, new) in enumerate(zip(lines, escaped.split("\n"), strict=True))
        ]
    return "\n".join(_split_blocks(lines, fenced))
