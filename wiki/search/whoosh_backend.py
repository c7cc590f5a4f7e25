"""Whoosh backend: the embedded default, an index folder under the instance.

Layout: ``<instance>/index`` is a symbolic link to the live index folder
``<instance>/index-<stamp>``. A rebuild writes a complete new index into
``<instance>/index.tmp`` (several processes, one segment each, no final
merge: :mod:`wiki.search.whoosh_rebuild`), renames it, and swaps the link
with one atomic ``rename``: searches read the old index until the new one is complete, and
searchers already open keep their files (POSIX). Small writes (the search
outbox applied after commits) go through :func:`wiki.search.whoosh_writing.writing`:
they land whole or fail visibly, leaving the index as it was.

Searchers are per thread (Whoosh readers share file positions) and reopened
when the index changed. Queries are evaluated on the posting lists by
:mod:`wiki.search.whoosh_query` (matches, facet counts, ranking), never
through Whoosh's query parser: :mod:`wiki.search.syntax` reads what people
type, so field names, ranges, boosts and wildcards typed by visitors mean
nothing. Whoosh stores the documents and their posting lists, read back as
arrays by :mod:`wiki.search.postings`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import UTC
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh.searching import Searcher

from wiki.search import syntax
from wiki.search.analysis import TOKEN_PATTERN
from wiki.search.analysis import analyse_word
from wiki.search.analysis import analyze
from wiki.search.backend import MARK_END
from wiki.search.backend import MARK_START
from wiki.search.backend import MSG_UNAVAILABLE
from wiki.search.backend import Document
from wiki.search.backend import Hit
from wiki.search.backend import Query
from wiki.search.backend import Results
from wiki.search.backend import digest
from wiki.search.backend import empty_results
from wiki.search.backend import marked_html
from wiki.search.backend import normalise
from wiki.search.backend import sorted_counts
from wiki.search.schema import SCHEMA_VERSION
from wiki.search.schema import SNIPPET_SOURCE_CHARS
from wiki.search.segments import SEGMENT_CACHE_BYTES
from wiki.search.whoosh_query import TEXT_FIELDS
from wiki.search.whoosh_query import Evaluator
from wiki.search.whoosh_query import compile_clauses
from wiki.search.whoosh_rebuild import INFO_FILE
from wiki.search.whoosh_rebuild import activate
from wiki.search.whoosh_rebuild import build_dir
from wiki.search.whoosh_rebuild import build_parts
from wiki.search.whoosh_rebuild import rebuild_lock
from wiki.search.whoosh_writing import INCREMENTAL_OPTIONS
from wiki.search.whoosh_writing import rebuild_options
from wiki.search.whoosh_writing import rebuild_part_docs
from wiki.search.whoosh_writing import writing

log = logging.getLogger("lieudit.search")

#: Characters of a snippet, and of context kept before its first match.
SNIPPET_CHARS = 240
SNIPPET_BEFORE = 60
_TOKEN_RE = re.compile(TOKEN_PATTERN)


def snippet(text: str, words: set[str]) -> str:
    """Cut the passage around the first matched word and delimit every matched word in it.

    One pass over the words until the passage is complete, each word analysed
    like the index does (cached): about ten times cheaper than Whoosh's
    highlighter, which analyses the whole stored text for every hit and was
    most of a search's time. Returns "" when no word of ``words`` occurs.
    """
    spans: list[tuple[int, int]] = []
    start = end = 0
    for match in _TOKEN_RE.finditer(text):
        if spans and match.start() >= end:
            break
        found = analyse_word(match.group())
        if found is None or found[0] not in words:
            continue
        if not spans:
            start = max(0, match.start() - SNIPPET_BEFORE)
            start = 0 if start == 0 else text.find(" ", start, match.start()) + 1 or match.start()
            end = min(len(text), start + SNIPPET_CHARS)
        spans.append((match.start() + found[1], match.end()))
    if not spans:
        return ""
    if end < len(text):
        cut = text.rfind(" ", max(spans[-1][1], start), end)
        end = cut if cut > 0 else max(end, spans[-1][1])
    parts, position = [], start
    for left, right in spans:
        parts += [text[position:left], MARK_START, text[left:right], MARK_END]
        position = right
    parts.append(text[position:end])
    return ("… " if start > 0 else "") + "".join(parts).strip() + (" …" if end < len(text) else "")


def _fields(doc: Document) -> dict[str, Any]:
    """Map a document to the schema's fields (Whoosh wants naive UTC datetimes)."""
    fields: dict[str, Any] = {
        "id": doc["id"],
        "kind": doc["kind"],
        "title": doc["title"],
        "body": doc["body"],
        "text": doc["body"][:SNIPPET_SOURCE_CHARS],
        "excerpt": doc["excerpt"],
        "url": doc["url"],
        "updated_at": doc["updated_at"].astimezone(UTC).replace(tzinfo=None),
        "digest": digest(doc),
    }
    if doc["form"]:
        fields["form"] = doc["form"]
    if doc["status"]:
        fields["status"] = doc["status"]
    for key in ("themes", "zones"):
        if doc[key]:
            fields[key] = ",".join(doc[key])
    return fields


