"""The import log for moderators: ``/-/imports`` (every import, newest first) and one import's report.

Read-only screens over :mod:`importers.jobs`: who imported what, when, from
which file or address, into which form, what became of it, and the refused
items and warnings, downloadable as CSV. Moderators and administrators only.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import render_template
from flask import request

from importers import jobs
from importers.views import require_moderator
from wiki.auth.services import account_names
from wiki.db import get_session
from wiki.errors import NotFound

bp = Blueprint("import_log", __name__)

#: French labels of a job's status.
STATUS_LABELS = {"ok": "importé", "dry-run": "essai à blanc", "refused": "refusé"}


def _page_no() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and raw != "0" else 1


@bp.route("/-/imports")
def index() -> Any:
    """List the imports, newest first."""
    require_moderator()
    db = get_session()
    per_page = current_app.config["PER_PAGE"]
    page_no = _page_no()
    entries, total = jobs.recent_jobs(db, offset=(page_no - 1) * per_page, limit=per_page)
    names = account_names(db, {e.author_id for e in entries if e.author_id})
    return render_template("importers/jobs.html", entries=entries, names=names, labels=STATUS_LABELS,
                           current=page_no, has_more=page_no * per_page < total, total=total)  # fmt: skip


def _job(job_id: int) -> Any:
    try:
        return jobs.get_job(get_session(), job_id)
    except NotFound:
        abort(404)


@bp.route("/-/imports/<int:job_id>")
def show(job_id: int) -> Any:
    """One import: its counts, the refused items and the warnings."""
    require_moderator()
    job = _job(job_id)
    names = account_names(get_session(), {job.author_id} if job.author_id else set())
    return render_template("importers/job.html", job=job, names=names, labels=STATUS_LABELS)


@bp.route("/-/imports/<int:job_id>/rapport.csv")
def report(job_id: int) -> Any:
    """One import's report as CSV, for a spreadsheet."""
    require_moderator()
    job = _job(job_id)
    return Response(
        jobs.job_report_csv(job),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-rapport.csv"'},
    )
