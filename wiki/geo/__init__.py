"""Territory zones and participatory maps: zone pages, map layers, GeoJSON export, zones CLI."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect the map to record changes; register views, the API, the macro and ``lieudit zones``."""
    from wiki.geo import cli
    from wiki.geo import macros
    from wiki.geo import subscribers
    from wiki.geo import views

    subscribers.connect()
    macros.register()
    app.register_blueprint(views.bp)
    app.register_blueprint(views.api)
    app.cli.add_command(cli.zones_cli)
