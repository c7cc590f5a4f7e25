"""Full-dataset downloads served from files generated once per dataset version (issue 17, item 8).

Which downloads: a form's ``.csv``, ``.tableur.csv``, ``.json``, ``.geojson``,
``.ics``, ``.xlsx``, ``.ods`` and the pages' ``.zip``, asked **without any
query string** (:func:`cacheable`). A query string (``?since=``, ``?bbox=``,
the map's or the agenda's filters, anything) makes the download particular:
it is streamed live, under the export cap (:mod:`wiki.hostslots`). The
small documents rendered whole (Atom, Data Package, Table Schema) and the
agenda's feeds are not kept either.

Where: ``<instance>/exports/v<epoch>/<dataset>/<extension>/<validator>.<extension>``,
the validator being the download's ETag (:func:`wiki.exports.rows.export_state`:
it changes whenever the bytes may), its ``Last-Modified`` kept as the file's
modification time. A file is written under a hidden temporary name, synced,
then renamed: it is complete or absent, never partial; the older versions of
its folder are deleted once it is in place.

When: after a commit that changes records or forms, a **background thread**
of the committing process :meth:`refreshes <FileCache.refresh>` the downloads
its requests served (their recipes, kept by :meth:`FileCache.remember`): the
new version is usually generated before anyone asks. Otherwise (another
process committed, a command, a zone or a choice list changed) on the first
request that finds no file for the current validator (a commit changes the
validator, nothing else is needed), in a background thread of that process, holding the ``.lock`` of the folder (``flock``, so
one generation per dataset and format on the whole host however many requests
and workers ask) and one export slot (the cap across processes). Requests for
that version wait for it, at most ``EXPORT_WAIT_SECONDS`` (3 s), polling for
the file; beyond, they get None (the view answers 503 with ``Retry-After``)
and the generation goes on for the next ones. A worker is never held longer.

Why no stale-while-revalidate: an older file may hold what its author has
just withdrawn (a consent box unticked, a record unpublished or deleted, an
erasure), and a download must never give it back once the change is
committed, not even for the seconds a generation takes. So a file is only
ever served for the validator it was generated for.

Privacy: a file is the anonymous public projection, as a live download. An
erasure (:mod:`wiki.privacy`) also :meth:`purges <FileCache.purge>` every file
after its commit: the epoch moves on and the older folders are deleted.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from typing import NamedTuple

from sqlalchemy.orm import Session

from wiki import hostslots as slots
from wiki.exports.rows import Prepared

#: The downloads kept as files, by extension (the full dataset only: see :func:`cacheable`).
CACHED_EXTENSIONS = frozenset({"csv", "tableur.csv", "json", "geojson", "ics", "xlsx", "ods", "zip"})
#: Those generated again after a change without waiting for a request: their builders need no request (the JSON
#: and the ZIP read the dataset's catalog entry through the request's addresses).
REFRESHED_EXTENSIONS = frozenset({"csv", "tableur.csv", "geojson", "ics", "xlsx", "ods"})
#: Seconds a generation waits for a free export slot before giving up (a later request starts it again).
SLOT_WAIT_SECONDS = 300.0
#: How often a waiting request looks for the file again, in seconds.
POLL_SECONDS = 0.05
_VALIDATOR = re.compile(r"[A-Za-z0-9_-]{1,128}")
_EPOCH = "EPOCH"
logger = logging.getLogger(__name__)


def cacheable(extension: str, query_string: bytes | str) -> bool:
    """Tell whether a download is served from a generated file: a kept format, asked with no query string."""
    return extension in CACHED_EXTENSIONS and not query_string


class ExportFile(NamedTuple):
    """A generated file, opened for serving, with the validator it was generated for."""

    file: BinaryIO
    size: int
    etag: str
    last_modified: datetime | None


class FileCache:
    """The generated export files of one instance, and their generation."""

    def __init__(
        self,
        root: Path,
        slot_folder: Path,
        limit: int,
        wait_seconds: float,
        open_session: Callable[[], Session],
        app_context: Callable[[], AbstractContextManager[object]],
    ) -> None:
        self.root = root
        self.slot_folder = slot_folder
        self.limit = limit
        self.wait_seconds = wait_seconds
        self._open_session = open_session
        self._app_context = app_context
        self._recipes: dict[tuple[str, str], Callable[[Session], Prepared]] = {}
        #: Files this process wrote completely (read by tests and the bench).
        self.generations = 0
        self._threads: list[threading.Thread] = []
        self._mutex = threading.Lock()

    # --- serving ---------------------------------------------------------------------

    def obtain(self, key: str, extension: str, download: Prepared) -> ExportFile | None:
        """Return the file of ``download``'s version, opened.

        When it is missing, start its generation (unless one runs) and wait for
        it at most :attr:`wait_seconds`; None when it is still missing then.
        """
        etag = download.state.etag
        if not _VALIDATOR.fullmatch(etag):
            raise ValueError(f"a validator unfit for a file name: {etag!r}")
        folder = self.root / f"v{self._epoch()}" / key / extension
        target = folder / f"{etag}.{extension}"
        deadline = time.monotonic() + self.wait_seconds
        started = False
        while True:
            found = _open(target, etag)
            if found is not None:
                return found
            # Once per request: a generation that fails is tried again by the next request, not in a loop.
            started = started or self._start(folder, target, download)
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)

    # --- generating ------------------------------------------------------------------

    def _start(self, folder: Path, target: Path, download: Prepared) -> bool:
        """Start generating ``target`` in a background thread unless a generation of its folder runs;
        tell whether this call started it."""
        folder.mkdir(parents=True, exist_ok=True)
        fd = slots.lock_file(folder / ".lock")
        if fd is None:
            return False  # another thread or process generates it
        if target.exists():  # finished between our look and our lock
            os.close(fd)
            return False
        self._spawn(self._generate, fd, target, download, name=f"export {target.name}")
        return True

    def _generate(self, lock: int, target: Path, download: Prepared) -> None:
        """Write ``target`` (holding ``lock`` and an export slot), then delete the older versions."""
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        slot = None
        try:
            slot = slots.wait(self.slot_folder, self.limit, SLOT_WAIT_SECONDS)
            if slot is None:
                logger.warning("no export slot freed for %s: not generated", target)
                return
            for stray in target.parent.glob(".*.tmp"):  # left by a killed process (we hold the lock)
                stray.unlink(missing_ok=True)
            self._write(tmp, download)
            stamp = download.state.last_modified.timestamp() if download.state.last_modified else 0
            os.utime(tmp, (stamp, stamp))
            with self._mutex:  # counted before it shows: whoever sees the file sees the count
                self.generations += 1
            os.replace(tmp, target)
            logger.info("export generated: %s", target)
            for old in target.parent.iterdir():
                if old != target and not old.name.startswith("."):
                    old.unlink(missing_ok=True)
        except Exception:
            logger.exception("export generation failed: %s", target)
            tmp.unlink(missing_ok=True)
        finally:
            if slot is not None:
                slot.release()
            os.close(lock)

    def _write(self, tmp: Path, download: Prepared) -> None:
        """Write the body of ``download`` into ``tmp``, read through a read-only session of its own."""
        session = self._open_session()
        try:
            chunks = download.body(session)
            try:
                with tmp.open("wb") as out:
                    for chunk in chunks:
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
            finally:
                getattr(chunks, "close", lambda: None)()
        finally:
            session.close()

    # --- refreshing after a change ----------------------------------------------------

    def remember(self, key: str, extension: str, rebuild: Callable[[Session], Prepared]) -> None:
        """Keep how to build a download again (its builder and what it was asked), for :meth:`refresh`."""
        with self._mutex:
            self._recipes[(key, extension)] = rebuild

    def refresh(self) -> None:
        """Off the caller's thread, start generating the current version of every remembered download."""
        with self._mutex:
            recipes = list(self._recipes.items())
        if recipes:
            self._spawn(self._refresh, recipes, name="export refresh")

    def _refresh(self, recipes: list[tuple[tuple[str, str], Callable[[Session], Prepared]]]) -> None:
        """Compute each remembered download's validator now; start the generation of those without a file."""
        for (key, extension), rebuild in recipes:
            try:
                with self._app_context():
                    session = self._open_session()
                    try:
                        download = rebuild(session)
                    finally:
                        session.close()
            except Exception:  # a dataset gone or hidden since: its next request says so
                logger.info("export %s.%s not refreshed", key, extension, exc_info=True)
                continue
            folder = self.root / f"v{self._epoch()}" / key / extension
            target = folder / f"{download.state.etag}.{extension}"
            if _VALIDATOR.fullmatch(download.state.etag) and not target.exists():
                self._start(folder, target, download)

    def _spawn(self, work: Callable[..., None], *args: object, name: str) -> None:
        thread = threading.Thread(target=work, args=args, name=name, daemon=True)
        thread.start()
        with self._mutex:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def idle(self, timeout: float = 60.0) -> bool:
        """Wait for this process's generations to end; tell whether they all did within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:  # a refresh starts generations: wait for those too
            with self._mutex:
                threads = [t for t in self._threads if t.is_alive()]
            if not threads or time.monotonic() >= deadline:
                return not threads
            threads[0].join(max(0.0, deadline - time.monotonic()))

    # --- forgetting ------------------------------------------------------------------

    def _epoch(self) -> int:
        try:
            return int((self.root / _EPOCH).read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def purge(self) -> None:
        """Forget every generated file: move the epoch on (new requests look in a new folder), delete the others.

        A generation running meanwhile finishes in a folder no request reads any more.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        epoch = self._epoch() + 1
        tmp = self.root / f".{_EPOCH}.{os.getpid()}.{threading.get_ident()}.tmp"
        tmp.write_text(str(epoch))
        os.replace(tmp, self.root / _EPOCH)
        for child in self.root.iterdir():
            if child.is_dir() and child.name != f"v{epoch}":
                shutil.rmtree(child, ignore_errors=True)
        logger.info("export files purged (epoch %d)", epoch)


def _open(path: Path, etag: str) -> ExportFile | None:
    """Open a generated file with what its name and times say, or None when it is not (any more) there."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return None
    info = os.fstat(file.fileno())
    modified = datetime.fromtimestamp(info.st_mtime, UTC) if info.st_mtime > 0 else None
    return ExportFile(file, info.st_size, etag, modified)
