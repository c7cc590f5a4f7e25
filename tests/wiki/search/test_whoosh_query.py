"""The Whoosh evaluator: phrases, ranking order across pages, and its bounded cache."""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import query as wq

from tests.wiki.search.test_postings import WORDS
from tests.wiki.search.test_postings import make_doc
from wiki.search.backend import Query
from wiki.search.segments import SegmentCache as _SegmentCache
from wiki.search.whoosh_backend import WhooshBackend
from wiki.search.whoosh_query import Evaluator

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: the Whoosh evaluator, the same on both


def test_phrases_find_what_whooshs_phrase_matcher_finds(segmented_index):
    rng = random.Random(11)
    searcher = segmented_index._searcher()
    view = segmented_index._evaluator.view(searcher)
    for _ in range(40):
        words = [rng.choice(WORDS[:5]) for _ in range(rng.randint(2, 3))]
        leaf = wq.Phrase("body", words)
        expected = sorted(searcher.docs_for_query(leaf))
        found = view.leaf(leaf)
        assert found.docs.tolist() == expected, words
        assert (found.weights >= 1).all()


def test_a_phrase_counts_its_occurrences_and_skips_stop_words(tmp_path):
    engine = WhooshBackend(tmp_path / "index")
    engine.rebuild(
        [
            make_doc(1, "tiers lieux, tiers-lieux et tiers de lieux"),
            make_doc(2, "lieux tiers"),
            make_doc(3, "tiers grands lieux"),
        ],
        procs=1,
    )
    searcher = engine._searcher()
    found = engine._evaluator.view(searcher).leaf(wq.Phrase("body", ["tier", "lieux"]))
    assert found.docs.tolist() == [0] and found.weights.tolist() == [3.0]
    engine.close()


def test_pages_of_results_follow_each_other_when_scores_tie(segmented_index):
    first = segmented_index.search(Query(text="velo", per_page=20))
    second = segmented_index.search(Query(text="velo", per_page=20, page=2))
    both = segmented_index.search(Query(text="velo", per_page=40))
    assert [h.id for h in first.hits + second.hits] == [h.id for h in both.hits]
    scores = [h.score for h in both.hits]
    assert scores == sorted(scores, reverse=True)


def test_top_keeps_the_lowest_numbers_among_equal_keys():
    mask = np.array([True, False, True, True, True, True])
    keys = np.array([1.0, 9.0, 2.0, 1.0, 2.0, 1.0])
    docs, values = Evaluator.top(mask, keys, 0, 3)
    assert docs.tolist() == [2, 4, 0] and values.tolist() == [2.0, 2.0, 1.0]
    assert Evaluator.top(mask, keys, 3, 6)[0].tolist() == [3, 5]


def test_the_cache_keeps_the_most_recent_arrays_within_its_bytes():
    cache = _SegmentCache(limit=1000)
    computed = []

    def array(key):
        computed.append(key)
        return np.zeros(100, dtype=np.int32)  # 400 bytes

    for key in ("a", "b", "a", "c"):  # "a" used again: "b" is the least recently used when "c" comes
        cache.get(key, lambda key=key: array(key))
    assert computed == ["a", "b", "c"]
    cache.get("a", lambda: array("a"))
    cache.get("b", lambda: array("b"))
    assert computed == ["a", "b", "c", "b"]  # "b" had been dropped, "a" had not


def test_the_cache_size_follows_the_setting(make_app):
    from wiki import search

    app = make_app(SEARCH_CACHE_MB=3)
    assert search.get_backend(app)._evaluator._cache.limit == 3 * 2**20
