"""``/api/v1/search``: the search page's results as JSON, with its facets.

The same parameters and services as the search page (``wiki.search.views``):
only public content is in the index. ``limit`` sets the page size (1–100).
A query that cannot run gives no results and a ``message``.
"""

from __future__ import annotations

from flask import Response
from flask import current_app
from flask import request
from flask import url_for

from wiki.api import openapi
from wiki.api.blueprint import bp
from wiki.api.conventions import json_response
from wiki.db import get_session
from wiki.search import get_backend
from wiki.search import services
from wiki.search.labels import fixed_labels
from wiki.search.labels import notice


@bp.get("/search", endpoint="search_index")
@openapi.describe(
    operation_id="search",
    summary="Search pages, public records and zones (French analysis), with facets.",
    description='Accents and case are ignored, words are stemmed, `"exact phrase"` and `-word` work. Only public '
    "content is indexed. Pages of results with `page`; `limit` sets their size (1–100).",
    security=openapi.READ,
    parameters=[
        openapi.query("q", "The words to find."),
        openapi.query("type", "Kind: page, record or zone.", enum=["page", "record", "zone"]),
        openapi.query("form", "Form key (records)."),
        openapi.query("theme", "Theme key."),
        openapi.query("zone", "Zone code."),
        openapi.query("statut", "Record status (published, archived)."),
        openapi.query("tri", "Order: relevance (default) or most recent first.", enum=["pertinence", "recent"]),
        openapi.query("page", "Page of results.", "integer", minimum=1, default=1),
        openapi.query("limit", "Results per page (clamped to 1–100).", "integer", minimum=1),
    ],
    responses=openapi.ok(
        "SearchResults", "A page of results (a query that cannot run gives no results and a `message`)."
    ),
)
def index() -> Response:
    """The search page's results as JSON (``limit`` sets the page size, up to 100)."""
    query = services.parse_args(request.args, per_page=int(current_app.config["SEARCH_PER_PAGE"]), limit_param="limit")
    results = services.search(get_backend(), query, get_session())
    facets = services.facets(get_session(), query, results, fixed_labels())
    root = url_for("pages.home", _external=True).rstrip("/")  # BASE_URL when set, never a Host header
    payload = {
        "query": results.query,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "limit": results.per_page,
        "message": notice(results.message),
        "suggestion": results.suggestion,
        "facets": {
            services.FACET_PARAMS[name]: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected} for v in values
            ]
            for name, values in facets.items()
        },
        "items": [
            {
                "id": hit.id,
                "kind": hit.kind,
                "form": hit.form or None,
                "title": hit.title,
                "url": root + hit.url,
                "excerpt": hit.excerpt,
                "snippet_html": hit.snippet,
                "status": hit.status or None,
                "score": hit.score,
            }
            for hit in results.hits
        ],
    }
    response = json_response(payload)
    response.cache_control.no_cache = True
    return response
