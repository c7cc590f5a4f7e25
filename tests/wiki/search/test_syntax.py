"""The search-box syntax: phrases, exclusions, prefixes, and nothing that can fail."""

from __future__ import annotations

import pytest

from wiki.search import syntax
from wiki.search.syntax import Clause
from wiki.search.syntax import parse

HOSTILE = [
    "') OR 1=1 --",
    "%",
    "_",
    "\\",
    "[a-z]*(",
    ".*.*.*.*!",
    '"unclosed',
    "NEAR(",
    "*",
    "AND AND",
    "x" * 10_000,
    "title:secret^1000",
    "a TO z",
    "{[(",
    '""""',
    "-",
    "--",
    "- -",
    "\x00\x1f",
    "\ue000mark\ue001",
    "'",
    "’",
    "l'",
    None,
    "😀 🚲",
    "é" * 5000,
    " ".join(["mot"] * 500),
    "les",
    "-les",
]


def test_words_are_required_and_the_last_one_is_a_prefix():
    parsed = parse("vélo Redon")
    assert parsed.clauses == (Clause("vélo"), Clause("Redon", prefix=True))
    assert not parsed.fixed and parsed.message() is None


def test_phrases_and_exclusions():
    parsed = parse('"maison de quartier" -payant -"sur inscription" covoit')
    assert parsed.clauses == (
        Clause("maison de quartier", phrase=True),
        Clause("payant", negated=True),
        Clause("sur inscription", phrase=True, negated=True),
        Clause("covoit", prefix=True),
    )
    assert parsed.display() == '"maison de quartier" -payant -"sur inscription" covoit'


def test_french_quotes_are_phrases():
    assert parse("« jardin partagé »").clauses == (Clause("jardin partagé", phrase=True),)


def test_prefix_goes_to_the_last_required_word():
    assert parse("velo -electrique").clauses[0] == Clause("velo", prefix=True)
    assert parse('velo "maison de quartier"').clauses[0].prefix
    assert parse("covoit* Redon").clauses == (Clause("covoit", prefix=True), Clause("Redon", prefix=True))
    assert not parse("co").clauses[0].prefix  # too short: would expand to half the vocabulary


def test_hyphens_make_phrases_and_elisions_go():
    assert parse("Saint-Malo").clauses == (Clause("Saint Malo", phrase=True),)
    assert parse("l'égl").clauses == (Clause("égl", prefix=True),)


def test_unclosed_quote_and_special_characters_are_fixed():
    parsed = parse('"atelier vélo')
    assert parsed.fixed and parsed.clauses == (Clause("atelier vélo", phrase=True),)
    assert parsed.message() == syntax.MSG_FIXED
    assert parse("title:secret^1000").fixed


def test_common_words_are_left_out_the_same_way_for_both_engines():
    parsed = parse("les jardins de la ville")
    assert [c.text for c in parsed.clauses] == ["jardins", "ville"] and parsed.common == ("les", "de", "la")
    assert parse("de la du").message() == syntax.MSG_TOO_COMMON
    assert parse('"maison de quartier"').clauses[0].text == "maison de quartier"  # phrases keep them


def test_empty_and_only_excluded():
    assert parse("").message() == syntax.MSG_EMPTY
    assert parse("  * ").message() == syntax.MSG_EMPTY
    assert parse("-velo").message() == syntax.MSG_ONLY_EXCLUDED


def test_long_queries_are_cut():
    parsed = parse(" ".join(f"mot{i}" for i in range(40)))
    assert parsed.fixed and len(parsed.clauses) == syntax.MAX_CLAUSES
    assert parse("x" * 10_000).fixed


@pytest.mark.parametrize("raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_raises(raw):
    parsed = parse(raw)
    for clause in parsed.clauses:
        assert clause.text and "\ue000" not in clause.text
        assert not clause.prefix or clause.text.isalnum()
