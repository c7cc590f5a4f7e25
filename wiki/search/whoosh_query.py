"""Evaluate a parsed query on a Whoosh index's posting lists: matches, facet counts, ranking.

Whoosh's own ``Searcher.search`` walks a tree of matchers one document at a
time in Python: on a query matching thousands of documents that takes
hundreds of milliseconds, and the total and facet counts need every match.
Here each word, prefix or phrase becomes a ``{document: frequency}`` map read
straight from its posting list; matches, totals and facet counts are set
operations on them, and the ranking is BM25 without length normalisation
(title words weigh :data:`~wiki.search.schema.TITLE_BOOST` times more).

Maps are cached per searcher (common words come back query after query) and,
underneath, per *segment*: segments never change but for deletions, so after
a commit only the new small segment is read; deleted documents are removed
when the maps of a searcher are assembled.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh.searching import Searcher

from wiki.search import syntax
from wiki.search.analysis import analyze
from wiki.search.backend import FACETS
from wiki.search.schema import TITLE_BOOST

#: One clause: the leaf queries (over title and body) any of which satisfies it.
Clause = list[wq.Query]

TEXT_FIELDS = ("title", "body")
#: Most words a prefix expands to (« cov » → covoiturage, couvent, couverture…).
MAX_PREFIX_TERMS = 200
#: Maps kept per searcher; entries (documents) kept across segments.
SEARCHER_CACHE = 512
SEGMENT_CACHE_ENTRIES = 500_000
#: BM25's term-frequency saturation.
K1 = 1.2


def _clause_leaves(clause: syntax.Clause) -> Clause:
    """Compile one clause into leaf queries over the title and the body; [] when only stop words remain."""
    leaves: dict[tuple[Any, ...], wq.Query] = {}
    for rank, variant in enumerate(clause.variants()):
        terms = analyze(variant)
        if len(terms) > 1:
            kind: Any = wq.Phrase
        elif terms and clause.prefix and rank == 0 and len(terms[0]) >= syntax.MIN_PREFIX:
            kind, terms = wq.Prefix, terms[0]
        elif terms:
            kind, terms = wq.Term, terms[0]
        else:
            continue
        for name in TEXT_FIELDS:
            leaves.setdefault((kind, name, tuple(terms) if kind is wq.Phrase else terms), kind(name, terms))
    return list(leaves.values())


def compile_clauses(parsed: syntax.ParsedQuery) -> tuple[list[Clause], list[Clause]]:
    """Return the required and the excluded clauses of a parsed query, as leaf queries."""
    required = [leaves for c in parsed.required if (leaves := _clause_leaves(c))]
    excluded = [leaves for c in parsed.excluded if (leaves := _clause_leaves(c))]
    return required, excluded


def terms_of(reader: Any, leaf: wq.Query) -> list[str]:
    """The indexed words a leaf stands for (a prefix expands to at most :data:`MAX_PREFIX_TERMS`)."""
    if isinstance(leaf, wq.Prefix):
        found = islice(reader.expand_prefix(leaf.fieldname, leaf.text), MAX_PREFIX_TERMS)
        return [t.decode("utf-8") if isinstance(t, bytes) else t for t in found]
    if isinstance(leaf, wq.Phrase):
        return list(leaf.words)
    return [leaf.text] if (leaf.fieldname, leaf.text) in reader else []


def _postings(reader: Any, leaf: wq.Query) -> dict[int, float]:
    """``{document: frequency}`` of a term or prefix in one segment."""
    weights: dict[int, float] = {}
    for term in terms_of(reader, leaf):
        for docnum, weight in reader.postings(leaf.fieldname, term).items_as("weight"):
            weights[docnum] = weights.get(docnum, 0.0) + weight
    return weights


def _facet_sets(segment: Any, offset: int) -> dict[str, dict[str, frozenset[int]]]:
    """The documents (numbered in the whole index) of each facet value in one segment."""
    sets: dict[str, dict[str, frozenset[int]]] = {}
    for name in FACETS:
        values: dict[str, frozenset[int]] = {}
        if name in segment.indexed_field_names():
            for term in segment.lexicon(name):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                values[value] = frozenset(d + offset for d in segment.postings(name, term).all_ids())
        sets[name] = values
    return sets


def _segments(searcher: Searcher) -> list[tuple[Any, int]]:
    """The segment readers of a searcher, each with the number of its first document (none for an empty index)."""
    reader = searcher.reader()
    pairs = list(zip(reader.readers, reader.doc_offsets, strict=True)) if hasattr(reader, "readers") else [(reader, 0)]
    return [(segment, offset) for segment, offset in pairs if segment.segment() is not None]


def _key(leaf: wq.Query) -> tuple[Any, ...]:
    return (type(leaf).__name__, leaf.fieldname, getattr(leaf, "text", None) or tuple(getattr(leaf, "words", ())))


class _SegmentCache:
    """Values computed on immutable segments; least recently used dropped past ``limit`` entries in all."""

    def __init__(self, limit: int = SEGMENT_CACHE_ENTRIES) -> None:
        self.limit = limit
        self._data: OrderedDict[Any, Any] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Return the cached value of ``key``, computing it if needed."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = compute()
        with self._lock:
            if key not in self._data:
                self._data[key] = value
                self._size += len(value)
                while self._size > self.limit and len(self._data) > 1:
                    self._size -= len(self._data.popitem(last=False)[1])
        return value


class Evaluator:
    """Evaluates queries for one index (one per backend: its cache outlives searchers)."""

    def __init__(self) -> None:
        self._segments = _SegmentCache()
        self._facet_sets: dict[tuple[Any, int], dict[str, dict[str, frozenset[int]]]] = {}
        self._facet_lock = threading.Lock()

    def weights(self, searcher: Searcher, leaf: wq.Query) -> dict[int, float]:
        """Live documents matching a term, a prefix or a phrase, with the term frequency."""
        cache: dict[Any, dict[int, float]] = searcher.__dict__.setdefault("_lieudit_weights", {})
        key = _key(leaf)
        if key not in cache:
            weights: dict[int, float] = {}
            if isinstance(leaf, wq.Phrase):  # positions needed: Whoosh's phrase matcher
                weights = dict.fromkeys(searcher.docs_for_query(leaf), 1.0)
            else:
                for segment, offset in _segments(searcher):
                    local = self._segments.get((segment.segment().segment_id(), key), lambda s=segment: _postings(s, leaf))
                    weights.update({d + offset: w for d, w in local.items()} if offset else local)
                    for docnum in segment.deleted_docs_set if segment.has_deletions() else ():
                        weights.pop(docnum + offset, None)
            if len(cache) >= SEARCHER_CACHE:
                cache.clear()
            cache[key] = weights
        return cache[key]

    def value_docs(self, searcher: Searcher) -> dict[str, dict[str, list[frozenset[int]]]]:
        """Documents of each facet value, as one set per segment, assembled once per searcher.

        The sets of a segment are computed once (keyed by segment and position: a
        commit adds a small segment and leaves the others' sets as they are) and
        hold deleted documents too: they are only ever intersected with matches,
        which never hold one. Counting a value is then ``Σ |set ∩ matches|``,
        without rebuilding whole-index sets after every commit.
        """
        cached = getattr(searcher, "_lieudit_facets", None)
        if cached is None:
            keys = [((segment.segment().segment_id(), offset), segment, offset) for segment, offset in _segments(searcher)]
            with self._facet_lock:
                known = {key: self._facet_sets.get(key) for key, _s, _o in keys}
            for key, segment, offset in keys:
                if known[key] is None:
                    known[key] = _facet_sets(segment, offset)
            with self._facet_lock:
                self._facet_sets = dict(known)  # segments merged away are dropped
            cached = {name: {} for name in FACETS}
            for sets in known.values():
                for name, values in sets.items():
                    for value, docs in values.items():
                        cached[name].setdefault(value, []).append(docs)
            searcher._lieudit_facets = cached  # type: ignore[attr-defined]
        return cached

    def matched(self, searcher: Searcher, required: list[Clause], excluded: list[Clause]) -> set[int]:
        """Documents matching every required clause and no excluded one."""
        def docs(clause: Clause) -> set[int]:
            return set().union(*(self.weights(searcher, leaf).keys() for leaf in clause))

        sets = sorted((docs(c) for c in required), key=len)
        matched = sets[0].intersection(*sets[1:])
        for clause in excluded:
            matched -= docs(clause)
        return matched

    def scores(self, searcher: Searcher, required: list[Clause], matched: set[int]) -> dict[int, float]:
        """BM25 without length normalisation (b = 0), title words weighing TITLE_BOOST times more."""
        total = max(searcher.doc_count_all(), 1)
        scores = dict.fromkeys(matched, 0.0)
        for leaf in (leaf for clause in required for leaf in clause):
            weights = self.weights(searcher, leaf)
            boost = TITLE_BOOST if leaf.fieldname == "title" else 1.0
            idf = math.log(1 + (total - len(weights) + 0.5) / (len(weights) + 0.5))
            if len(matched) < len(weights):
                pairs: Any = ((d, weights[d]) for d in matched if d in weights)
            else:
                pairs = ((d, w) for d, w in weights.items() if d in matched)
            for docnum, weight in pairs:
                tf = weight / boost  # the field boost is folded into the stored weights
                scores[docnum] += boost * idf * tf * (K1 + 1) / (tf + K1)
        return scores

    def updated(self, searcher: Searcher) -> list[Any]:
        """The ``updated_at`` of every document by number (« plus récents »)."""
        if not hasattr(searcher, "_lieudit_updated"):
            values: list[Any] = []
            for segment, _offset in _segments(searcher):
                values += self._segments.get((segment.segment().segment_id(), "updated_at"),
                                             lambda s=segment: list(s.column_reader("updated_at")))
            searcher._lieudit_updated = values  # type: ignore[attr-defined]
        return searcher._lieudit_updated  # type: ignore[attr-defined]

    @staticmethod
    def body_words(searcher: Searcher, required: list[Clause]) -> set[str]:
        """The body words the required clauses matched on (to highlight)."""
        reader = searcher.reader()
        return {term for clause in required for leaf in clause if leaf.fieldname == "body" for term in terms_of(reader, leaf)}
