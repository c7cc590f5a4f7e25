"""Wiki pages: Markdown text with immutable revisions, links and attachments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from wiki import signals


def init_app(app: Flask) -> None:
    """Register the pages blueprint; ``lieudit init`` removes the files a crash left without their row."""
    # The editing and file screens add their routes to views.bp: import them before registering it.
    from wiki.pages import diffs
    from wiki.pages import edit_views  # noqa: F401
    from wiki.pages import editor_views  # noqa: F401
    from wiki.pages import file_views  # noqa: F401
    from wiki.pages import views

    app.register_blueprint(views.bp)
    diffs.configure_cache(app, int(app.config["DIFF_CACHE_SIZE"]))
    signals.instance_upgraded.connect(_remove_orphan_files, sender=app)


def _remove_orphan_files(app: Flask, echo: Callable[[str], Any], **_kw: Any) -> None:
    """At ``lieudit init`` (every start of the container image): remove stored files no row names."""
    from wiki.db import Database
    from wiki.pages import attachments
    from wiki.uploads import uploads_root

    with Database.new_session(app) as db:
        removed = attachments.remove_orphans(db, uploads_root(app))
    if removed:
        echo(f"Fichiers joints sans fiche ni page (laissés par un arrêt brutal) supprimés : {removed}.")
