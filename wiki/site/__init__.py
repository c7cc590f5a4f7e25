"""Site-wide pages: health check, robots.txt."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the site blueprint."""
    from wiki.site import views

    app.register_blueprint(views.bp)
