"""Wiki pages: Markdown text with immutable revisions, links and attachments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages blueprint."""
    from wiki.pages import views

    app.register_blueprint(views.bp)
