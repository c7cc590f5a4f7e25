"""Posting lists read as arrays: the same answers as Whoosh's own matchers, block by block."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import datetime

import pytest

from wiki.search.backend import Document
from wiki.search.postings import PackedPositions
from wiki.search.postings import position_keys
from wiki.search.postings import read_postings

WORDS = "velo atelier jardin quartier maison marche ecole foret riviere moulin".split()


def make_doc(number: int, body: str, title: str = "") -> Document:
    return Document(
        id=f"page:{number}",
        kind="page",
        form="",
        title=title or f"Titre {number}",
        body=body,
        excerpt="",
        url=f"/{number}",
        themes=[],
        zones=[],
        status="",
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def random_bodies(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 40))) for _ in range(count)]


def test_packed_positions_round_trip():
    fmt = PackedPositions(field_boost=3.0)
    value = fmt.encode([0, 7, 70_000, 2**32 - 1])
    assert len(value) == 16
    assert fmt.decode_positions(value) == [0, 7, 70_000, 2**32 - 1]
    assert fmt.decode_frequency(value) == 4 and fmt.decode_weight(value) == 12.0


@pytest.mark.parametrize("word", [*WORDS[:4], "lavoir"])
def test_arrays_equal_whooshs_matchers_in_every_segment(segmented_index, word):
    searcher = segmented_index._searcher()
    segments = searcher.reader().readers
    assert len(segments) >= 2 and any(s.has_deletions() for s in segments)
    for segment in segments:
        if ("body", word) not in segment:
            assert len(read_postings(segment, "body", word)[0]) == 0
            continue
        expected = (
            list(segment.postings("body", word).child.items_as("weight"))
            if segment.has_deletions()
            else list(segment.postings("body", word).items_as("weight"))
        )
        docs, weights = read_postings(segment, "body", word)
        assert docs.tolist() == [d for d, _w in expected]
        assert weights.tolist() == pytest.approx([w for _d, w in expected])
        matcher = segment.postings("body", word)
        matcher = getattr(matcher, "child", matcher)
        keys = [(d << 32) | p for d, positions in matcher.items_as("positions") for p in positions]
        assert position_keys(segment, "body", word).tolist() == keys
    assert any(len(read_postings(s, "body", "velo")[0]) > 512 for s in segments)  # several blocks were read
