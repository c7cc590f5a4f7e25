"""Posting lists as NumPy arrays: how word positions are stored, and how lists are read back.

A search reads whole posting lists (every match is counted for the total
and the facets). Whoosh hands them out one posting at a time through a
Python generator, about a microsecond each, and stores the positions of a
word as a pickled list of deltas per document: a phrase of common words
over 20,000 documents cost 200 ms. Here:

- :class:`PackedPositions` stores the positions of a word in a document as
  raw unsigned 32-bit integers, so a block's positions are one
  ``numpy.frombuffer`` away (it is otherwise Whoosh's ``Positions`` format,
  and Whoosh's own phrase matcher still reads it);
- :func:`read_postings` and :func:`position_keys` decode a posting list
  block by block (Whoosh 3 codec: each block is one pickled tuple of
  delta-encoded ids, weights and values) into arrays, ten to fifty times
  faster than walking it.

The block walk uses the internals of ``whoosh.codec.whoosh3.W3LeafMatcher``
(hence the ``whoosh-reloaded`` version bound in ``setup.cfg``); any other
matcher (a term with a single posting is stored inline) is read through
Whoosh's public matcher interface. Deleted documents are *not* removed here:
segments are immutable but for deletions, so arrays are cached per segment
and the caller drops deleted documents.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching.wrappers import WrappingMatcher

_UINT32 = "I"
if array(_UINT32).itemsize != 4:  # pragma: no cover - every platform Python supports today
    raise ImportError("array('I') is not 32-bit here")

EMPTY_DOCS = np.empty(0, dtype=np.int32)
EMPTY_KEYS = np.empty(0, dtype=np.int64)


class PackedPositions(Positions):
    """Whoosh's ``Positions`` format, positions stored as raw unsigned 32-bit integers."""

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[tuple[str, int, float, bytes]]:
        """``(word, frequency, weight, encoded positions)`` of each word of ``value``, as ``Positions`` gives them.

        A text read by our analyzer takes its fast path (no Token per word:
        a third of a rebuild writer's time went into Whoosh's per-token loop here).
        """
        positions = getattr(analyzer, "positions", None)
        if positions is None or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for word, poslist in positions(value).items():
            yield word, len(poslist), len(poslist) * boost, array(_UINT32, poslist).tobytes()

    def encode(self, poslist: list[int]) -> bytes:
        """Encode the ascending positions of a word in one document."""
        return array(_UINT32, poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        """Decode the positions of a word in one document."""
        positions = array(_UINT32)
        positions.frombytes(valuestring)
        return positions.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        """Return how many times the word occurs in the document."""
        return len(valuestring) // 4


def _matcher(segment: Any, field: str, term: str) -> Any:
    """The raw matcher of a term in one segment (deletions not applied)."""
    matcher = segment.postings(field, term)
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    return matcher


def _blocks(matcher: W3LeafMatcher) -> Iterator[tuple[np.ndarray, Any, Any]]:
    """Yield ``(ids, weights, values)`` of each block of a posting list, ids decoded."""
    while True:
        if matcher._data is None:
            matcher._read_data()
        ids, weights, values = matcher._data
        if matcher._byteids:
            decoded = np.asarray(ids, dtype=np.int64)
        else:
            decoded = np.cumsum(np.asarray(ids, dtype=np.int64))  # delta-encoded from 0 in every block
        yield decoded, weights, values
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def _weights(raw: Any, count: int) -> np.ndarray:
    """A block's weights: ``None`` means all 1.0, a float means all equal."""
    if raw is None:
        return np.ones(count, dtype=np.float32)
    if isinstance(raw, float):
        return np.full(count, raw, dtype=np.float32)
    return np.asarray(raw, dtype=np.float32)


def read_postings(segment: Any, field: str, term: str) -> tuple[np.ndarray, np.ndarray]:
    """Return the documents (ascending, segment numbers) holding ``term`` and its weight in each."""
    if (field, term) not in segment:
        return EMPTY_DOCS, np.empty(0, dtype=np.float32)
    matcher = _matcher(segment, field, term)
    if not isinstance(matcher, W3LeafMatcher):
        pairs = list(matcher.items_as("weight"))
        return np.array([d for d, _w in pairs], dtype=np.int32), np.array([w for _d, w in pairs], dtype=np.float32)
    ids, weights = [], []
    for block_ids, block_weights, _values in _blocks(matcher):
        ids.append(block_ids)
        weights.append(_weights(block_weights, len(block_ids)))
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights)


def position_keys(segment: Any, field: str, term: str) -> np.ndarray:
    """Return ``(document << 32) | position`` of every occurrence of ``term``, ascending.

    The field must use :class:`PackedPositions`.
    """
    if (field, term) not in segment:
        return EMPTY_KEYS
    matcher = _matcher(segment, field, term)
    if not isinstance(matcher, W3LeafMatcher):
        keys = [(docnum << 32) | pos for docnum, positions in matcher.items_as("positions") for pos in positions]
        return np.array(keys, dtype=np.int64)
    parts = []
    for ids, _weights, values in _blocks(matcher):
        counts = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) // 4
        positions = np.frombuffer(b"".join(values), dtype=np.uint32).astype(np.int64)
        parts.append((np.repeat(ids, counts) << 32) | positions)
    return np.concatenate(parts)
