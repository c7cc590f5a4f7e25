"""Wiki pages: Markdown text with immutable revisions, links and attachments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages blueprint."""
    # The editing and file screens add their routes to views.bp: import them before registering it.
    from wiki.pages import diffs
    from wiki.pages import edit_views  # noqa: F401
    from wiki.pages import editor_views  # noqa: F401
    from wiki.pages import file_views  # noqa: F401
    from wiki.pages import views

    app.register_blueprint(views.bp)
    diffs.configure_cache(app, int(app.config["DIFF_CACHE_SIZE"]))
