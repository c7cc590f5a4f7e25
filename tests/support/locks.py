"""Hold SQLite's write lock from another connection, as a long transaction elsewhere would."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask


@contextmanager
def write_lock_held(app: Flask) -> Iterator[None]:
    """Keep a ``BEGIN IMMEDIATE`` transaction open on the app's SQLite file for the block."""
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        yield
        holder.execute("ROLLBACK")
    finally:
        holder.close()
