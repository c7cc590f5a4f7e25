"""Posting lists read as arrays: the same answers as Whoosh's own matchers, block by block."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from typing import Any

import numpy as np
import pytest
from whoosh import query as wq

from wiki.search.backend import Document
from wiki.search.postings import PackedPositions
from wiki.search.postings import position_keys
from wiki.search.postings import read_postings
from wiki.search.whoosh_backend import WhooshBackend

WORDS = "velo atelier jardin quartier maison marche ecole foret riviere moulin".split()


def make_doc(number: int, body: str, title: str = "") -> Document:
    return Document(id=f"page:{number}", kind="page", form="", title=title or f"Titre {number}", body=body, excerpt="",
                    url=f"/{number}", themes=[], zones=[], status="", updated_at=datetime(2026, 1, 1, tzinfo=UTC))


def random_bodies(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40))) for _ in range(count)]


@pytest.fixture
def backend(tmp_path: Any) -> Iterator[WhooshBackend]:
    """An index of 1,500 random documents in several segments (posting lists of several
    512-posting blocks), with deletions, and one word held by a single document (stored inline)."""
    engine = WhooshBackend(tmp_path / "index")
    bodies = random_bodies(1500, seed=5)
    engine.rebuild([make_doc(n, body) for n, body in enumerate(bodies[:1000])], procs=1)
    engine.index(make_doc(n, body) for n, body in enumerate(bodies[1000:], start=1000))
    engine.index([make_doc(7, "lavoir velo velo atelier"), make_doc(1200, "velo jardin")])  # replaced: deletions
    engine.delete(["page:3", "page:1100"])
    yield engine
    engine.close()


def test_packed_positions_round_trip():
    fmt = PackedPositions(field_boost=3.0)
    value = fmt.encode([0, 7, 70_000, 2**32 - 1])
    assert len(value) == 16
    assert fmt.decode_positions(value) == [0, 7, 70_000, 2**32 - 1]
    assert fmt.decode_frequency(value) == 4 and fmt.decode_weight(value) == 12.0


@pytest.mark.parametrize("word", [*WORDS[:4], "lavoir"])
def test_arrays_equal_whooshs_matchers_in_every_segment(backend, word):
    searcher = backend._searcher()
    segments = searcher.reader().readers
    assert len(segments) >= 2 and any(s.has_deletions() for s in segments)
    for segment in segments:
        if ("body", word) not in segment:
            assert len(read_postings(segment, "body", word)[0]) == 0
            continue
        expected = list(segment.postings("body", word).child.items_as("weight")) if segment.has_deletions() else \
            list(segment.postings("body", word).items_as("weight"))
        docs, weights = read_postings(segment, "body", word)
        assert docs.tolist() == [d for d, _w in expected]
        assert weights.tolist() == pytest.approx([w for _d, w in expected])
        matcher = segment.postings("body", word)
        matcher = getattr(matcher, "child", matcher)
        keys = [(d << 32) | p for d, positions in matcher.items_as("positions") for p in positions]
        assert position_keys(segment, "body", word).tolist() == keys
    assert any(len(read_postings(s, "body", "velo")[0]) > 512 for s in segments)  # several blocks were read


def test_phrases_find_what_whooshs_phrase_matcher_finds(backend):
    rng = random.Random(11)
    searcher = backend._searcher()
    view = backend._evaluator.view(searcher)
    for _ in range(40):
        words = [rng.choice(WORDS[:5]) for _ in range(rng.randint(2, 3))]
        leaf = wq.Phrase("body", words)
        expected = sorted(searcher.docs_for_query(leaf))
        found = view.leaf(leaf)
        assert found.docs.tolist() == expected, words
        assert (found.weights >= 1).all()


def test_a_phrase_counts_its_occurrences_and_skips_stop_words(tmp_path):
    engine = WhooshBackend(tmp_path / "index")
    engine.rebuild([make_doc(1, "tiers lieux, tiers-lieux et tiers de lieux"), make_doc(2, "lieux tiers"),
                    make_doc(3, "tiers grands lieux")], procs=1)
    searcher = engine._searcher()
    found = engine._evaluator.view(searcher).leaf(wq.Phrase("body", ["tier", "lieux"]))
    assert found.docs.tolist() == [0] and found.weights.tolist() == [3.0]
    engine.close()


def test_pages_of_results_follow_each_other_when_scores_tie(backend):
    from wiki.search.backend import Query

    first = backend.search(Query(text="velo", per_page=20))
    second = backend.search(Query(text="velo", per_page=20, page=2))
    both = backend.search(Query(text="velo", per_page=40))
    assert [h.id for h in first.hits + second.hits] == [h.id for h in both.hits]
    scores = [h.score for h in both.hits]
    assert scores == sorted(scores, reverse=True)


def test_top_keeps_the_lowest_numbers_among_equal_keys():
    from wiki.search.whoosh_query import Evaluator

    mask = np.array([True, False, True, True, True, True])
    keys = np.array([1.0, 9.0, 2.0, 1.0, 2.0, 1.0])
    docs, values = Evaluator.top(mask, keys, 0, 3)
    assert docs.tolist() == [2, 4, 0] and values.tolist() == [2.0, 2.0, 1.0]
    assert Evaluator.top(mask, keys, 3, 6)[0].tolist() == [3, 5]
