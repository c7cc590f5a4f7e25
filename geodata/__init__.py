"""The geodata layer: geometry, territory zones, the map and the geometry field.

Pure modules (``geometry``, ``fields``) import neither Flask nor the
database; ``models`` and ``services`` hold the zones, the map projection of
records and the point-in-zone attachment; ``views`` and ``macros`` serve the
map pages and the ``{{carte}}`` macro.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Connect the map to record changes; register the map views and the macro."""
    from geodata import macros
    from geodata import subscribers
    from geodata import views

    subscribers.connect()
    macros.register()
    app.register_blueprint(views.bp)
