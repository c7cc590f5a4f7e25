"""Visit statistics without tracking: views counted per day, no cookie, no address, no user agent kept.

``init_app`` gives each app a :class:`wiki.stats.counter.ViewCounter` and an
``after_request`` hook that counts a ``GET`` of a page, a record, the agenda,
the map or a dataset file. ``after_request`` hooks run on answers the
response cache serves too (:mod:`wiki.site.response_cache` returns from a
``before_request`` hook, which skips later ``before_request`` hooks only), so
kept answers are counted like fresh ones. Counts are written in batches, and
what is left when the process exits. The dashboard is :mod:`wiki.stats.views`.
"""

from __future__ import annotations

import atexit
import logging

from flask import Flask
from flask import Response
from flask import current_app
from flask import request

from wiki.db import Database
from wiki.stats import counter

log = logging.getLogger(__name__)
EXTENSION = "lieudit.stats"


def view_counter(app: Flask | None = None) -> counter.ViewCounter:
    """Return the app's view counter."""
    counters: counter.ViewCounter = (app or current_app).extensions[EXTENSION]
    return counters


def flush(app: Flask | None = None) -> int:
    """Write the views this process counted and has not written yet; return how many."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return view_counter(app).flush(Database.engine(app))


def _flush_quietly(app: Flask) -> None:
    try:
        flush(app)
    except Exception:  # the database may be gone already (a test's temporary folder): counts are lost, not fatal
        log.warning("Statistiques : les dernières vues n'ont pas pu être enregistrées.", exc_info=True)


def init_app(app: Flask) -> None:
    """Count views after every request, register the dashboard and the ``lieudit stats`` commands."""
    from wiki.stats import cli
    from wiki.stats import views

    app.extensions[EXTENSION] = counter.ViewCounter(
        float(app.config["STATS_FLUSH_SECONDS"]), int(app.config["STATS_FLUSH_VIEWS"])
    )

    @app.after_request
    def count_view(response: Response) -> Response:
        if request.method != "GET" or response.status_code not in (200, 304):
            return response
        target = counter.target_of(request.endpoint, request.path)
        if target is None or counter.is_bot(request.headers.get("User-Agent", "")):
            return response
        if request.headers.get("Sec-Purpose", request.headers.get("Purpose", "")).startswith("prefetch"):
            return response  # a browser guessing where one may go next is not a view
        if view_counter(app).add(*target):
            _flush_quietly(app)
        return response

    if not app.testing:
        atexit.register(_flush_quietly, app)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.stats_cli)
    app.jinja_env.globals["page_views"] = views.page_views
