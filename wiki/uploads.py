"""Where attached files are stored, and how a file joins the transaction of its row.

One folder per wiki, shared by its app nodes. A file is written before the
row that names it (the row must never point at a file that failed to write);
:func:`write_for_transaction` writes it whole or not at all
(:func:`wiki.storage_faults.write_atomically`) and ties it to the session's
unit of work: if that ends in a rollback (a refused save, a full database at
the commit), the file is removed; once it commits, the file stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from wiki.storage_faults import write_atomically

#: ``session.info`` key: files written in the session's current unit of work.
_WRITTEN = "lieudit.uploads_written"


def uploads_root(app: Flask | None = None) -> Path:
    """The folder of attached files: ``UPLOADS_DIR``, else ``<instance>/uploads``."""
    app = app or current_app
    configured = app.config.get("UPLOADS_DIR") or ""
    return Path(configured) if configured else Path(app.instance_path) / "uploads"


def write_for_transaction(session: Session, path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, and remove it again if ``session``'s unit of work rolls back.

    :raises OSError: the file could not be written (nothing is left on disk).
    """
    write_atomically(path, data)
    session.info.setdefault(_WRITTEN, []).append(path)


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    if not session.in_nested_transaction():  # a SAVEPOINT released is announced as a commit too
        session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_transaction_end")
def _discard_written(session: Session, transaction: Any) -> None:
    # The unit of work ended without committing (rolled back, or closed): its rows are gone, so are its files.
    if transaction.parent is None:
        for path in session.info.pop(_WRITTEN, ()):
            path.unlink(missing_ok=True)
