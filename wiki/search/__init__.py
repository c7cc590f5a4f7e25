"""Search: a public index of pages and records, understood in French.

The index is a derived projection of the database (STYLE R13): rebuildable,
never authoritative, fed from an outbox written with each change and applied
after the commit, in the background (:mod:`wiki.search.indexer`,
:mod:`wiki.search.outbox`). Two engines share one contract
(:mod:`wiki.search.backend`): Whoosh under ``<instance>/index`` (default) and
PostgreSQL full-text search (``SEARCH_BACKEND = "postgres"``).

``init_app`` builds the configured backend, keeps it in
``app.extensions["lieudit.search"]``, connects the indexer, registers the
search page, its API and the OpenSearch description (:mod:`wiki.search.views`)
and adds the ``lieudit search`` commands (:mod:`wiki.search.cli`). After an
upgrade (``lieudit init``), an index written by an older schema is rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app

from wiki import signals
from wiki.search.backend import SearchBackend

BACKENDS = ("whoosh", "postgres")


def make_backend(app: Flask) -> SearchBackend:
    """Build the backend named by ``SEARCH_BACKEND`` for ``app``."""
    from wiki.db import Database

    name = str(app.config.get("SEARCH_BACKEND") or "whoosh").lower()
    if name == "postgres":
        from wiki.search.postgres_backend import PostgresBackend

        engine = Database.engine(app)
        if engine.dialect.name != "postgresql":
            raise ValueError("SEARCH_BACKEND=postgres needs a PostgreSQL DATABASE_URL")
        return PostgresBackend(engine)
    if name != "whoosh":
        raise ValueError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    from wiki.search.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(app.instance_path) / "index", cache_bytes=int(app.config["SEARCH_CACHE_MB"]) * 2**20)


def init_app(app: Flask) -> None:
    """Create the backend, index every commit of this app's database into it, add ``lieudit search``."""
    from wiki.db import Database
    from wiki.search import indexer
    from wiki.search import views
    from wiki.search.cli import search_cli

    backend = make_backend(app)
    app.extensions["lieudit.search"] = backend
    background = bool(app.config["SEARCH_INDEX_IN_BACKGROUND"])
    indexer.connect(Database.engine(app), backend, background=background)
    signals.instance_upgraded.connect(_rebuild_if_outdated, sender=app)
    signals.bulk_ended.connect(_catch_up_after_bulk, sender=app)
    if background:
        replayed: list[bool] = []

        @app.before_request
        def _replay_at_start() -> None:
            """At a process's first request, apply what a crash may have left in the outbox."""
            if not replayed:
                replayed.append(True)
                indexer.wake(Database.engine(app))

    app.register_blueprint(views.bp)
    app.cli.add_command(search_cli)


def _rebuild_if_outdated(app: Flask, echo: Callable[[str], Any], **_kw: Any) -> None:
    """After an upgrade (``lieudit init``), rebuild an index written by an older schema."""
    from wiki.db import Database
    from wiki.search import indexer
    from wiki.search import maintenance

    count = maintenance.rebuild_if_outdated(Database.engine(app), get_backend(app))
    if count is not None:
        echo(f"Index de recherche reconstruit pour la nouvelle version : {count} documents.")
    applied = indexer.apply_outbox(Database.engine(app))
    if applied:
        echo(f"Index de recherche : {applied} modifications en attente appliquées.")


def _catch_up_after_bulk(app: Flask, echo: Callable[[str], Any], **_kw: Any) -> None:
    """After a bulk write (an import), index what it committed, in large batches, before the command returns."""
    from wiki.db import Database
    from wiki.search import indexer
    from wiki.storage_faults import log_fault

    try:
        applied = indexer.apply_outbox(Database.engine(app))
    except Exception as err:
        if log_fault(err, "search index write (the outbox keeps the changes)") is None:
            indexer.log.exception("search: applying the outbox after a bulk write failed")
        echo("Index de recherche : les modifications attendent (lancez `lieudit search update`).")
        return
    if applied:
        echo(f"Index de recherche : {applied} modifications appliquées.")


def get_backend(app: Flask | None = None) -> SearchBackend:
    """Return the app's search backend."""
    return (app or current_app).extensions["lieudit.search"]
