"""The JSON API under ``/api/v1`` (read side of pages for now).

Names and shapes follow ``CONTRACT.md``; errors are JSON
``{"error": ..., "message": ...}`` (see ``wiki.errors``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprint."""
    from wiki.api import views

    app.register_blueprint(views.bp)
