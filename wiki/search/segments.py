"""Arrays read from the immutable segments of a Whoosh index, and the byte-bounded cache that keeps them.

A segment never changes but for deletions, so what is read from it (the
documents of a word, the positions of a phrase, the documents of each facet
value, the date of each document) is kept across searchers in a
:class:`SegmentCache` bounded in bytes (``SEARCH_CACHE_MB``); a commit only
adds a small new segment to read. :mod:`wiki.search.whoosh_query` assembles
these per-segment arrays into answers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from typing import Any

import numpy as np
from whoosh.searching import Searcher

from wiki.search.backend import FACETS
from wiki.search.postings import EMPTY_DOCS
from wiki.search.postings import position_keys
from wiki.search.postings import read_postings

#: Bytes of arrays kept across segments (per process; ``SEARCH_CACHE_MB``).
SEGMENT_CACHE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class Matches:
    """Documents (ascending index numbers) with the frequency of what matched in each."""

    docs: np.ndarray
    weights: np.ndarray


NO_MATCH = Matches(EMPTY_DOCS, np.empty(0, dtype=np.float32))


def merge_matches(parts: list[Matches]) -> Matches:
    """One :class:`Matches` from several, frequencies of a document added up."""
    parts = [p for p in parts if len(p.docs)]
    if not parts:
        return NO_MATCH
    if len(parts) == 1:
        return parts[0]
    docs = np.concatenate([p.docs for p in parts])
    weights = np.concatenate([p.weights for p in parts])
    unique, inverse = np.unique(docs, return_inverse=True)
    return Matches(unique, np.bincount(inverse, weights=weights).astype(np.float32))


def phrase_matches(segment: Any, field: str, words: list[str], cache: SegmentCache) -> Matches:
    """Documents of one segment where ``words`` follow each other, with how many times.

    The positions of each word are sorted ``(document << 32) | position``
    keys; kept only in documents holding every word and shifted by the
    word's place in the phrase, a key found for every word is an occurrence
    of the phrase.
    """
    sid = segment.segment().segment_id()
    if not words or any((field, w) not in segment for w in words):
        return NO_MATCH
    positions = [cache.get((sid, "keys", field, w), partial(position_keys, segment, field, w)) for w in words]
    wanted = np.ones(segment.doc_count_all(), dtype=bool)
    for found in positions:
        holding = np.zeros_like(wanted)
        holding[found >> 32] = True
        wanted &= holding
    keys = positions[0][wanted[positions[0] >> 32]]  # where the phrase may start
    for place, found in enumerate(positions[1:], start=1):
        if not len(keys):
            return NO_MATCH
        found = found[wanted[found >> 32]] - place
        if not len(found):
            return NO_MATCH
        where = np.minimum(np.searchsorted(found, keys), len(found) - 1)
        keys = keys[found[where] == keys]
    if not len(keys):
        return NO_MATCH
    docs, counts = np.unique(keys >> 32, return_counts=True)
    return Matches(docs.astype(np.int32), counts.astype(np.float32))


def facet_docs(segment: Any) -> dict[str, dict[str, np.ndarray]]:
    """The documents (segment numbers) of each facet value in one segment."""
    found: dict[str, dict[str, np.ndarray]] = {}
    for name in FACETS:
        values: dict[str, np.ndarray] = {}
        if name in segment.indexed_field_names():
            for term in segment.lexicon(name):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                values[value] = read_postings(segment, name, value)[0]
        found[name] = values
    return found


def segments_of(searcher: Searcher) -> list[tuple[Any, int]]:
    """The segment readers of a searcher, each with the number of its first document (none for an empty index)."""
    reader = searcher.reader()
    pairs = list(zip(reader.readers, reader.doc_offsets, strict=True)) if hasattr(reader, "readers") else [(reader, 0)]
    return [(segment, offset) for segment, offset in pairs if segment.segment() is not None]


def value_size(value: Any) -> int:
    """Bytes held by a cached value (arrays, or containers of arrays)."""
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(value_size(v) for v in value.values())
    if isinstance(value, (tuple, list)):
        return sum(value_size(v) for v in value)
    return 64


class SegmentCache:
    """Values computed on immutable segments; least recently used dropped past ``limit`` bytes in all."""

    def __init__(self, limit: int = SEGMENT_CACHE_BYTES) -> None:
        self.limit = limit
        self._data: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Return the cached value of ``key``, computing it if needed."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key][0]
        value = compute()
        size = value_size(value)
        with self._lock:
            if key not in self._data:
                self._data[key] = (value, size)
                self._size += size
                while self._size > self.limit and len(self._data) > 1:
                    self._size -= self._data.popitem(last=False)[1][1]
        return value


def updated_times(segment: Any) -> np.ndarray:
    """POSIX seconds of every document of a segment (0 when unknown); the index stores naive UTC."""
    return np.array(
        [value.replace(tzinfo=UTC).timestamp() if value else 0.0 for value in segment.column_reader("updated_at")],
        dtype=np.float64,
    )
