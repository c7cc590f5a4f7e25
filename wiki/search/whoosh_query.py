"""Evaluate a parsed query on a Whoosh index's posting lists: matches, facet counts, ranking.

Whoosh's own ``Searcher.search`` walks a tree of matchers one document at a
time in Python: on a query matching thousands of documents that takes
hundreds of milliseconds, and the total and facet counts need every match.
Here every posting list is read block by block into NumPy arrays
(:mod:`wiki.search.postings`), and a query is array arithmetic over the
documents of the index:

- a word or a prefix is its documents and term frequencies;
- a phrase is the documents where each word sits one place after the
  previous one, found on sorted ``(document, position)`` keys;
- matches are a boolean mask, facet counts are counts of that mask over each
  value's documents, the ranking is BM25 without length normalisation
  (title words weigh :data:`~wiki.search.schema.TITLE_BOOST` times more) and
  only the page shown is sorted.

Arrays are cached per *segment* (segments never change but for deletions, so
after a commit only the new small segment is read) and assembled once per
searcher, deleted documents removed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from itertools import islice
from typing import Any

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from wiki.search import syntax
from wiki.search.analysis import analyze
from wiki.search.backend import FACETS
from wiki.search.postings import PackedPositions
from wiki.search.postings import read_postings
from wiki.search.schema import TITLE_BOOST
from wiki.search.segments import NO_MATCH
from wiki.search.segments import SEGMENT_CACHE_BYTES
from wiki.search.segments import Matches
from wiki.search.segments import SegmentCache
from wiki.search.segments import facet_docs
from wiki.search.segments import merge_matches
from wiki.search.segments import phrase_matches
from wiki.search.segments import segments_of
from wiki.search.segments import updated_times

#: One clause: the leaf queries (over title and body) any of which satisfies it.
Clause = list[wq.Query]

TEXT_FIELDS = ("title", "body")
#: Most words a prefix expands to (« cov » → covoiturage, couvent, couverture…).
MAX_PREFIX_TERMS = 200
#: Leaves kept per searcher.
SEARCHER_CACHE = 512
#: BM25's term-frequency saturation.
K1 = 1.2


def _clause_leaves(clause: syntax.Clause) -> Clause:
    """Compile one clause into leaf queries over the title and the body; [] when only stop words remain."""
    leaves: dict[tuple[Any, ...], wq.Query] = {}
    for rank, variant in enumerate(clause.variants()):
        words = analyze(variant)
        if len(words) > 1:
            kind: Any = wq.Phrase
            terms: str | list[str] = words
        elif words and clause.prefix and rank == 0 and len(words[0]) >= syntax.MIN_PREFIX:
            kind, terms = wq.Prefix, words[0]
        elif words:
            kind, terms = wq.Term, words[0]
        else:
            continue
        same = tuple(terms) if isinstance(terms, list) else terms  # a hashable key: one leaf per field and terms
        for name in TEXT_FIELDS:
            leaves.setdefault((kind, name, same), kind(name, terms))
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


def _key(leaf: wq.Query) -> tuple[Any, ...]:
    return (type(leaf).__name__, leaf.fieldname, getattr(leaf, "text", None) or tuple(getattr(leaf, "words", ())))


class _View:
    """What one searcher's queries share: its segments, live documents, facet and date arrays, leaves."""

    def __init__(self, searcher: Searcher, cache: SegmentCache) -> None:
        self.searcher = searcher
        self.segments = segments_of(searcher)
        self.size = searcher.doc_count_all()
        self.live = np.ones(self.size, dtype=bool)
        for segment, offset in self.segments:
            if segment.has_deletions():
                deleted = np.fromiter(segment.deleted_docs_set, dtype=np.int64)
                self.live[deleted[deleted < segment.doc_count_all()] + offset] = False
        self.leaves: dict[Any, Matches] = {}
        self.terms: dict[Any, list[str]] = {}
        self.facets: dict[str, dict[str, np.ndarray]] | None = None
        self.updated: np.ndarray | None = None
        self._cache = cache

    def _assemble(self, per_segment: Callable[[Any], Matches]) -> Matches:
        """Concatenate per-segment matches into index numbers, deleted documents left out."""
        parts = []
        for segment, offset in self.segments:
            found = per_segment(segment)
            if len(found.docs):
                docs = found.docs.astype(np.int64) + offset
                keep = self.live[docs]
                parts.append(Matches(docs[keep], found.weights[keep]))
        if not parts:
            return NO_MATCH
        return Matches(np.concatenate([p.docs for p in parts]), np.concatenate([p.weights for p in parts]))

    def leaf(self, leaf: wq.Query) -> Matches:
        """The live documents matching a term, a prefix or a phrase, with the frequency."""
        key = _key(leaf)
        if key not in self.leaves:
            cache, field = self._cache, leaf.fieldname
            if isinstance(leaf, wq.Phrase) and not isinstance(self.searcher.schema[field].format, PackedPositions):
                # An index written before schema 2, until `lieudit init` rebuilds it: Whoosh's phrase matcher.
                docs = np.fromiter(self.searcher.docs_for_query(leaf), dtype=np.int64)
                return self._remember(key, Matches(np.sort(docs), np.ones(len(docs), dtype=np.float32)))
            if isinstance(leaf, wq.Phrase):
                words = list(leaf.words)

                def per_segment(segment: Any) -> Matches:
                    sid = segment.segment().segment_id()
                    return cache.get(
                        (sid, "phrase", field, tuple(words)), lambda: phrase_matches(segment, field, words, cache)
                    )
            else:
                terms = self.terms_of(leaf)

                def per_segment(segment: Any) -> Matches:
                    sid = segment.segment().segment_id()
                    return merge_matches(
                        [
                            Matches(*cache.get((sid, "docs", field, t), partial(read_postings, segment, field, t)))
                            for t in terms
                            if (field, t) in segment
                        ]
                    )

            return self._remember(key, self._assemble(per_segment))
        return self.leaves[key]

    def _remember(self, key: Any, matches: Matches) -> Matches:
        if len(self.leaves) >= SEARCHER_CACHE:
            self.leaves.clear()
        self.leaves[key] = matches
        return matches

    def terms_of(self, leaf: wq.Query) -> list[str]:
        """The indexed words of a leaf (prefixes expanded once per searcher)."""
        key = _key(leaf)
        if key not in self.terms:
            if len(self.terms) >= SEARCHER_CACHE:
                self.terms.clear()
            self.terms[key] = terms_of(self.searcher.reader(), leaf)
        return self.terms[key]

    def facet_docs(self) -> dict[str, dict[str, np.ndarray]]:
        """Documents (index numbers, deleted ones included) of each facet value."""
        if self.facets is None:
            merged: dict[str, dict[str, list[np.ndarray]]] = {name: {} for name in FACETS}
            for segment, offset in self.segments:
                sid = segment.segment().segment_id()
                for name, values in self._cache.get((sid, "facets"), partial(facet_docs, segment)).items():
                    for value, docs in values.items():
                        merged[name].setdefault(value, []).append(docs.astype(np.int64) + offset)
            self.facets = {
                name: {v: np.concatenate(parts) for v, parts in values.items()} for name, values in merged.items()
            }
        return self.facets

    def updated_at(self) -> np.ndarray:
        """The ``updated_at`` of every document by number, as POSIX seconds (« plus récents »)."""
        if self.updated is None:
            parts = [
                self._cache.get((segment.segment().segment_id(), "updated_at"), partial(updated_times, segment))
                for segment, _offset in self.segments
            ]
            self.updated = np.concatenate(parts) if parts else np.empty(0)
        return self.updated


