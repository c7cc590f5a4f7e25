"""The import log: every import run from the command line or a moderator's screen, with its report.

:meth:`importers.base.Importer.run` writes one :class:`~importers.models.ImportJob`
when asked to (``log="cli"`` or ``log="web"``), in the caller's transaction
and after the import's own savepoint was committed or rolled back: a refused
source or a dry run is logged too, and the caller commits the log either way.
Moderators read the log at ``/-/imports`` (:mod:`importers.job_views`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.models import ImportJob
from importers.report import ImportResult
from wiki.db import utcnow
from wiki.errors import NotFound

#: The most refused items and warnings a job keeps in its report (counts are always exact).
REPORT_CAP = 5_000


def status_of(result: ImportResult) -> str:
    """``refused`` (the source was refused whole), ``dry-run`` or ``ok``."""
    if result.error is not None:
        return "refused"
    return "dry-run" if result.dry_run else "ok"


def record_job(
    db: Session,
    importer: str,
    result: ImportResult,
    *,
    source: str,
    target: str | None,
    author: Any,
    origin: str,
    started_at: datetime,
) -> ImportJob:
    """Add the log entry of one import to the session (the caller commits it)."""
    job = ImportJob(
        importer=importer[:40],
        source=source[:300],
        target=(target or "")[:100],
        author_id=author.id if getattr(author, "is_authenticated", False) else None,
        origin=origin[:16],
        dry_run=result.dry_run,
        status=status_of(result),
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        refused=len(result.errors),
        summary=result.summary()[:500],
        report={
            "error": result.error,
            "refused": [[row.ref, row.message] for row in result.errors[:REPORT_CAP]],
            "warnings": result.warnings[:REPORT_CAP],
        },
        started_at=started_at,
        finished_at=utcnow(),
    )
    db.add(job)
    db.flush()
    return job


def recent_jobs(db: Session, *, offset: int = 0, limit: int = 50) -> tuple[list[ImportJob], int]:
    """The log, newest first, one page of it, and how many entries there are in all."""
    query = select(ImportJob).order_by(ImportJob.started_at.desc(), ImportJob.id.desc())
    total = db.scalar(select(func.count()).select_from(ImportJob)) or 0
    return list(db.scalars(query.offset(max(0, offset)).limit(max(1, min(limit, 200))))), total


def get_job(db: Session, job_id: int) -> ImportJob:
    """One entry of the log.

    :raises NotFound: no such entry.
    """
    job = db.get(ImportJob, job_id)
    if job is None:
        raise NotFound(str(_l("Cet import n'existe pas.")))
    return job


def report_csv(rows: Iterable[Iterable[Any]], header: Iterable[str]) -> str:
    """A report as CSV for spreadsheets (UTF-8 with BOM, ``;``-separated as French Excel expects)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return out.getvalue()


def job_report_csv(job: ImportJob) -> str:
    """The refused items and warnings of a logged import, one per line."""
    refused = [(ref, "refusé", message) for ref, message in job.report.get("refused", [])]
    warnings = [("", "attention", text) for text in job.report.get("warnings", [])]
    error = [("", "import refusé", job.report["error"])] if job.report.get("error") else []
    return report_csv(error + refused + warnings, ("élément", "statut", "message"))
