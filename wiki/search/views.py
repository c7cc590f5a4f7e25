"""The search page ``/-/recherche``, its JSON twin ``/api/v1/search`` and the OpenSearch description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from wiki.db import get_session
from wiki.search import get_backend
from wiki.search import services
from wiki.search.adapters import ADAPTERS

bp = Blueprint("search", __name__)

#: The engine's notices (:mod:`wiki.search.syntax`, :mod:`wiki.search.backend`: no
#: Flask there) written out for the extractor; a test checks they match.
NOTICES = (
    _l("Votre recherche contenait des caractères spéciaux ou des guillemets non fermés : elle a été simplifiée."),
    _l("Tapez un ou plusieurs mots à chercher."),
    _l("Ces mots sont trop courants pour être cherchés seuls : ajoutez un mot plus précis."),
    _l("Ajoutez au moins un mot à chercher : les mots précédés d'un tiret sont seulement exclus."),
    _l("La recherche est momentanément indisponible : réessayez dans un instant."),
)


def _fixed_labels() -> dict[str, dict[str, str]]:
    """Translated names of the kinds and of the public statuses."""
    return {
        "kind": {kind: str(adapter.label) for kind, adapter in ADAPTERS.items()},
        "status": {"published": _("publiée"), "archived": _("archivée")},
    }


def _facet_titles() -> dict[str, str]:
    return {
        "kind": _("Type"),
        "form": _("Type de fiche"),
        "themes": _("Thématique"),
        "zones": _("Territoire"),
        "status": _("Statut"),
    }


@bp.route("/-/recherche")
def index() -> Any:
    """Search pages and records: results, facets with counts, pages, suggestions."""
    query = services.parse_args(request.args, per_page=int(current_app.config["SEARCH_PER_PAGE"]))
    results = services.search(get_backend(), query)
    db = get_session()
    facets = services.facets(db, query, results, _fixed_labels())
    response = current_app.make_response(
        render_template(
            "search/results.html",
            search=query,
            query=query.text.strip()[:200],
            results=results,
            facets=facets,
            facet_titles=_facet_titles(),
            labels={name: {v.value: v.label for v in values} for name, values in facets.items()},
            exact=services.exact_page(db, query.text),
            args=services.query_args,
            toggled=services.toggled,
            cleared=services.query_args(query, page=None, **dict.fromkeys(services.FACET_PARAMS.values())),
        )
    )
    response.cache_control.no_cache = True
    return response


@bp.route("/api/v1/search")
def api() -> Response:
    """The same search as JSON (``limit`` sets the page size, up to 100)."""
    query = services.parse_args(request.args, per_page=int(current_app.config["SEARCH_PER_PAGE"]), limit_param="limit")
    results = services.search(get_backend(), query)
    facets = services.facets(get_session(), query, results, _fixed_labels())
    root = request.url_root.rstrip("/")
    payload = {
        "query": results.query,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "limit": results.per_page,
        "message": _(results.message) if results.message else None,
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
    response = jsonify(payload)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.no_cache = True
    return response


@bp.route("/-/opensearch.xml")
def opensearch() -> Response:
    """The OpenSearch description: browsers offer to add the wiki as a search engine."""
    body = render_template(
        "search/opensearch.xml",
        search_url=url_for("search.index", _external=True),
        api_url=url_for("search.api", _external=True),
        icon_url=url_for("theming.static", filename="img/favicon.svg", _external=True),
    )
    response = Response(body, mimetype="application/opensearchdescription+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
