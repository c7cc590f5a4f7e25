"""Site-wide pages (health check, robots.txt), the cache of whole anonymous answers, the limit on costly requests."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the site blueprint and the response cache."""
    from wiki.site import costly
    from wiki.site import response_cache
    from wiki.site import views

    app.register_blueprint(views.bp)
    response_cache.init_app(app)
    costly.init_app(app)
