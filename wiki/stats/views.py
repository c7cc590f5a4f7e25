"""The statistics dashboard (``/-/statistiques``) and its CSV export, for moderators and admins."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from wiki import stats
from wiki.auth import permissions
from wiki.db import get_session
from wiki.stats import charts
from wiki.stats import services

bp = Blueprint("stats", __name__)
KIND_LABELS = {"page": "Pages", "record": "Fiches", "agenda": "Agenda", "map": "Carte"}


def _require_access() -> None:
    if not permissions.can_see_statistics(current_user):
        abort(403)
    if stats.flush():  # this worker's latest views: what one just saw is counted
        get_session().rollback()  # read after the batch, not in a transaction begun before it


def _days() -> int:
    days = request.args.get("jours", type=int) or 30
    return days if days in services.PERIODS else 30


def page_views(kind: str, path: str, days: int = 30) -> int:
    """Views of one address in the last ``days`` days (template global: a page's own counter)."""
    return services.views_of(get_session(), kind, path, days)


@bp.route("/-/statistiques")
def index() -> Any:
    """Views, top addresses, downloads, edits and new contributors, with charts and tables."""
    _require_access()
    days = _days()
    data = services.overview(get_session(), days)
    daily = charts.bar_chart([(day.strftime("%d/%m"), n) for day, n in data.daily])
    edits = charts.bar_chart([(month, n) for month, n, _newcomers in data.months])
    newcomers = charts.bar_chart([(month, n) for month, _edits, n in data.months])
    response = Response(
        render_template(
            "stats/index.html",
            data=data,
            days=days,
            periods=services.PERIODS,
            daily_chart=daily,
            edits_chart=edits,
            newcomers_chart=newcomers,
            kind_labels={k: _(v) for k, v in KIND_LABELS.items()},
        )
    )
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response


@bp.route("/-/statistiques.csv")
def export() -> Any:
    """Every figure of the last ``jours`` days (365 by default) as CSV, for a funding application."""
    _require_access()
    days = request.args.get("jours", type=int) or 365
    days = days if days in services.PERIODS else 365
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(services.csv_rows(get_session(), days))
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=statistiques.csv"
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
