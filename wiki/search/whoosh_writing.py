"""Writes to the live Whoosh index that land whole or fail visibly (HOSTILE_INPUTS G6).

The search outbox (:mod:`wiki.search.outbox`) deletes its rows once their
write to the index returned: so a write waits a few seconds for the index
lock, then commits or raises, and is never handed to a background thread
whose failure nobody would see (Whoosh's ``AsyncWriter``, used before, did
that when the lock was taken). A write whose body or commit fails (a full
disk, an I/O error) cancels its writer and releases the index lock, which
Whoosh itself keeps when its writer's creation or ``commit`` raises: every
later write of the process was refused. The index keeps its previous state: the new table of contents is
written aside and renamed last, so searches read the last complete one.

The writer settings live here too: those of every write, and those of a
full rebuild (:func:`rebuild_options`: one process per core up to two).
A rebuild from the database (:mod:`wiki.search.whoosh_rebuild`) writes with
``WRITER_OPTIONS`` in that many processes; a rebuild from a list of
documents (tests, ``clear``) goes through Whoosh's own parallel writer, with
a buffer sized on the memory available, so that it sorts its postings in
memory instead of spilling them to disk and merging them back.
"""

from __future__ import annotations

import gc
import io
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextlib import suppress
from typing import Any

from whoosh.codec.whoosh3 import W3Codec
from whoosh.index import LockError
from whoosh.util.filelock import try_for

from wiki.storage_faults import classify

#: Segments as plain files, not one compound file: Whoosh copies a compound
#: segment's parts into memory each time a searcher opens it (50 ms for
#: 20,000 documents, after every commit); plain files are opened in 1 ms.
#: Posting blocks of 512 instead of 128: searches read whole posting lists
#: (wiki.search.postings), a block costs one decompression and one unpickling.
WRITER_OPTIONS: dict[str, Any] = {"compound": False, "codec": W3Codec(blocklimit=512, compression=3)}
#: Settings of the site's own writes (saves, drains, optimize): a posting buffer
#: of 32 MB (Whoosh's estimate; 128 by default). A save holds few postings, but
#: merging large segments (after an import) fills the buffer before it spills:
#: a 50,000-row import peaked at 294 MB with the default, 181 MB with this.
INCREMENTAL_OPTIONS: dict[str, Any] = WRITER_OPTIONS | {"limitmb": 32}
#: Settings of a full rebuild: two writer processes (one without a second
#: core), one segment per process (no final merge: the next small commit
#: merges small segments anyway, and ``optimize`` merges everything). The
#: buffer of Whoosh's writers (a rebuild from a list) is set by :func:`rebuild_options`.
REBUILD_OPTIONS: dict[str, Any] = {"procs": 2, "multisegment": True, **WRITER_OPTIONS}
#: Bounds of a rebuild writer's posting buffer, in (Whoosh-estimated) MB. A
#: writer whose buffer fills spills it to disk (pickled) and merges the runs
#: back at commit: a third of a 20,000-document rebuild's CPU at 256 MB.
REBUILD_LIMIT_MB = (64, 1024)


