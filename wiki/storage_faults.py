"""Storage faults told apart from other errors, in one place (HOSTILE_INPUTS G6, issue 17).

A full disk and an I/O error reach the code in many shapes: ``OSError`` with
``ENOSPC``, ``EDQUOT`` or ``EIO`` from a file write or an ``fsync``; SQLite's
``SQLITE_FULL`` ("database or disk is full") and ``SQLITE_IOERR`` ("disk I/O
error"); PostgreSQL's ``disk_full`` (53100) and ``io_error`` (58030); any of
them wrapped by SQLAlchemy (``.orig``) or raised while handling another
(``__cause__``, ``__context__``: a savepoint's rollback failing after SQLite
ended the transaction itself). :func:`classify` names the fault, or None;
the web answer (507 or 503, the typed text given back) is ``wiki.errors``'s,
the commands' is theirs. :func:`log_fault` writes the one line a fault leaves
in the log, never any content. :func:`write_atomically` writes a file under a
temporary name, synced, then renamed: a failure leaves neither half a file
nor the temporary one.

Standard library only.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from pathlib import Path

#: The disk (or the quota, or the database's size limit) is full.
FULL = "full"
#: The disk answered with an input/output error.
IO = "io"

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_IO_ERRNOS = frozenset({errno.EIO})
#: SQLite primary result codes (the low byte of an extended code).
_SQLITE_FULL, _SQLITE_IOERR = 13, 10
#: PostgreSQL SQLSTATEs: disk_full, io_error.
_PG_STATES = {"53100": FULL, "58030": IO}
#: How many linked exceptions (cause, context) are looked through.
_DEPTH = 8

log = logging.getLogger("lieudit.storage")


def _kind(err: BaseException | None) -> str | None:
    """The fault ``err`` itself reports, without looking at what it wraps."""
    if err is None:
        return None
    if isinstance(err, OSError):
        return FULL if err.errno in _FULL_ERRNOS else IO if err.errno in _IO_ERRNOS else None
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", None)
        if isinstance(code, int):
            primary = code & 0xFF
            return FULL if primary == _SQLITE_FULL else IO if primary == _SQLITE_IOERR else None
        text = str(err).lower()
        return FULL if "database or disk is full" in text else IO if "disk i/o error" in text else None
    state = getattr(err, "sqlstate", None) or getattr(err, "pgcode", None)
    return _PG_STATES.get(state) if isinstance(state, str) else None


def classify(err: BaseException | None) -> str | None:
    """Return :data:`FULL` or :data:`IO` when ``err`` (or what it wraps or interrupted) is a storage fault, else None."""
    for _depth in range(_DEPTH):
        if err is None:
            return None
        kind = _kind(err) or _kind(getattr(err, "orig", None))
        if kind is not None:
            return kind
        err = err.__cause__ or err.__context__
    return None


def describe(err: BaseException | None) -> str:
    """A short, content-free name of the fault for the log: an errno name, a SQLite code or a SQLSTATE."""
    for _depth in range(_DEPTH):
        if err is None:
            break
        for candidate in (err, getattr(err, "orig", None)):
            if _kind(candidate) is None:
                continue
            if isinstance(candidate, OSError) and candidate.errno is not None:
                return errno.errorcode.get(candidate.errno, str(candidate.errno))
            name = getattr(candidate, "sqlite_errorname", None) or getattr(candidate, "sqlstate", None)
            return str(name or type(candidate).__name__)
        err = err.__cause__ or err.__context__
    return "unknown"


def log_fault(err: BaseException, where: str) -> str | None:
    """Log one line for a storage fault met by ``where`` (an operation, a route's pattern); return its kind.

    Returns None, logging nothing, when ``err`` is not a storage fault.
    """
    kind = classify(err)
    if kind is not None:
        log.error("storage fault (%s, %s) during %s: nothing was written", kind, describe(err), where)
    return kind


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary name, ``fsync``, then a rename.

    On any failure (a full disk at the write, the flush or the ``fsync``) the
    temporary file is removed and ``path`` keeps what it held before.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
