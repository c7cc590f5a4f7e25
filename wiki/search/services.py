"""What the search page and the search API ask: read the parameters, search, label the facets.

No Flask here (STYLE R6): the views hand in the query-string arguments
(anything with ``get`` and ``getlist``) and the backend, and render what
comes back. Parameters are French, like the directory's lists::

    ?q=velo&type=record&form=lieu&theme=mobilite&zone=35236&statut=published&tri=recent&page=2

A value repeated in one parameter widens (OR), parameters narrow (AND).
Anything out of bounds is brought back in (HOSTILE_INPUTS B9-79, B9-81),
never refused.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata import zones as geo
from wiki import markup
from wiki.pages import services as pages
from wiki.records.models import Form
from wiki.records.models import Theme
from wiki.records.queries import FacetValue
from wiki.search.adapters import ADAPTERS
from wiki.search.adapters import doc_id
from wiki.search.adapters import split_id
from wiki.search.backend import FACETS
from wiki.search.backend import MAX_PAGE
from wiki.search.backend import MAX_PER_PAGE
from wiki.search.backend import Query
from wiki.search.backend import Results
from wiki.search.backend import SearchBackend
from wiki.search.syntax import MAX_QUERY_CHARS

#: URL parameter of each facet (French, like the directory's filters).
FACET_PARAMS: dict[str, str] = {"kind": "type", "form": "form", "themes": "theme", "zones": "zone", "status": "statut"}
#: URL values of the orders.
SORT_PARAMS: dict[str, str] = {"pertinence": "relevance", "recent": "recent"}
#: Most values read per facet parameter.
MAX_VALUES = 20
#: Results per page when the caller does not say.
PER_PAGE = 20


class Args(Protocol):
    """Query-string arguments (``werkzeug.datastructures.MultiDict``)."""

    def get(self, key: str) -> str | None:
        """First value of ``key``."""
        ...

    def getlist(self, key: str) -> list[str]:
        """Every value of ``key``."""
        ...


def _number(raw: Any, default: int, upper: int) -> int:
    text = str(raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return default
    return upper if len(text) > 6 else min(max(int(text), 1), upper)


def parse_args(args: Args, *, per_page: int = PER_PAGE, limit_param: str | None = None) -> Query:
    """Read a search from query-string arguments (first ``q`` wins; facets may repeat).

    ``limit_param`` names the parameter that may change the page size (the API's ``limit``).
    """
    filters = {}
    for facet, param in FACET_PARAMS.items():
        values = [v.strip()[:200] for v in args.getlist(param)[:MAX_VALUES] if isinstance(v, str) and v.strip()]
        if values:
            filters[facet] = tuple(dict.fromkeys(values))
    size = _number(args.get(limit_param), per_page, MAX_PER_PAGE) if limit_param else per_page
    text = args.get("q") or ""
    return Query(
        text=text[: MAX_QUERY_CHARS * 4] if isinstance(text, str) else "",
        filters=filters,
        page=_number(args.get("page"), 1, MAX_PAGE),
        per_page=size,
        sort=SORT_PARAMS.get(str(args.get("tri") or ""), "relevance"),
    ).clamped()


def query_args(query: Query, **changes: Any) -> dict[str, Any]:
    """Return the URL parameters of ``query`` with ``changes`` (None removes a parameter)."""
    args: dict[str, Any] = {"q": query.text.strip() or None}
    for facet, values in query.filters.items():
        args[FACET_PARAMS[facet]] = list(values)
    if query.sort != "relevance":
        args["tri"] = next(k for k, v in SORT_PARAMS.items() if v == query.sort)
    if query.page > 1:
        args["page"] = query.page
    args.update(changes)
    return {k: v for k, v in args.items() if v not in (None, "", [])}


def toggled(query: Query, facet: str, value: str) -> dict[str, Any]:
    """Return the URL parameters with ``value`` added to or removed from a facet (back to page 1)."""
    current = list(query.filters.get(facet, ()))
    values = [v for v in current if v != value] if value in current else [*current, value]
    return query_args(query, **{FACET_PARAMS[facet]: values, "page": None})


def search(backend: SearchBackend, query: Query, db: Session | None = None) -> Results:
    """Run a search (the backend never raises on what people type).

    With ``db``, hits whose object is no longer public are dropped: the index
    may lag behind a withdrawal by a moment (:mod:`wiki.search.outbox`), the
    results never do.
    """
    results = backend.search(query)
    return results if db is None or not results.hits else still_public(db, results)


def still_public(db: Session, results: Results) -> Results:
    """Drop the hits whose page or record is gone, withdrawn or no longer public."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for hit in results.hits:
        kind, key = split_id(hit.id)
        wanted[kind].add(key)
    gone: set[str] = set()
    for kind, keys in wanted.items():
        adapter = ADAPTERS.get(kind)
        if adapter is None:
            continue
        found = adapter.load_many(db, keys)
        for key in keys:
            obj = found.get(int(key)) if key.isdigit() else None
            if obj is None or not adapter.is_indexable(obj):
                gone.add(doc_id(kind, key))
    if not gone:
        return results
    kept = [hit for hit in results.hits if hit.id not in gone]
    return dataclasses.replace(results, hits=kept, total=max(len(kept), results.total - len(gone)))


def exact_page(db: Session, text: str) -> Any:
    """Return the live page whose title is exactly the query, if any (« Page portant ce titre »)."""
    text = (text or "").strip()
    return pages.find_page(db, markup.slugify(text[:200])) if text else None


# Two columns of the values shown, not whole forms (their field lists) or the whole taxonomy.
def _form_titles(db: Session, wanted: set[str]) -> dict[str, str]:
    return dict(
        db.execute(
            select(Form.key, Form.title).where(Form.key.in_(sorted(wanted)[:1000]), Form.deleted_at.is_(None))
        ).all()
    )


def _theme_labels(db: Session, wanted: set[str]) -> dict[str, str]:
    return dict(db.execute(select(Theme.key, Theme.label).where(Theme.key.in_(sorted(wanted)[:1000]))).all())


def _zone_names(db: Session, wanted: set[str]) -> dict[str, str]:
    # Hundreds of communes may be loaded: read only the names shown.
    return geo.zone_names(db, wanted)


#: Display names of facet values taken from the database, per facet (given the values shown).
LABELERS: dict[str, Callable[[Session, set[str]], dict[str, str]]] = {
    "form": _form_titles,
    "themes": _theme_labels,
    "zones": _zone_names,
}


def facets(
    db: Session, query: Query, results: Results, fixed_labels: Mapping[str, Mapping[str, str]]
) -> dict[str, list[FacetValue]]:
    """Label the facet counts; selected values stay listed even when nothing matches them."""
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        labels = dict(fixed_labels.get(facet, {}))
        if facet in LABELERS and (results.facets.get(facet) or query.filters.get(facet)):
            wanted = {v for v, _n in results.facets.get(facet, [])} | set(query.filters.get(facet, ()))
            labels.update(LABELERS[facet](db, wanted))
        counts = dict(results.facets.get(facet, []))
        selected = query.filters.get(facet, ())
        values = [FacetValue(v, labels.get(v, v), n, v in selected) for v, n in results.facets.get(facet, [])]
        values += [FacetValue(v, labels.get(v, v), 0, True) for v in selected if v not in counts]
        out[facet] = values
    return out