def rebuild_options(**options: Any) -> dict[str, Any]:
    """The writer settings of a rebuild on this machine (``options`` override them).

    Each writer's buffer takes up to a quarter of the memory available now,
    over the processes: its real size is about twice Whoosh's estimate, and
    the rest of the machine (the site itself) keeps half.
    """
    chosen = REBUILD_OPTIONS | {"procs": min(REBUILD_OPTIONS["procs"], os.cpu_count() or 1)} | options
    low, high = REBUILD_LIMIT_MB
    chosen.setdefault("limitmb", max(low, min(high, _available_mb() // (4 * max(1, chosen["procs"])))))
    return chosen


#: Bounds of the documents of one part of a rebuild from the database (one
#: segment, written by one process that keeps its postings in memory).
REBUILD_PART_DOCS = (5_000, 50_000)
#: What a rebuild writer holds per document of ~3 KB of text, in KB (measured:
#: 320 MB of peak RSS for 10,000 documents, the forked site included).
REBUILD_KB_PER_DOC = 20


def rebuild_part_docs(procs: int) -> int:
    """Documents per part of a rebuild at most: its ``procs`` writers take up to a quarter of the memory available."""
    low, high = REBUILD_PART_DOCS
    available = _available_mb()
    if not available:
        return high
    return max(low, min(high, available * 1024 // (4 * max(1, procs) * REBUILD_KB_PER_DOC)))


def _available_mb() -> int:
    """Memory available to new processes, page cache included (Linux ``MemAvailable``); 0 if unknown."""
    try:
        with open("/proc/meminfo") as meminfo:
            return next(int(line.split()[1]) // 1024 for line in meminfo if line.startswith("MemAvailable:"))
    except (OSError, StopIteration, ValueError, IndexError):
        return 0


#: How deep the objects of a failed writer are searched for open files.
_DEPTH = 12
#: Seconds a write waits for the index lock (held by another process's write or ``optimize``).
WRITE_LOCK_SECONDS = 10.0


def _close_files(writer: Any) -> None:
    """Close the files a cancelled writer still holds (Whoosh leaves them to the garbage collector).

    They hang a few objects deep (the writer's term index, its column writer's
    temporary file): Whoosh's objects are walked from the writer, files closed.
    """
    seen: set[int] = set()
    todo: list[tuple[Any, int]] = [(writer, 0)]
    while todo:
        obj, depth = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, io.IOBase):
            with suppress(Exception):
                obj.close()
            continue
        if depth < _DEPTH and type(obj).__module__.startswith("whoosh") and hasattr(obj, "__dict__"):
            todo.extend((value, depth + 1) for value in vars(obj).values())
        elif depth < _DEPTH and isinstance(obj, (list, tuple, dict)):
            todo.extend((value, depth + 1) for value in (obj.values() if isinstance(obj, dict) else obj))
    with suppress(Exception):
        writer._tempstorage.destroy()


def cancel(writer: Any) -> None:
    """Give up a writer whose work or commit failed: drop what it wrote, and release the lock it holds."""
    if getattr(writer, "is_closed", True):
        return
    try:
        writer.cancel()
    except Exception:  # closing its files failed too (the disk is still full): free the lock
        writer.is_closed = True
        if writer.writelock is not None:
            writer.writelock.release()
    finally:
        _close_files(writer)  # what cancel left open (its searcher, when cancel itself failed; a column's temp file)


@contextmanager
def writing(ix: Any, options: dict[str, Any]) -> Iterator[Any]:
    """A writer of ``ix``, committed after the block, cancelled if the block or the commit fails.

    The index lock is taken here, not by the writer: Whoosh's writer takes
    it before creating its first files and keeps it when that fails, so a
    full disk at that point would refuse every later write of the process.

    :raises whoosh.index.LockError: another writer kept the lock ``WRITE_LOCK_SECONDS``.
    """
    lock = ix.lock("WRITELOCK")
    if not try_for(lock.acquire, timeout=WRITE_LOCK_SECONDS, delay=0.1):
        raise LockError("the search index is locked by another writer")
    writer = None
    try:
        writer = ix.writer(_lk=False, **options)
        yield writer
        writer.commit()
    except BaseException as err:
        if writer is not None:
            cancel(writer)
        if classify(err) is not None:
            writer = None
            _close_abandoned(err)
        raise
    finally:
        lock.release()


def _close_abandoned(err: BaseException) -> None:
    """Close now the files a write failed on a full disk left open, rather than at some later collection.

    Whoosh's failed writer, its half-built segment and the readers of a merge
    hold them, reachable only from the frames of ``err``'s traceback: those
    frames are dropped (the log keeps one line per fault, not a traceback)
    and the objects collected, each file closed without a warning. A write
    retried every few seconds on a full disk would otherwise pile up open files.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        linked: BaseException | None = err
        while linked is not None:
            linked.__traceback__ = None
            linked = linked.__cause__ or linked.__context__
        gc.collect()
