"""French analysis: what volunteers type must meet what contributors wrote."""

from __future__ import annotations

import pickle

import pytest
from whoosh.lang import has_stemmer

from wiki.search.analysis import ELISIONS
from wiki.search.analysis import analyze
from wiki.search.analysis import fold
from wiki.search.analysis import french_analyzer


def test_snowball_french_ships_with_whoosh_reloaded():
    assert has_stemmer("fr")


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("mediatheque", "Médiathèque"),
        ("mediatheque", "médiathèques"),
        ("MEDIATHEQUE", "Médiathèque"),
        ("velos", "vélos"),
        ("covoiturage", "covoiturages"),
        ("eglise", "l'église"),
        ("eglise", "L’Église"),
        ("eglise", "lʼéglise"),
        ("jardin partage", "Les jardins partagés"),
        ("cheval", "chevaux"),
        ("oeuvre", "Œuvres"),
        ("reparer", "réparation"),
        ("associations", "association"),
        ("chateau", "châteaux"),
    ],
)
def test_same_terms(typed, written):
    assert analyze(typed) == analyze(written)


def test_ille_et_vilaine():
    assert analyze("d'Ille-et-Vilaine") == ["ille", "vilain"] == analyze("Ille et Vilaine")


@pytest.mark.parametrize("elision", ELISIONS)
@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_elisions_are_removed(elision, apostrophe):
    assert analyze(f"{elision}{apostrophe}atelier") == analyze("atelier")


def test_other_apostrophes_keep_the_word_whole():
    assert analyze("aujourd’hui") == analyze("aujourd'hui") == ["aujourd'hui"]


def test_stop_words_go_but_not_est_nor_son():
    assert analyze("le la les de du des et à un une") == []
    assert analyze("Rennes Est")[-1] == "est"
    assert analyze("son et lumière") == ["son", "lumier"]


def test_accents_are_folded_before_stemming():
    # Stemming first would make « reparee » and « réparée » differ (repare / répar).
    words = "réparée réparées créée éléphants forêts égalité été hôpitaux naïveté Noël coïncidence ÉVÉNEMENTS".split()
    for word in words:
        assert analyze(word) == analyze(fold(word)), word


def test_snowball_limits_are_known():
    # An s after a vowel stays: « velo » meets « vélos » through the last-word prefix only.
    assert analyze("vélos") == ["velos"] and analyze("velo") == ["velo"]
    # Verb forms: -er/-ation conflate, -ons and -ée (folded) do not.
    assert analyze("réparer") == analyze("réparation") == ["repar"]
    assert analyze("réparons") == ["reparon"]
    assert analyze("réparée") == ["repare"]
    # All start with the stem of the word typed: the prefix match finds them.
    assert all(term.startswith("repar") for term in analyze("réparons réparée réparation"))


def test_highlight_offsets_skip_the_elided_article():
    tokens = [(t.text, t.startchar, t.endchar) for t in french_analyzer()("Voir l'église", chars=True, positions=True)]
    assert tokens == [("voir", 0, 4), ("eglis", 7, 13)]


def test_unstemmed_words_for_spelling():
    assert analyze("Médiathèques d'Été", stem=False) == ["mediatheques", "ete"]


def test_analyzer_pickles():
    # The schema (with its analyzer) is pickled into the index and to the writer processes.
    analyzer = pickle.loads(pickle.dumps(french_analyzer()))
    assert [t.text for t in analyzer("Vélos")] == ["velos"]
