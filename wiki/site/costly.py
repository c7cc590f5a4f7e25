"""Per-client limit on expensive requests running at once (issue 17 item 3).

A diff, a history, a search or an export can cost seconds; one client asking
for many at once must not take every worker. ``EXPENSIVE_PER_CLIENT`` of them
may run at once per client, on the whole node: each holds an advisory lock
(``flock``) on one of that many slot files of the client's bucket, in the
instance's ``run/costly`` folder, so the limit holds across gunicorn's sync
workers (a per-process count would never see two), and a killed worker
releases its slot with its file descriptors. A request that finds no free slot
gets 429 with a French page. Page views and every other endpoint never count.

A client is its account when logged in (read from the signed session cookie,
no database query), else its address as seen through ``TRUSTED_PROXIES``.
Neither is stored: the bucket is a keyed hash of it among ``BUCKETS`` (two
clients rarely share one, and then share its slots). Each node counts its own
clients (a load balancer with affinity keeps a client on one node).
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from flask import Flask
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from flask import session
from flask_babel import gettext as _

from wiki import hostslots

#: Endpoints that cost more than a page view.
COSTLY_ENDPOINTS = frozenset(
    {
        "pages.diff",
        "pages.history",
        "records.diff",
        "records.history",
        "api.pages_history",
        "api.search_index",
        "search.index",
        "exports.download",
        "exports.catalog",
    }
)
BUCKETS = 4096
RETRY_AFTER = 5


def _client() -> str:
    """Who is asking: the account of the session cookie, else the address."""
    user = str(session.get("_user_id") or "").partition(".")[0]
    return f"account:{user}" if user.isdigit() else f"address:{request.remote_addr or ''}"


def _bucket(app: Flask, client: str) -> int:
    digest = hmac.new(str(app.secret_key).encode(), client.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") % BUCKETS


def _refused() -> Any:
    message = _(
        "Vous avez déjà plusieurs demandes coûteuses en cours (comparaisons, historiques, recherches, "
        "exports) : attendez qu'elles aboutissent, puis réessayez."
    )
    headers = {"Retry-After": str(RETRY_AFTER)}
    if request.path.startswith("/api/"):
        return jsonify(error="throttled", message=message), 429, headers
    return render_template("errors/error.html", status=429, message=message), 429, headers


def init_app(app: Flask) -> None:
    """Check and release the slots of costly endpoints around their requests."""
    folder = Path(app.instance_path) / "run" / "costly"

    @app.before_request
    def _limit() -> Any:
        limit = int(app.config["EXPENSIVE_PER_CLIENT"])
        if limit <= 0 or request.endpoint not in COSTLY_ENDPOINTS:
            return None
        slot = hostslots.take(folder, limit, name=f"{_bucket(app, _client()):04x}")
        if slot is None:
            app.logger.warning("costly request refused with 429: %s", request.endpoint)
            return _refused()
        g.costly_slot = slot
        return None

    @app.teardown_request
    def _release(exc: BaseException | None) -> None:
        slot = g.pop("costly_slot", None)
        if slot is not None:
            slot.release()
