"""Tests for wiki.textdiff: line/word diffs, stats, unified diff, 3-way merge."""

from __future__ import annotations

import random
import time

# One module import: valid under both ruff default isort and force-single-line.
from wiki import textdiff as td


def numbered(n: int, prefix: str = "ligne") -> str:
    return "".join(f"{prefix} {i}\n" for i in range(1, n + 1))


def edit_line(text: str, line_no: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line_no - 1] = new + "\n"
    return "".join(lines)


def all_lines(hunks: list[td.DiffHunk]) -> list[td.DiffLine]:
    return [line for hunk in hunks for line in hunk.lines]


# --- diff_lines -----


def test_identical_texts_give_no_hunks() -> None:
    assert td.diff_lines("a\nb\n", "a\nb\n") == []
    assert td.diff_lines("", "") == []


def test_crlf_and_cr_count_as_no_change() -> None:
    assert td.diff_lines("un\r\ndeux\r\n", "un\ndeux\n") == []
    assert td.diff_lines("un\rdeux", "un\ndeux") == []
    assert td.diff_stats("un\r\ndeux\r\n", "un\ndeux\n") == (0, 0)


def test_pure_insert() -> None:
    [hunk] = td.diff_lines("a\nb\n", "a\nnouveau\nb\n")
    inserted = [line for line in hunk.lines if line.op == "insert"]
    assert inserted == [td.DiffLine("insert", None, 2, (), (td.Segment("insert", "nouveau"),))]
    assert (hunk.old_start, hunk.old_len, hunk.new_start, hunk.new_len) == (1, 2, 1, 3)


def test_pure_delete() -> None:
    [hunk] = td.diff_lines("a\nvieux\nb\n", "a\nb\n")
    assert [line.op for line in hunk.lines] == ["equal", "delete", "equal"]
    deleted = hunk.lines[1]
    assert deleted == td.DiffLine("delete", 2, None, (td.Segment("delete", "vieux"),), ())


def test_insert_into_empty_text_uses_unified_ranges() -> None:
    [hunk] = td.diff_lines("", "x\ny\n")
    assert (hunk.old_start, hunk.old_len, hunk.new_start, hunk.new_len) == (0, 0, 1, 2)


def test_changed_line_has_word_segments_for_the_changed_word() -> None:
    [hunk] = td.diff_lines("Le chat dort.\n", "Le chien dort.\n")
    [line] = hunk.lines
    assert line.op == "change"
    assert (line.old_no, line.new_no) == (1, 1)
    assert line.old == (
        td.Segment("equal", "Le "),
        td.Segment("delete", "chat"),
        td.Segment("equal", " dort."),
    )
    assert line.new == (
        td.Segment("equal", "Le "),
        td.Segment("insert", "chien"),
        td.Segment("equal", " dort."),
    )


def test_replace_block_pairs_lines_and_leaves_remainder() -> None:
    old = "début\nun\ndeux\nfin\n"
    new = "début\nun bis\ndeux bis\ntrois\nfin\n"
    lines = all_lines(td.diff_lines(old, new))
    ops = [(line.op, line.old_no, line.new_no) for line in lines]
    assert ops == [
        ("equal", 1, 1),
        ("change", 2, 2),
        ("change", 3, 3),
        ("insert", None, 4),
        ("equal", 4, 5),
    ]


def test_far_apart_changes_make_separate_hunks_with_correct_numbers() -> None:
    old = numbered(30)
    new = edit_line(edit_line(old, 3, "ligne trois"), 25, "ligne vingt-cinq")
    hunks = td.diff_lines(old, new)
    assert len(hunks) == 2
    first, second = hunks
    # Context 3: line 3 is changed, lines 1-2 and 4-6 surround it.
    assert (first.old_start, first.old_len, first.new_start, first.new_len) == (
        1,
        6,
        1,
        6,
    )
    assert (second.old_start, second.old_len) == (22, 7)
    [change] = [line for line in second.lines if line.op == "change"]
    assert (change.old_no, change.new_no) == (25, 25)
    assert td.Segment("insert", "vingt-cinq") in change.new
    assert all(line.old[0].text == f"ligne {line.old_no}" for line in second.lines if line.op == "equal")


def test_context_parameter_controls_grouping() -> None:
    old = numbered(12)
    new = edit_line(edit_line(old, 2, "x"), 8, "y")
    assert len(td.diff_lines(old, new, context=3)) == 1  # gap of 5 <= 2 * 3
    assert len(td.diff_lines(old, new, context=1)) == 2
    hunks = td.diff_lines(old, new, context=0)
    assert [[line.op for line in hunk.lines] for hunk in hunks] == [
        ["change"],
        ["change"],
    ]
    assert [(hunk.old_start, hunk.old_len) for hunk in hunks] == [(2, 1), (8, 1)]