def _part_fields(part: Callable[[], Iterable[Document]]) -> Iterator[dict[str, Any]]:
    """The schema fields of the documents of one part of a rebuild."""
    return (_fields(normalise(doc)) for doc in part())


class WhooshBackend:
    """Search in a Whoosh index under ``path`` (``<instance>/index``)."""

    name = "whoosh"

    def __init__(self, path: str | Path, *, cache_bytes: int = SEGMENT_CACHE_BYTES) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._index: Any = None
        self._realpath = ""
        self._evaluator = Evaluator(cache_bytes)
        # Per thread id: (index, searcher). Held strongly so that every file is
        # closed explicitly: by close(), or when a searcher of a finished thread is pruned.
        self._searchers: dict[int, tuple[Any, Searcher]] = {}

    # --- the index on disk ----------------------------------------------------------

    def _open(self) -> Any:
        """Return the live index, creating an empty one, reopening it after a swap."""
        real = os.path.realpath(self.path)
        if self._index is not None and real == self._realpath:
            return self._index
        with self._lock:
            if not self.path.exists():
                activate(self.path, build_dir(self.path, lambda writer: None))
                real = os.path.realpath(self.path)
            self._index, self._realpath = whoosh_index.open_dir(str(self.path)), real
            if self.outdated():
                log.warning(
                    "search index built with schema %s, expected %s: run `lieudit search rebuild`",
                    self._schema_version(),
                    SCHEMA_VERSION,
                )
            return self._index

    def _schema_version(self) -> int | None:
        info = Path(os.path.realpath(self.path), INFO_FILE)
        return json.loads(info.read_text()).get("schema_version") if info.exists() else None

    def outdated(self) -> bool:
        """Tell whether the live index was written by another schema version (none yet: not outdated)."""
        return self.path.exists() and self._schema_version() != SCHEMA_VERSION

    # --- writes -----------------------------------------------------------------------

    def index(self, docs: Iterable[Document]) -> int:
        """Add or replace documents (keyed on ``id``; each id at most once in ``docs``).

        A document whose id the index does not hold (the records of an import)
        is added without ``update_document``'s search for a previous version:
        one look-up of the id in the term list instead of a query per document.
        """
        count = 0
        with writing(self._open(), INCREMENTAL_OPTIONS) as writer:
            held = writer.searcher().reader()  # the writer's own, closed with it
            for doc in docs:
                fields = _fields(normalise(doc))
                if ("id", fields["id"]) in held:
                    writer.update_document(**fields)
                else:
                    writer.add_document(**fields)
                count += 1
        return count

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id."""
        wanted = list(dict.fromkeys(ids))
        if wanted:
            with writing(self._open(), INCREMENTAL_OPTIONS) as writer:
                for doc_id in wanted:
                    writer.delete_by_term("id", doc_id)
        return len(wanted)

    def rebuild(self, docs: Iterable[Document], **options: Any) -> int:
        """Build a new index aside from ``docs`` and swap it in (searches go on meanwhile)."""
        count = 0

        def fill(writer: Any) -> None:
            nonlocal count
            for doc in docs:
                writer.add_document(**_fields(normalise(doc)))
                count += 1

        with rebuild_lock(self.path):
            activate(self.path, build_dir(self.path, fill, **rebuild_options(**options)))
        return count

    def rebuild_parts(
        self, parts: Sequence[Callable[[], Iterable[Document]]], *, procs: int | None = None, setup: Any = None
    ) -> int:
        """Build a new index aside, one segment per part, each part's documents built and written
        by one of ``procs`` forked processes (:mod:`wiki.search.whoosh_rebuild`); swap it in."""
        jobs = [partial(_part_fields, part) for part in parts]
        with rebuild_lock(self.path):
            built, count = build_parts(self.path, jobs, procs or self.rebuild_procs(), setup)
            activate(self.path, built)
        return count

    @staticmethod
    def rebuild_procs() -> int:
        """How many processes a rebuild writes with on this machine."""
        return int(rebuild_options()["procs"])

    def rebuild_part_objects(self) -> int:
        """How many objects a part of a rebuild holds at most (its process keeps their postings in memory)."""
        return rebuild_part_docs(self.rebuild_procs())

    def clear(self) -> None:
        """Replace the index with an empty one."""
        self.rebuild([], procs=1)

    def optimize(self) -> None:
        """Merge all segments into one (after many small commits)."""
        self._open().writer(**INCREMENTAL_OPTIONS).commit(optimize=True)

    # --- reads ------------------------------------------------------------------------

    def _searcher(self) -> Searcher:
        """Return this thread's searcher, reopened when the index changed.

        Not ``Searcher.refresh()``: it reuses segment readers whose deletions
        changed since, and would still find deleted documents.
        """
        ix = self._open()
        me = threading.get_ident()
        current = self._searchers.get(me)
        if current is not None and current[0] is ix and current[1].reader().generation() == ix.latest_generation():
            return current[1]
        fresh = ix.searcher()
        with self._lock:
            if current is not None:
                current[1].close()
            self._searchers[me] = (ix, fresh)
            alive = {thread.ident for thread in threading.enumerate()}
            for ident in [i for i in self._searchers if i not in alive]:
                self._searchers.pop(ident)[1].close()
        return fresh

    def close(self) -> None:
        """Close the searchers of every thread (their files stay open otherwise)."""
        with self._lock:
            for _ix, searcher in self._searchers.values():
                searcher.close()
            self._searchers.clear()

    def digests(self) -> dict[str, str]:
        """Return the digest of every indexed document, by id."""
        return {f["id"]: f.get("digest", "") for f in self._searcher().all_stored_fields()}

    def all_ids(self) -> set[str]:
        """Return the ids of every indexed document."""
        return set(self.digests())

    def search(self, query: Query) -> Results:
        """Run a search; what people type never raises, a broken index gives a notice."""
        query = query.clamped()
        try:
            return self._search(query)
        except Exception:
            log.exception("search failed for %r", query.text[:200])
            return empty_results(query, text=query.text[:200], message=MSG_UNAVAILABLE)

    def _search(self, query: Query) -> Results:
        parsed = syntax.parse(query.text)
        required, excluded = compile_clauses(parsed)
        if not required:
            return empty_results(query, text=parsed.display(), fixed=parsed.fixed, message=parsed.message())
        searcher = self._searcher()
        evaluator = self._evaluator
        mask = evaluator.matched(searcher, required, excluded, dict(query.filters))
        facets = {name: sorted_counts(counts) for name, counts in evaluator.facet_counts(searcher, mask).items()}
        start, end = (query.page - 1) * query.per_page, query.page * query.per_page
        if query.sort == "recent":
            page, _keys = evaluator.top(mask, evaluator.updated(searcher), start, end)
            scores = np.zeros(len(page))
        else:
            page, scores = evaluator.top(mask, evaluator.scores(searcher, required), start, end)
        total = int(mask.sum())
        words, in_body = evaluator.body_words(searcher, required), evaluator.body_matches(searcher, required)
        hits = [
            self._hit(searcher.stored_fields(int(d)), float(score), words if in_body[d] else set())
            for d, score in zip(page, scores, strict=True)
        ]
        suggestion = self._suggest(searcher, parsed) if not total else None
        return Results(
            hits=hits,
            total=total,
            page=query.page,
            per_page=query.per_page,
            facets=facets,
            query=parsed.display(),
            fixed=parsed.fixed,
            message=parsed.message(),
            suggestion=suggestion,
        )

    @staticmethod
    def _hit(stored: dict[str, Any], score: float, words: set[str]) -> Hit:
        """One result, its snippet cut from the stored start of the body."""
        text = stored.get("text") or ""
        passage = snippet(text, words) if text and words else ""
        return Hit(
            id=stored["id"],
            kind=stored["kind"],
            title=stored.get("title", ""),
            url=stored.get("url", ""),
            excerpt=stored.get("excerpt", ""),
            snippet=marked_html(passage),
            form=stored.get("form", ""),
            status=stored.get("status", ""),
            score=round(score, 4),
        )

    def _suggest(self, searcher: Searcher, parsed: syntax.ParsedQuery) -> str | None:
        """Propose close title words for required words found nowhere (« Vouliez-vous dire … ? »)."""
        corrector = searcher.corrector("title")
        reader = searcher.reader()
        words, changed = [], False
        for clause in parsed.clauses:
            text = f'"{clause.text}"' if clause.phrase else clause.text
            if not clause.negated and not clause.phrase:
                folded = analyze(clause.text, stem=False)
                terms = analyze(clause.text)
                known = any(reader.doc_frequency(f, t) for f in TEXT_FIELDS for t in terms)
                if folded and terms and not known:
                    found = corrector.suggest(folded[0], limit=1, maxdist=2)
                    if found and found[0] != folded[0]:
                        text, changed = found[0], True
            words.append(("-" if clause.negated else "") + text)
        return " ".join(words) if changed else None
