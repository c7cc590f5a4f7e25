"""Storage faults for tests: a really full SQLite database, and ENOSPC or EIO at a file write or sync.

``database_full`` makes SQLite's own ``SQLITE_FULL``: every new connection of
the app's engine gets ``PRAGMA max_page_count`` at the database's current size
(compacted first), so a write that needs one more page fails as on a full
disk, inside SQLite, and SQLite rolls the transaction back itself.
``failing_files`` makes the file writes of :mod:`wiki.storage_faults` fail at
``write`` (after half the bytes went to disk) or at ``fsync``. ``small_disk``
mounts a real size-limited filesystem (tmpfs) and ``fill`` fills it: every
write then meets the kernel's own ENOSPC (SQLite's WAL, Whoosh, uploads).
"""

from __future__ import annotations

import builtins
import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from wiki.db import Database


@contextmanager
def database_full(app: Flask) -> Iterator[None]:
    """Let the app's SQLite database grow by no page at all during the block (SQLITE_FULL)."""
    engine = Database.engine(app)
    engine.dispose()
    path = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("VACUUM")  # no free page left to reuse
        pages = con.execute("PRAGMA page_count").fetchone()[0]
    finally:
        con.close()

    def _limit(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", _limit)
    try:
        yield
    finally:
        event.remove(engine, "connect", _limit)
        engine.dispose()


class _HalfWritingFile:
    """A real file whose ``write`` puts half the bytes on disk, then fails with ``code``."""

    def __init__(self, handle: Any, code: int) -> None:
        self._handle, self._code = handle, code

    def write(self, data: bytes) -> int:
        self._handle.write(data[: len(data) // 2])
        self._handle.flush()
        raise OSError(self._code, os.strerror(self._code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)

    def __enter__(self) -> _HalfWritingFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._handle.close()


@contextmanager
def failing_files(monkeypatch: Any, *, code: int = errno.ENOSPC, at: str = "write") -> Iterator[None]:
    """Make the file writes of ``wiki.storage_faults`` fail with ``code`` at ``write`` or at ``fsync``."""
    import wiki.storage_faults

    with monkeypatch.context() as patch:
        if at == "fsync":

            def _fsync(fd: int) -> None:
                raise OSError(code, os.strerror(code))

            patch.setattr(wiki.storage_faults.os, "fsync", _fsync)
        else:

            def _open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
                handle = builtins.open(path, mode, *args, **kwargs)
                return _HalfWritingFile(handle, code) if "w" in mode else handle

            patch.setattr(wiki.storage_faults, "open", _open, raising=False)
        yield


@contextmanager
def small_disk(folder: Path, size: str = "16m") -> Iterator[Path]:
    """Mount a tmpfs of ``size`` on ``folder`` for the block (root with CAP_SYS_ADMIN, as CI runs).

    Where mounting is not permitted the test is skipped with the reason: the
    injected faults of the same modules cover the same code paths.
    """
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"no size-limited filesystem here ({mounted.stderr.strip()}); injected faults cover these paths")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path) -> Path:
    """Fill the filesystem of ``folder`` to the last block; return the filler file (remove it to free the space)."""
    filler = folder / "filler.bin"
    with open(filler, "wb", buffering=0) as handle:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9):
            try:
                while True:
                    handle.write(b"\0" * chunk)
            except OSError as err:
                if err.errno != errno.ENOSPC:
                    raise
    return filler


def checkpoint(app: Flask) -> None:
    """Empty the app's SQLite WAL file (its next commit must then take new blocks of the disk).

    The app's pooled connections stay open, as in a running server: with them the shared-memory
    file stays too (a first connection on a full disk could not even create it).
    """
    con = sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///"), isolation_level=None)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
