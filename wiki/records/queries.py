"""Listing records: filters, facet counts, sorting and paging.

Filters come from URL parameters so every view can be shared and embedded:
``?theme=mobilite&zone=35236&statut=published&q=velo&tri=title&page=2``.
Parsing is strict and bounded (HOSTILE_INPUTS B9-79..81): unknown parameters
are ignored, lists are capped, sort keys are allowlisted, values are bound
parameters. Facet counts come from the indexed ``record_facets`` table in
one grouped query, never from scanning JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.orm import Session
from sqlalchemy.orm import defer
from sqlalchemy.orm import lazyload

from wiki import signals
from wiki.auth import permissions
from wiki.caching import AppCache
from wiki.records import fields as F
from wiki.records.disclosure import shows_always
from wiki.records.facets import FACET_TYPES
from wiki.records.form_services import form_fields
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet

MAX_VALUES = 20
MAX_PER_PAGE = 200
SORTS = ("title", "updated", "created")


@dataclass
class Filters:
    """A parsed, bounded set of list filters."""

    #: field key -> accepted values (OR within a field, AND across fields).
    values: dict[str, list[str]] = dc_field(default_factory=dict)
    statuses: list[str] = dc_field(default_factory=lambda: ["published"])
    text: str = ""
    sort: str = "title"
    descending: bool = False
    page: int = 1
    per_page: int = 20
    #: Explicit offset (API ``?offset=``); overrides ``page`` when set.
    offset: int | None = None

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """Return URL parameters that reproduce these filters (with changes)."""
        args: dict[str, Any] = {key: list(values) for key, values in self.values.items() if values}
        if self.statuses != ["published"]:
            args["statut"] = list(self.statuses)
        if self.text:
            args["q"] = self.text
        if self.sort != "title" or self.descending:
            args["tri"] = ("-" if self.descending else "") + self.sort
        if self.page > 1:
            args["page"] = self.page
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value
        return args


def _int(raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None or not raw.isdigit() or len(raw) > 9:
        return default
    return max(low, min(int(raw), high))


def parse_filters(args: Any, form: Form, actor: Any, *, per_page: int = 20) -> Filters:
    """Parse URL parameters (a MultiDict or mapping of lists) into filters."""
    if hasattr(args, "getlist"):  # werkzeug MultiDict: the first value wins (B9-84)
        getlist, get = args.getlist, args.get
    else:  # a plain mapping of lists (API tests, macros)
        getlist = lambda k: list(args.get(k, []))  # noqa: E731
        get = lambda k: (list(args.get(k, [])) or [None])[0]  # noqa: E731
    # Facets and sorting never count consent: a count or an order would tell what an unticked box hides.
    defs = {d.key: d for d in form_fields(form) if d.type in FACET_TYPES and shows_always(d)}
    values: dict[str, list[str]] = {}
    for key in defs:
        raw = [v for item in getlist(key) for v in str(item).split(",")]
        clean = [v.strip()[:200] for v in raw if v.strip()][:MAX_VALUES]
        if clean:
            values[key] = list(dict.fromkeys(clean))
    statuses = [s for s in getlist("statut") if s in ("draft", "pending", "published", "archived")][:4]
    if not statuses:
        statuses = ["published"]
    if not permissions.can_list_unpublished_records(actor):
        statuses = [s for s in statuses if s in ("published", "archived")] or ["published"]
    sort = str(get("tri") or "title")
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    sortable = set(SORTS) | {d.key for d in form_fields(form) if shows_always(d)}
    if sort not in sortable:
        sort, descending = "title", False
    return Filters(
        values=values,
        statuses=statuses,
        text=str(get("q") or "")[:200].strip(),
        sort=sort,
        descending=descending,
        page=_int(get("page"), 1, 1, 100_000),
        per_page=_int(get("limit") or get("par_page"), per_page, 1, MAX_PER_PAGE),
        offset=_int(get("offset"), 0, 0, 10_000_000) if get("offset") is not None else None,
    )


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with its record count."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class ListResult:
    """A page of records, the total, and the facets of the filtered set."""

    records: list[Record]
    total: int
    facets: dict[str, list[FacetValue]]
    filters: Filters

    @property
    def pages(self) -> int:
        """Number of pages."""
        return max(1, -(-self.total // self.filters.per_page))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Facet counts of unfiltered lists, until a record or a form changes.
_unfiltered_counts: AppCache[list[tuple[str, str, int]]] = AppCache(
    "records.facet_counts", maxsize=64, stale_on=(signals.record_saved, signals.record_deleted, signals.form_saved)
)


def _facet_counts(
    db: Session, form: Form, filters: Filters, ids: Any, field_ids: list[str]
) -> list[tuple[str, str, int]]:
    """Count values per facet over the filtered records.

    The unfiltered list (a form's landing page, the most visited) reuses its
    counts until any record changes: counting facets over every record of a
    large form is the costliest query of a list.
    """
    key = None
    # Only on SQLite: its writers are serialised (BEGIN IMMEDIATE), so the
    # latest updated_at is also the latest commit; with concurrent writers
    # (PostgreSQL) commit order may differ and the stamp could go stale.
    if not filters.values and not filters.text and db.get_bind().dialect.name == "sqlite":
        stamp = db.scalar(select(func.max(Record.updated_at)))
        key = (form.id, tuple(filters.statuses), tuple(sorted(field_ids)), stamp)
        cached = _unfiltered_counts.get(db, key)
        if cached is not None:
            return cached
    rows = [
        (field_id, value, count)
        for field_id, value, count in db.execute(
            select(RecordFacet.field_id, RecordFacet.value, func.count())
            .where(RecordFacet.record_id.in_(ids), RecordFacet.field_id.in_(field_ids))
            .group_by(RecordFacet.field_id, RecordFacet.value)
        )
    ]
    if key is not None:
        _unfiltered_counts.put(db, key, rows)
    return rows


def list_records(
    db: Session, form: Form, filters: Filters, *, labels: Mapping[str, Mapping[str, str]] | None = None
) -> ListResult:
    """Return one page of the form's records matching ``filters``, with facets.

    :param labels: per field key, value -> display label (choice and theme names).
    """
    defs = {d.key: d for d in form_fields(form)}
    ids = select(Record.id).where(
        Record.form_id == form.id, Record.deleted_at.is_(None), Record.status.in_(filters.statuses)
    )
    for key, wanted in filters.values.items():
        ids = ids.where(
            Record.id.in_(
                select(RecordFacet.record_id).where(RecordFacet.field_id == defs[key].id, RecordFacet.value.in_(wanted))
            )
        )
    for word in F.fold(filters.text).split()[:8]:
        ids = ids.where(Record.search_text.like(f"%{_escape_like(word)}%", escape="\\"))
    total = db.scalar(select(func.count()).select_from(ids.subquery())) or 0

    # Sort and cut a page on ids only, then load those rows: sorting whole
    # records (with their JSON values) is what made deep pages slow.
    query = select(Record.id).where(Record.id.in_(ids))
    column: ColumnElement[Any] | QueryableAttribute[Any]
    if filters.sort in ("updated", "created"):
        column = Record.updated_at if filters.sort == "updated" else Record.created_at
    elif filters.sort == "title":
        column = func.lower(Record.title)
    else:
        column = Record.data[defs[filters.sort].id].as_string()
    order = column.desc() if filters.descending else column.asc()
    offset = filters.offset if filters.offset is not None else (filters.page - 1) * filters.per_page
    query = query.order_by(order, Record.id).offset(offset).limit(filters.per_page)
    page_ids = list(db.scalars(query))
    # The form is already in the session; the folded search text is never shown.
    rows_query = select(Record).where(Record.id.in_(page_ids)).options(lazyload(Record.form), defer(Record.search_text))
    rows = {r.id: r for r in db.scalars(rows_query)} if page_ids else {}
    records = [rows[i] for i in page_ids if i in rows]

    facet_defs = {d.id: d for d in defs.values() if d.type in FACET_TYPES and shows_always(d)}
    counts = _facet_counts(db, form, filters, ids, [*facet_defs, "status"])
    facets: dict[str, list[FacetValue]] = {}
    labels = labels or {}
    for field_id, value, count in counts:
        key = "statut" if field_id == "status" else facet_defs[field_id].key
        selected = value in (filters.statuses if key == "statut" else filters.values.get(key, []))
        label = labels.get(key, {}).get(value, value)
        facets.setdefault(key, []).append(FacetValue(value, label, count, selected))
    for items in facets.values():
        items.sort(key=lambda item: (-item.count, F.fold(item.label)))
    return ListResult(records=records, total=total, facets=facets, filters=filters)