def test_payload_text_is_preserved_verbatim() -> None:
    # Escaping is the template's job (HOSTILE_INPUTS #14): the diff must hand
    # over the raw text unchanged, so templates must autoescape it.
    payload = "<script>alert(1)</script>"
    hunks = td.diff_lines("bonjour\n", f"bonjour {payload}\n{payload}\n")
    texts = [seg.text for line in all_lines(hunks) for seg in line.new]
    assert payload in "".join(texts)
    [inserted] = [line for line in all_lines(hunks) if line.op == "insert"]
    assert inserted.new == (td.Segment("insert", payload),)
    assert "&lt;" not in "".join(texts)


def test_diff_sides_rebuild_both_texts() -> None:
    # Invariant over random small texts with many repeated lines: the old-side
    # segments spell the old text, the new-side ones the new text.
    rng = random.Random(0)
    for _ in range(300):
        a = [rng.choice(["", "a b", "a c", "d"]) for _ in range(rng.randrange(12))]
        b = [rng.choice(["", "a b", "a c", "e"]) for _ in range(rng.randrange(12))]
        old, new = "".join(f"{x}\n" for x in a), "".join(f"{x}\n" for x in b)
        lines = all_lines(td.diff_lines(old, new, context=100))
        assert ["".join(s.text for s in ln.old) for ln in lines if ln.op != "insert"] == (a if a != b else [])
        assert ["".join(s.text for s in ln.new) for ln in lines if ln.op != "delete"] == (b if a != b else [])
        added, removed = td.diff_stats(old, new)
        assert added - removed == len(b) - len(a)


def test_big_page_with_blank_lines_diffs_fast() -> None:
    # 20,000 lines, half blank: autojunk=False over the whole text took ~30 s.
    old = "".join(f"paragraphe {i}\n\n" for i in range(10_000))
    new = old.replace("paragraphe 5000\n", "paragraphe cinq mille\n")
    start = time.monotonic()
    [hunk] = td.diff_lines(old, new)
    assert time.monotonic() - start < 5
    [change] = [line for line in hunk.lines if line.op == "change"]
    assert (change.old_no, change.new_no) == (10_001, 10_001)
    assert td.diff_stats(old, new) == (1, 1)


def test_word_diff_budget_is_shared_across_changed_lines() -> None:
    # Many long repetitive lines: the first ones get a word diff, the rest
    # fall back to whole-line segments instead of burning CPU (G10).
    old = "".join(" ".join(["de la"] * 250) + f" {i}\n" for i in range(20))
    new = old.replace("de la", "de le")
    changes = [ln for ln in all_lines(td.diff_lines(old, new)) if ln.op == "change"]
    assert len(changes) == 20
    assert len(changes[0].new) > 1
    assert changes[-1].old == (td.Segment("delete", old.splitlines()[-1]),)
    assert changes[-1].new == (td.Segment("insert", new.splitlines()[-1]),)


# --- word_diff -----


def test_word_diff_french_accents_and_punctuation() -> None:
    old = "L'église de Saint-Étienne, fermée l'été."
    new = "L'église de Saint-Étienne, ouverte l'été !"
    segments = td.word_diff(old, new)
    assert "".join(s.text for s in segments if s.op != "insert") == old
    assert "".join(s.text for s in segments if s.op != "delete") == new
    changed = [(s.op, s.text) for s in segments if s.op != "equal"]
    assert changed == [
        ("delete", "fermée"),
        ("insert", "ouverte"),
        ("delete", "."),
        ("insert", " !"),
    ]
    assert segments[0] == td.Segment("equal", "L'église de Saint-Étienne, ")


def test_word_diff_keeps_decomposed_accents_in_one_word() -> None:
    old = "cafe\u0301 noir"  # NFD "café", as pasted from macOS
    segments = td.word_diff(old, "cafe\u0301 crème")
    assert segments[0] == td.Segment("equal", "cafe\u0301 ")


def test_word_diff_identical_and_empty() -> None:
    assert td.word_diff("même", "même") == [td.Segment("equal", "même")]
    assert td.word_diff("", "") == []
    assert td.word_diff("", "neuf") == [td.Segment("insert", "neuf")]


def test_word_diff_huge_input_falls_back_to_whole_replacement() -> None:
    old = " ".join(f"a{i}" for i in range(3000))
    new = " ".join(f"b{i}" for i in range(3000))
    assert td.word_diff(old, new) == [
        td.Segment("delete", old),
        td.Segment("insert", new),
    ]


# --- diff_stats / unified_diff -----


