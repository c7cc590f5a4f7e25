"""The ``api`` blueprint: every ``/api/v1`` route is declared on it, and it owns their hooks.

The routes live in the resource modules (``openapi``, ``pages``, ``forms``,
``records``, ``events``, ``search``, ``zones``), each beside its OpenAPI
description; ``wiki.api.init_app`` imports them and registers this blueprint.
Bearer-token authentication and CORS (``access``) are the blueprint's own
``before_request`` / ``after_request`` hooks, so they run for its routes
only; ``init_app`` hands the same two functions to ``wiki.errors`` for the
requests under ``/api/v1`` that match no route (404, 405), which belong to
no blueprint.

Imports only Flask and ``access``: the resource modules import this one,
never the reverse.
"""

from __future__ import annotations

from flask import Blueprint

from wiki.api import access

#: Where the API lives (CONTRACT.md).
PREFIX = "/api/v1"

bp = Blueprint("api", __name__, url_prefix=PREFIX)
bp.before_request(access.authenticate)
bp.after_request(access.add_cors_headers)
