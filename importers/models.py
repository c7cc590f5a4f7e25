"""The importers' own tables: what each remote id became (re-imports update, never duplicate), and the job log.

Imports only the kernel (``wiki.db``); the records and pages it points to are
named by their table, never imported. A link dies with its record or page
(``ON DELETE CASCADE``), so an id reused after a deletion is never mistaken
for the imported one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow


class ImportItem(Base):
    """One imported item: (importer, source, remote id) -> the record (or page) it became.

    ``source`` is chosen by the importer: where the data came from (a feed's
    address), or, for map layers, whose uploaded files have no lasting
    identity, the destination form (``form:lieu``).
    """

    __tablename__ = "import_items"

    importer: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(300), primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    #: When the link was made (or pointed at a new record, the previous one having been deleted).
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportJob(Base):
    """One run of an importer, as moderators read it in the import log: who, when, what, and the report.

    ``origin`` is ``cli`` or ``web``; ``status`` is ``ok`` (rows may still be
    refused), ``refused`` (the source was refused whole) or ``dry-run``.
    ``report`` keeps the refused items and the warnings (capped, see
    :mod:`importers.jobs`); counts are in their own columns.
    """

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    importer: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(300))
    #: The destination form's key, or "" when the importer chooses (wikis, zones).
    target: Mapped[str] = mapped_column(String(100), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(16), default="cli")
    dry_run: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="ok")
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(String(500), default="")
    report: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime] = mapped_column(default=utcnow)