def test_diff_stats() -> None:
    assert td.diff_stats("a\nb\nc\n", "a\nB\nc\nd\ne\n") == (3, 1)
    assert td.diff_stats("a\n", "a\n") == (0, 0)
    assert td.diff_stats("", "x\ny\n") == (2, 0)
    assert td.diff_stats("x\ny\n", "") == (0, 2)


def test_unified_diff_contains_labels_and_lines() -> None:
    out = td.unified_diff("un\ndeux\n", "un\ntrois\n", "révision 10", "révision 11")
    lines = out.splitlines()
    assert lines[0] == "--- révision 10"
    assert lines[1] == "+++ révision 11"
    assert "-deux" in lines
    assert "+trois" in lines
    assert " un" in lines
    assert td.unified_diff("a\n", "a\n", "x", "y") == ""


def test_unified_diff_label_newlines_cannot_forge_lines() -> None:
    out = td.unified_diff("a\n", "b\n", "titre\n+++ faux", "autre")
    assert out.splitlines()[0] == "--- titre +++ faux"


# --- merge_texts -----

BASE = numbered(10)


def test_merge_identical_sides_and_trivial_cases() -> None:
    mine = edit_line(BASE, 3, "pareil")
    assert td.merge_texts(BASE, mine, mine) == td.merge_texts(BASE, mine, BASE)
    assert td.merge_texts(BASE, mine, mine).text == mine
    assert not td.merge_texts(BASE, mine, mine).conflicted
    theirs = edit_line(BASE, 4, "autre")
    assert td.merge_texts(BASE, BASE, theirs).text == theirs


def test_merge_non_overlapping_edits() -> None:
    mine = edit_line(BASE, 2, "A a modifié la ligne 2")
    theirs = edit_line(BASE, 8, "B a modifié la ligne 8")
    result = td.merge_texts(BASE, mine, theirs)
    assert not result.conflicted
    assert result.conflicts == ()
    assert result.text == edit_line(mine, 8, "B a modifié la ligne 8")


def test_merge_adjacent_line_edits_merge_like_diff3() -> None:
    # merge3 alone sees no unchanged line between edits of lines 4 and 5 and reports a
    # conflict; like MediaWiki's diff3, adjacent non-overlapping changes are compatible.
    result = td.merge_texts(BASE, edit_line(BASE, 4, "A"), edit_line(BASE, 5, "B"))
    assert (result.conflicted, result.text) == (False, edit_line(edit_line(BASE, 4, "A"), 5, "B"))
    # An insertion just before a line the other side changes, and the same change made twice.
    mine = BASE.replace("ligne 5\n", "insérée\nligne 5\n")
    result = td.merge_texts(BASE, mine, edit_line(BASE, 5, "B"))
    assert (result.conflicted, result.text) == (False, BASE.replace("ligne 5\n", "insérée\nB\n"))
    both = edit_line(BASE, 4, "A")
    result = td.merge_texts(BASE, edit_line(both, 5, "B"), edit_line(both, 3, "C"))
    assert (result.conflicted, result.text) == (False, edit_line(edit_line(both, 5, "B"), 3, "C"))
    # The same line changed differently still conflicts, with the chunks for the merge view.
    result = td.merge_texts(BASE, edit_line(BASE, 4, "A"), edit_line(BASE, 4, "B"))
    assert result.conflicted and result.conflicts == (("ligne 4\n", "A\n", "B\n"),)
    assert result.text == edit_line(BASE, 4, "A")


def test_merge_identical_edit_plus_separate_edit_is_clean() -> None:
    mine = edit_line(edit_line(BASE, 2, "commun"), 8, "A seul")
    theirs = edit_line(BASE, 2, "commun")
    theirs = theirs + "ajout de B\n"
    result = td.merge_texts(BASE, mine, theirs)
    assert not result.conflicted
    assert result.text == mine + "ajout de B\n"


def test_merge_both_add_identical_line_is_clean() -> None:
    result = td.merge_texts(BASE, BASE + "même ajout\n", BASE + "même ajout\n")
    assert (result.conflicted, result.text) == (False, BASE + "même ajout\n")
    mine = edit_line(BASE, 2, "A") + "même ajout\n"
    theirs = BASE + "même ajout\n"
    result = td.merge_texts(BASE, mine, theirs)  # not the shortcut: sides differ
    assert (result.conflicted, result.text) == (False, mine)


def test_merge_one_side_deletes_a_line() -> None:
    mine = BASE.replace("ligne 3\n", "")
    theirs = edit_line(BASE, 9, "B")
    result = td.merge_texts(BASE, mine, theirs)
    assert not result.conflicted
    assert result.text == edit_line(BASE, 9, "B").replace("ligne 3\n", "")


