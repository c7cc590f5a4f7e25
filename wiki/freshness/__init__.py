"""Freshness campaigns: stale records for moderators, signed links that confirm or correct a record.

``init_app`` registers the views and the ``needs_check`` template global
(« à vérifier » past ``FRESHNESS_MONTHS``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the freshness views and the « à vérifier » template global."""
    from wiki.freshness import views

    app.register_blueprint(views.bp)
    app.jinja_env.globals["needs_check"] = views.needs_check
