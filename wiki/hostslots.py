"""Slots shared by every process of a host: at most ``limit`` holders of a folder's slots at once.

Pure kernel module (standard library only). A holder takes an advisory lock
(``flock``) on one of ``limit`` slot files of a folder, so a cap holds across
gunicorn's sync workers and every app process sharing the instance folder on
the host (a per-process semaphore never sees two sync workers), and a killed
process gives its slot back with its file descriptors. The caps built on it:
exports (:mod:`wiki.exports.filecache`, ``EXPORT_CONCURRENCY``), long renders
(:mod:`wiki.markup.slots`, ``RENDER_CONCURRENCY``) and each client's costly
requests (:mod:`wiki.site.costly`, ``EXPENSIVE_PER_CLIENT``).
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

#: How often a waiter looks for a free slot again, in seconds.
POLL_SECONDS = 0.05


class Slot:
    """One taken slot: its lock is held until :meth:`release` (idempotent)."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        """Give the slot back (closing the descriptor releases its lock)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        self.release()


def lock_file(path: Path) -> int | None:
    """Lock ``path`` (created if missing) without waiting; return its descriptor, or None when another holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def take(folder: Path, limit: int, name: str = "slot") -> Slot | None:
    """Take a free slot ``name`` of ``folder`` at once, or return None when all ``limit`` are taken."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(max(limit, 1)):
        fd = lock_file(folder / f"{name}.{number}")
        if fd is not None:
            return Slot(fd)
    return None


def wait(folder: Path, limit: int, seconds: float, name: str = "slot") -> Slot | None:
    """Take a slot, waiting at most ``seconds`` for one to be freed; None when none was."""
    deadline = time.monotonic() + seconds
    while True:
        slot = take(folder, limit, name)
        if slot is not None or time.monotonic() >= deadline:
            return slot
        time.sleep(POLL_SECONDS)
