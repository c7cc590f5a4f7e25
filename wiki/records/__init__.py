"""Structured records: user-defined forms (like YesWiki's Bazar), records, views."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the records blueprints."""
    # Importing the moderators' screens (admin_*) adds their routes to admin.bp, and the editing
    # screens (edit_views) theirs to views.bp: they come before registering the blueprints.
    from wiki.records import admin
    from wiki.records import admin_forms  # noqa: F401
    from wiki.records import admin_lists  # noqa: F401
    from wiki.records import admin_themes  # noqa: F401
    from wiki.records import edit_views  # noqa: F401
    from wiki.records import macros
    from wiki.records import views

    macros.register()
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
