"""The search contract: documents in, results out, whatever the engine.

Two engines implement :class:`SearchBackend`: Whoosh, embedded, the default
(:mod:`wiki.search.whoosh_backend`), and PostgreSQL full-text search for
installations that run several web servers
(:mod:`wiki.search.postgres_backend`). One test suite runs against both.

The index is public: only documents an anonymous visitor may read are ever
given to a backend (the adapters decide, :mod:`wiki.search.adapters`), so a
search never needs to know who asks.

Snippets are HTML: the text is escaped and only ``<mark>`` elements are
added, so a template may show them with ``|safe``.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Protocol
from typing import TypedDict

#: Facets counted on every search, in display order (document keys).
FACETS: tuple[str, ...] = ("kind", "form", "themes", "zones", "status")
#: Result orders: by relevance, or most recently changed first.
SORTS: tuple[str, ...] = ("relevance", "recent")
#: Deepest page served: nobody reads page 500, robots do.
MAX_PAGE = 100
MAX_PER_PAGE = 100
#: Longest text indexed per document, in characters.
MAX_BODY_CHARS = 200_000
#: Most values kept per facet in results.
MAX_FACET_VALUES = 50

MSG_UNAVAILABLE = "La recherche est momentanément indisponible : réessayez dans un instant."

#: Private-use characters that delimit matches before escaping (removed from indexed text).
MARK_START = "\ue000"
MARK_END = "\ue001"
_SENTINELS = re.compile("[\ue000\ue001]")
_MARKED = re.compile(f"{MARK_START}(.*?){MARK_END}", re.S)


class Document(TypedDict):
    """What an adapter gives a backend for one indexed object."""

    id: str  # "page:42", "record:7": kind and primary key
    kind: str  # "page", "record"
    form: str  # form key of a record, "" for a page
    title: str
    body: str  # plain text, public values only
    excerpt: str  # plain text shown under the title
    url: str  # path of the object on the site
    themes: list[str]  # theme keys (facet)
    zones: list[str]  # zone codes: INSEE commune, EPCI… (facet)
    status: str  # record status, "" for a page (facet)
    updated_at: datetime  # aware UTC


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return default


@dataclass(frozen=True)
class Query:
    """A search request, as read from the URL (checked by :meth:`clamped`)."""

    text: str = ""
    #: Facet filters: values OR-ed within a facet, facets AND-ed.
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"

    def clamped(self) -> Query:
        """Return the query with page, size, sort and filters brought into bounds."""
        filters = {
            key: tuple(dict.fromkeys(str(v)[:200] for v in values if str(v)))[:20]
            for key, values in (self.filters or {}).items()
            if key in FACETS
        }
        return Query(
            text=self.text if isinstance(self.text, str) else "",
            filters={k: v for k, v in filters.items() if v},
            page=min(max(_int(self.page, 1), 1), MAX_PAGE),
            per_page=min(max(_int(self.per_page, 20), 1), MAX_PER_PAGE),
            sort=self.sort if self.sort in SORTS else "relevance",
        )


@dataclass(frozen=True)
class Hit:
    """One found document."""

    id: str
    kind: str
    title: str
    url: str
    excerpt: str
    #: HTML: escaped text with the matched words in ``<mark>``; "" when none matched the body.
    snippet: str
    form: str = ""
    status: str = ""
    score: float = 0.0


@dataclass(frozen=True)
class Results:
    """One page of results, the facet counts over all of them, and notices."""

    hits: list[Hit]
    total: int
    page: int
    per_page: int
    #: Per facet, ``(value, count)`` by decreasing count then value.
    facets: dict[str, list[tuple[str, int]]]
    #: The query as understood (after simplification).
    query: str = ""
    #: The query had to be simplified (« requête simplifiée »).
    fixed: bool = False
    #: A French notice for the page, or None.
    message: str | None = None
    #: « Vouliez-vous dire … ? »: a corrected query, or None.
    suggestion: str | None = None

    @property
    def pages(self) -> int:
        """Number of result pages."""
        return max(1, -(-min(self.total, MAX_PAGE * self.per_page) // self.per_page))


class SearchBackend(Protocol):
    """What both engines offer; every write takes ids like ``"page:42"``."""

    name: str

    def index(self, docs: Iterable[Document]) -> int:
        """Add or replace documents; return how many."""
        ...

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id (unknown ids are ignored); return how many were asked."""
        ...

    def search(self, query: Query) -> Results:
        """Run a search; never raises on what people type."""
        ...

    def all_ids(self) -> set[str]:
        """Return the ids of every indexed document."""
        ...

    def digests(self) -> dict[str, str]:
        """Return the content digest of every indexed document, by id."""
        ...

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Replace the whole index with ``docs``, searches keep working meanwhile."""
        ...

    def clear(self) -> None:
        """Remove every document."""
        ...

    def outdated(self) -> bool:
        """Tell whether the index was written by an older version of its schema (then rebuild it)."""
        ...

    def close(self) -> None:
        """Release files and caches (tests, shutdown)."""
        ...


def normalise(doc: Mapping[str, Any]) -> Document:
    """Return a clean copy of a document: text trimmed, lists deduplicated, UTC time."""

    def text(key: str, limit: int) -> str:
        return _SENTINELS.sub("", str(doc.get(key) or ""))[:limit]

    def values(key: str) -> list[str]:
        return [v for v in dict.fromkeys(str(x).replace(",", " ").strip()[:200] for x in doc.get(key) or ()) if v]

    moment = doc.get("updated_at") or datetime(1970, 1, 1, tzinfo=UTC)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return Document(
        id=str(doc["id"]),
        kind=text("kind", 32),
        form=text("form", 64),
        title=text("title", 500),
        body=text("body", MAX_BODY_CHARS),
        excerpt=text("excerpt", 500),
        url=text("url", 500),
        themes=values("themes"),
        zones=values("zones"),
        status=text("status", 32),
        updated_at=moment,
    )


def digest(doc: Document) -> str:
    """Return a short fingerprint of a document's content (to find stale entries)."""
    data = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in doc.items()}
    return hashlib.blake2b(json.dumps(data, sort_keys=True).encode(), digest_size=12).hexdigest()


def marked_html(text: str) -> str:
    """Escape text delimited by :data:`MARK_START`/:data:`MARK_END` and turn the delimiters into ``<mark>``."""
    escaped = html.escape(text, quote=True)
    return _SENTINELS.sub("", _MARKED.sub(r"<mark>\1</mark>", escaped))


def sorted_counts(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Order facet counts by decreasing count then value; drop empty values."""
    return sorted(((k, n) for k, n in counts.items() if k and n), key=lambda kv: (-kv[1], kv[0]))[:MAX_FACET_VALUES]


def empty_results(query: Query, *, text: str = "", fixed: bool = False, message: str | None = None) -> Results:
    """Return results with nothing found."""
    return Results(
        hits=[],
        total=0,
        page=query.page,
        per_page=query.per_page,
        facets={f: [] for f in FACETS},
        query=text,
        fixed=fixed,
        message=message,
    )
