"""Throwaway Lieudit instances for the in-process benchmarks: a fresh, migrated database.

``migrated_app`` makes the database the benchmark asks for, a SQLite file in a
temporary folder or a real PostgreSQL started by
``tests.support.postgres.PostgresServer`` (as root it runs as the ``postgres``
user through ``runuser``), creates the app on it and runs the migrations; on
the way out, also on errors and on Ctrl-C, it disposes of the engine and
stops the server. ``server_version`` names the database for the report.

Used by ``records_seed.py`` (``records_list.py``, ``api.py``) and
``search_data.py`` (``search.py``). The repository root must be on
``sys.path`` (the scripts put it there) for ``tests.support`` to import.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


@contextmanager
def migrated_app(postgresql: bool, tmp: Path, **config: str) -> Iterator[tuple[Any, str, Any]]:
    """Yield an app on a fresh, migrated database, its URL and its PostgreSQL server (``None`` on SQLite).

    ``config`` adds to the app's settings (``DATABASE_URL``, ``INSTANCE_PATH``
    in ``tmp`` and ``SECRET_KEY``).
    """
    from wiki import create_app
    from wiki import migrate
    from wiki.db import Database

    server = None
    app = None
    try:
        if postgresql:
            from tests.support.postgres import PostgresServer

            server = PostgresServer(tmp / "pg")
            server.start()
            url = server.create_database("lieudit_bench")
        else:
            url = f"sqlite:///{tmp / 'lieudit.db'}"
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp / "instance"), "SECRET_KEY": "bench", **config})
        with app.app_context():
            migrate.upgrade(Database.engine(), None, backup=False)
        yield app, url, server
    finally:
        if app is not None:
            Database.engine(app).dispose()
        if server is not None:
            server.stop()


def server_version(engine: Any) -> str:
    """Return ``PostgreSQL 16.4`` or ``SQLite 3.45.1``: the database behind ``engine``."""
    if engine.dialect.name != "postgresql":
        return "SQLite " + sqlite3.sqlite_version
    with engine.connect() as conn:
        return "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
