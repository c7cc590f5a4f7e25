"""Writers of one SQLite database wait their turn in a queue rather than polling.

SQLite's busy handler polls: a waiting writer sleeps up to 100 ms between
tries and newcomers may overtake it, so with four concurrent savers a save
could wait seconds for ``BEGIN IMMEDIATE``. Here a connection first takes an
exclusive ``flock`` on a lock file beside the database (``<file>-writers``):
a writer blocked in ``flock`` is woken by the kernel the moment the holder
commits or rolls back. The queue only orders Lieudit's own writers: past the
busy timeout a writer goes on to ``BEGIN IMMEDIATE`` and SQLite's lock
decides, as before; a process that dies releases its ``flock`` with its files.

``wiki.db`` begins write transactions through ``QueuedConnection.queue_for_write``.
Standard library only.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from typing import Any


class QueuedConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions first wait their turn on the lock file."""

    #: The lock file beside the database (set on the subclass made for each engine).
    lock_path = ""

    _lock_fd: int | None = None
    _lock_pid = 0
    _holding = False

    def queue_for_write(self, timeout: float) -> None:
        """Wait (at most ``timeout`` seconds) until no other connection of this database is writing."""
        if self._lock_fd is None or self._lock_pid != os.getpid():
            try:
                self._lock_fd, self._lock_pid = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
            except OSError:  # a folder one may not write in: SQLite's busy handler alone, as before
                self._lock_fd = None
                return
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._holding = True
            return
        except BlockingIOError:
            pass
        # Block in the kernel, from a helper thread so that the wait has an end.
        fd, granted, lock = self._lock_fd, threading.Event(), threading.Lock()
        abandoned: list[bool] = []

        def wait() -> None:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with lock:
                if abandoned:  # too late: pass the turn on, and drop the descriptor given up on
                    os.close(fd)
                else:
                    granted.set()

        threading.Thread(target=wait, daemon=True, name="sqlite-write-queue").start()
        granted.wait(timeout)
        with lock:
            if granted.is_set():
                self._holding = True
            else:
                abandoned.append(True)
                self._lock_fd = None  # the helper closes it once its turn comes

    def release(self) -> None:
        """Let the next writer in."""
        if self._holding and self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self._holding = False

    def commit(self) -> None:
        """Commit, then let the next writer in."""
        try:
            super().commit()
        finally:
            self.release()

    def rollback(self) -> None:
        """Roll back, then let the next writer in."""
        try:
            super().rollback()
        finally:
            self.release()

    def close(self) -> None:
        """Close the connection and its lock file."""
        self.release()
        if self._lock_fd is not None and self._lock_pid == os.getpid():
            os.close(self._lock_fd)
        self._lock_fd = None
        super().close()


def connect_args(url: str, busy_timeout_ms: float) -> dict[str, Any]:
    """Return the driver's arguments for SQLite ``url``: the busy timeout, and the write queue for a database file."""
    args: dict[str, Any] = {"timeout": busy_timeout_ms / 1000}
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    if path and path != ":memory:" and not path.startswith("file:"):
        args["factory"] = type("QueuedConnection", (QueuedConnection,), {"lock_path": f"{path}-writers"})
    return args