class Evaluator:
    """Evaluates queries for one index (one per backend: its cache outlives searchers)."""

    def __init__(self, cache_bytes: int = SEGMENT_CACHE_BYTES) -> None:
        self._cache = SegmentCache(cache_bytes)

    def view(self, searcher: Searcher) -> _View:
        """The arrays of one searcher, assembled at its first query."""
        view = getattr(searcher, "_lieudit_view", None)
        if view is None:
            view = searcher._lieudit_view = _View(searcher, self._cache)
        return view

    def matched(
        self,
        searcher: Searcher,
        required: list[Clause],
        excluded: list[Clause],
        filters: dict[str, tuple[str, ...]] | None = None,
    ) -> np.ndarray:
        """Boolean mask of the documents matching every required clause, no excluded one, and the filters."""
        view = self.view(searcher)
        mask = view.live.copy()

        def any_of(arrays: list[np.ndarray]) -> np.ndarray:
            found = np.zeros(view.size, dtype=bool)
            for docs in arrays:
                found[docs] = True
            return found

        for clause in required:
            mask &= any_of([view.leaf(leaf).docs for leaf in clause])
        for clause in excluded:
            mask &= ~any_of([view.leaf(leaf).docs for leaf in clause])
        if filters:
            by_value = view.facet_docs()
            for name, values in filters.items():
                mask &= any_of([by_value[name][v] for v in values if v in by_value[name]])
        return mask

    def facet_counts(self, searcher: Searcher, mask: np.ndarray) -> dict[str, dict[str, int]]:
        """For each facet, the number of matched documents of each value."""
        return {
            name: {value: int(np.count_nonzero(mask[docs])) for value, docs in values.items()}
            for name, values in self.view(searcher).facet_docs().items()
        }

    def scores(self, searcher: Searcher, required: list[Clause]) -> np.ndarray:
        """BM25 without length normalisation (b = 0) of every document, title words weighing TITLE_BOOST times more."""
        view = self.view(searcher)
        total = max(view.size, 1)
        scores = np.zeros(view.size, dtype=np.float64)
        for leaf in (leaf for clause in required for leaf in clause):
            found = view.leaf(leaf)
            if not len(found.docs):
                continue
            boost = TITLE_BOOST if leaf.fieldname == "title" else 1.0
            idf = math.log(1 + (total - len(found.docs) + 0.5) / (len(found.docs) + 0.5))
            tf = found.weights.astype(np.float64) / boost  # the field boost is folded into the stored weights
            scores[found.docs] += boost * idf * tf * (K1 + 1) / (tf + K1)
        return scores

    @staticmethod
    def top(mask: np.ndarray, keys: np.ndarray, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        """Matches ``start:end`` by decreasing key then increasing number (a stable order across pages), with their keys.

        Only the ``end`` best are sorted: those above the ``end``-th key, then
        the lowest-numbered of those equal to it.
        """
        docs = np.flatnonzero(mask)
        values = keys[docs]
        if len(docs) > end:
            kth = np.partition(values, len(values) - end)[len(values) - end]
            above = np.flatnonzero(values > kth)
            ties = np.flatnonzero(values == kth)[: end - len(above)]
            keep = np.concatenate([above, ties])
            docs, values = docs[keep], values[keep]
        order = np.lexsort((docs, -values))[start:end]
        return docs[order], values[order]

    def updated(self, searcher: Searcher) -> np.ndarray:
        """POSIX seconds of the last change of every document by number."""
        return self.view(searcher).updated_at()

    def body_matches(self, searcher: Searcher, required: list[Clause]) -> np.ndarray:
        """Boolean mask of the documents where a required clause matched in the body (the others get no snippet)."""
        view = self.view(searcher)
        found = np.zeros(view.size, dtype=bool)
        for leaf in (leaf for clause in required for leaf in clause if leaf.fieldname == "body"):
            found[view.leaf(leaf).docs] = True
        return found

    def body_words(self, searcher: Searcher, required: list[Clause]) -> set[str]:
        """The body words the required clauses matched on (to highlight)."""
        view = self.view(searcher)
        return {
            term for clause in required for leaf in clause if leaf.fieldname == "body" for term in view.terms_of(leaf)
        }
