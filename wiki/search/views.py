"""The search page ``/-/recherche`` and the OpenSearch description.

Its JSON twin, ``/api/v1/search``, is served by :mod:`wiki.api.search`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _

from wiki.db import get_session
from wiki.search import get_backend
from wiki.search import services
from wiki.search.labels import fixed_labels

bp = Blueprint("search", __name__)


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
    db = get_session()
    results = services.search(get_backend(), query, db)
    facets = services.facets(db, query, results, fixed_labels())
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


@bp.route("/-/opensearch.xml")
def opensearch() -> Response:
    """The OpenSearch description: browsers offer to add the wiki as a search engine."""
    body = render_template(
        "search/opensearch.xml",
        search_url=url_for("search.index", _external=True),
        api_url=url_for("api.search_index", _external=True),
        icon_url=url_for("theming.static", filename="img/favicon.svg", _external=True),
    )
    response = Response(body, mimetype="application/opensearchdescription+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
