"""Health check and robots.txt (search is :mod:`wiki.search.views`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import jsonify
from flask import url_for
from sqlalchemy import text

from wiki.db import get_session

bp = Blueprint("site", __name__)


@bp.route("/-/health")
def health() -> Any:
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        get_session().execute(text("SELECT 1"))
    except Exception:  # any database failure means "not healthy"
        response = jsonify(status="error", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.cache_control.no_store = True
    return response


@bp.route("/robots.txt")
def robots() -> Any:
    """Keep crawlers out of history, diffs and edit forms."""
    lines = [
        "User-agent: *",
        "Disallow: /-/",
        "Disallow: /pages/*/edit",
        "Disallow: /pages/*/history",
        "Disallow: /pages/*/diff",
        "Disallow: /pages/*/revisions/",
        f"Allow: {url_for('pages.index')}",
    ]
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