def test_merge_both_append_different_lines_conflicts() -> None:
    # Documented: two insertions at the same point are a conflict, since
    # merge3 cannot know which order the authors want.
    mine = BASE + "ajout de A\n"
    result = td.merge_texts(BASE, mine, BASE + "ajout de B\n")
    assert result.conflicted
    assert result.conflicts == (("", "ajout de A\n", "ajout de B\n"),)


def test_conflict_leaves_mine_exactly() -> None:
    mine = edit_line(BASE, 5, "version de A <b>gras</b>")
    theirs = edit_line(BASE, 5, "version de B")
    result = td.merge_texts(BASE, mine, theirs)
    assert result.conflicted
    assert result.text == mine
    assert "<<<<<<<" not in result.text
    assert result.conflicts == (("ligne 5\n", "version de A <b>gras</b>\n", "version de B\n"),)


def test_merge_missing_final_newline_no_spurious_conflict() -> None:
    base = BASE.rstrip("\n")
    mine = edit_line(BASE, 2, "A").rstrip("\n")  # user's textarea lost the final newline
    theirs = edit_line(BASE, 8, "B")
    result = td.merge_texts(base, mine, theirs)
    assert not result.conflicted
    assert result.text == edit_line(edit_line(BASE, 2, "A"), 8, "B").rstrip("\n")
    # ...and the other way round: the final newline follows mine.
    result = td.merge_texts(BASE, edit_line(BASE, 2, "A"), edit_line(BASE, 10, "B").rstrip("\n"))
    assert result.text == edit_line(edit_line(BASE, 2, "A"), 10, "B")


def test_merge_normalises_line_endings() -> None:
    mine = edit_line(BASE, 2, "A").replace("\n", "\r\n")
    result = td.merge_texts(BASE, mine, edit_line(BASE, 8, "B"))
    assert not result.conflicted
    assert result.text == edit_line(edit_line(BASE, 2, "A"), 8, "B")
    # A CRLF-only resubmit is the same text: no false conflict (G2).
    same = td.merge_texts(BASE, BASE.replace("\n", "\r\n"), edit_line(BASE, 8, "B"))
    assert (same.conflicted, same.text) == (False, edit_line(BASE, 8, "B"))


def _apply(lines: list[str | None], k: int, kind: str, text: str) -> list[str | None]:
    out = list(lines)
    if kind == "replace":
        out[k] = text
    elif kind == "delete":
        out[k] = None
    else:  # insert a new line after line k
        out[k] = f"{out[k]}\n{text}"
    return out


def _join(lines: list[str | None]) -> str:
    return "".join(f"{line}\n" for line in lines if line is not None)


def test_random_non_overlapping_edits_always_merge() -> None:
    # G1 needs >= 90 % of non-overlapping pairs merged; single-line edits with
    # >= 2 untouched lines between them must merge 100 %, with both present.
    rng = random.Random(0)
    base_lines: list[str | None] = [f"ligne {i} : {rng.random():.6f}" for i in range(1, 21)]
    base = _join(base_lines)
    for n in range(200):
        i = rng.randrange(20)
        j = rng.choice([k for k in range(20) if abs(k - i) >= 3])
        kind_a, kind_b = rng.choice(KINDS), rng.choice(KINDS)
        text_a, text_b = f"A{n} était ici, l'été", f"B{n} <script>alert({n})</script>"
        mine = _apply(base_lines, i, kind_a, text_a)
        theirs = _apply(base_lines, j, kind_b, text_b)
        expected = _apply(mine, j, kind_b, text_b)
        result = td.merge_texts(base, _join(mine), _join(theirs))
        assert not result.conflicted, (i, kind_a, j, kind_b)
        assert result.text == _join(expected), (i, kind_a, j, kind_b)


KINDS = ("replace", "replace", "delete", "insert")


def test_diff_cost_counts_repeated_lines_that_make_matching_slow():
    unique_old = "".join(f"ligne {n}\n" for n in range(1_000))
    unique_new = "".join(f"ligne {n} changée\n" for n in range(1_000))
    # Distinct lines: the product of the differing lines, plus their characters.
    assert td.diff_cost(unique_old, unique_new) == 1_000 * 1_000 + len(unique_old) - 1_000 + len(unique_new) - 1_000
    # The same number of lines, half of them one repeated line: about a minute of
    # SequenceMatcher before, while its product of lines stayed under the budget.
    old, new = "a\n=\n" * 1_000, "b\n=\n" * 1_000
    assert td.diff_cost(old, new) > td.DEFAULT_COST_BUDGET
    added, removed = td.diff_stats(old, new)  # estimated, at once
    assert (added, removed) == (1_000, 1_000)
