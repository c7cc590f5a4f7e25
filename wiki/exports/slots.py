"""Export slots shared by every process of a host: at most ``EXPORT_CONCURRENCY`` exports run at once.

An export running is a file being generated (:mod:`wiki.exports.filecache`)
or a filtered download being streamed live (:mod:`wiki.exports.views`). Each
holds an advisory lock (``flock``) on one of ``EXPORT_CONCURRENCY`` slot files
in the instance's ``run/exports`` folder, so the cap holds across gunicorn's
sync workers and every app process sharing the instance folder on the host (a
per-process semaphore never saw two sync workers' exports), and a killed
process gives its slot back with its file descriptors. Serving a generated
file takes no slot: ``sendfile`` costs the kernel, not a worker.
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


def take(folder: Path, limit: int) -> Slot | None:
    """Take a free slot of ``folder`` at once, or return None when all ``limit`` are taken."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(max(limit, 1)):
        fd = lock_file(folder / f"slot.{number}")
        if fd is not None:
            return Slot(fd)
    return None


def wait(folder: Path, limit: int, seconds: float) -> Slot | None:
    """Take a slot, waiting at most ``seconds`` for one to be freed; None when none was."""
    deadline = time.monotonic() + seconds
    while True:
        slot = take(folder, limit)
        if slot is not None or time.monotonic() >= deadline:
            return slot
        time.sleep(POLL_SECONDS)
