"""The JSON API under ``/api/v1``: pages, forms and records, read and write.

Names and shapes follow ``CONTRACT.md`` and are described exactly by the
OpenAPI 3.1 document served at ``/api/v1/openapi.json`` (``openapi.py``).
Errors are JSON ``{"error": ..., "message": ...}`` (see ``wiki.errors``).

Who calls: a request carrying ``Authorization: Bearer TOKEN`` acts as the
token's owner (``access.py``). Writes (PUT, POST, DELETE) need a token: they
never use the browser session cookie, so they need no CSRF token and a
malicious page cannot make a logged-in visitor's browser write through the
API. Reads are open to anyone, with CORS open to every origin (no
credentials); without a token they use the session, if any.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprint, bearer-token authentication and CORS."""
    from wiki.api import access
    from wiki.api import views

    app.register_blueprint(views.bp)
    # Token-authenticated writes carry no cookie credentials: no CSRF risk.
    # Writes without a token are refused by ``access.authenticate``.
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(views.bp)
    app.before_request(access.authenticate)
    app.after_request(access.add_cors_headers)
