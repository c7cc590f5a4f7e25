"""What the statistics dashboard and its CSV export show, read from the counters and the histories.

Views and downloads come from :data:`wiki.stats.models.stat_counts`; edits
and new contributors per month from the revisions of pages and records (an
edit is a revision; a new contributor is an account whose first revision
falls in the month). Nothing here knows who visited: there is nothing to know.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.pages.models import PageRevision
from wiki.revisions import Revision
from wiki.stats.counter import today
from wiki.stats.models import stat_counts

#: Kinds counted as views (downloads are shown apart).
VIEW_KINDS: tuple[str, ...] = ("page", "record", "agenda", "map")
#: Periods the dashboard offers, in days.
PERIODS: tuple[int, ...] = (7, 30, 90, 365)


@dataclass(frozen=True)
class Overview:
    """Everything the dashboard shows for one period."""

    start: date
    end: date
    daily: list[tuple[date, int]]
    by_kind: dict[str, int]
    top: list[tuple[str, str, int]]
    downloads: list[tuple[str, str, int]]
    months: list[tuple[str, int, int]]  # (YYYY-MM, edits, new contributors)


def _window(days: int, end: date | None = None) -> tuple[date, date]:
    end = end or today()
    return end - timedelta(days=days - 1), end


def daily_views(db: Session, start: date, end: date) -> list[tuple[date, int]]:
    """Return the views of every day from ``start`` to ``end``, days without a view at 0."""
    rows = db.execute(
        select(stat_counts.c.day, func.sum(stat_counts.c.count))
        .where(stat_counts.c.kind.in_(VIEW_KINDS), stat_counts.c.day.between(start, end))
        .group_by(stat_counts.c.day)
    ).all()
    found = {day: int(total) for day, total in rows}
    return [(start + timedelta(days=i), found.get(start + timedelta(days=i), 0)) for i in range((end - start).days + 1)]


def views_by_kind(db: Session, start: date, end: date) -> dict[str, int]:
    """Return the views per kind (page, record, agenda, map) in the period."""
    rows = db.execute(
        select(stat_counts.c.kind, func.sum(stat_counts.c.count))
        .where(stat_counts.c.kind.in_(VIEW_KINDS), stat_counts.c.day.between(start, end))
        .group_by(stat_counts.c.kind)
    ).all()
    found = {kind: int(total) for kind, total in rows}
    return {kind: found.get(kind, 0) for kind in VIEW_KINDS}


def top_viewed(db: Session, start: date, end: date, limit: int = 20) -> list[tuple[str, str, int]]:
    """Return the most viewed addresses of the period, ``(kind, path, views)``, most viewed first."""
    total = func.sum(stat_counts.c.count).label("total")
    rows = db.execute(
        select(stat_counts.c.kind, stat_counts.c.key, total)
        .where(stat_counts.c.kind.in_(VIEW_KINDS), stat_counts.c.day.between(start, end))
        .group_by(stat_counts.c.kind, stat_counts.c.key)
        .order_by(total.desc(), stat_counts.c.key)
        .limit(limit)
    ).all()
    return [(kind, key, int(n)) for kind, key, n in rows]


def split_download(key: str) -> tuple[str, str]:
    """Split a download's key into its dataset and format (``lieu.csv`` -> ``lieu``, ``csv``)."""
    cut = min((i for i in (key.find("."), key.find("/")) if i >= 0), default=len(key))
    return key[:cut], key[cut + 1 :]


def downloads(db: Session, start: date, end: date) -> list[tuple[str, str, int]]:
    """Return the downloads of the period per dataset and format, ``(dataset, format, count)``."""
    rows = db.execute(
        select(stat_counts.c.key, func.sum(stat_counts.c.count))
        .where(stat_counts.c.kind == "download", stat_counts.c.day.between(start, end))
        .group_by(stat_counts.c.key)
    ).all()
    out = [(*split_download(key), int(n)) for key, n in rows]
    return sorted(out, key=lambda row: (-row[2], row[0], row[1]))


def views_of(db: Session, kind: str, path: str, days: int = 30) -> int:
    """Return how many times ``path`` was seen in the last ``days`` days (the batch not yet written aside)."""
    start, end = _window(days)
    total = db.scalar(
        select(func.sum(stat_counts.c.count)).where(
            stat_counts.c.kind == kind, stat_counts.c.key == path, stat_counts.c.day.between(start, end)
        )
    )
    return int(total or 0)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _month(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


def month_labels(count: int, end: date | None = None) -> list[str]:
    """Return the last ``count`` months, oldest first, as ``YYYY-MM``."""
    end = end or today()
    year, month = end.year, end.month
    labels = []
    for _ in range(count):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return labels[::-1]


def edits_and_newcomers(db: Session, months: int = 12) -> list[tuple[str, int, int]]:
    """Return, per month of the last ``months``, the edits (revisions of pages and records) and the
    accounts whose first edit it was: ``(YYYY-MM, edits, new contributors)``."""
    labels = month_labels(months)
    since = datetime.fromisoformat(labels[0] + "-01").replace(tzinfo=UTC)
    edits: Counter[str] = Counter()
    first: dict[int, datetime] = {}
    for model in (PageRevision, Revision):
        query = select(model.created_at)
        if model is Revision:
            query = query.where(Revision.kind == "record")
        for (moment,) in db.execute(query.where(model.created_at >= since)):
            edits[_month(moment)] += 1
        firsts = select(model.author_id, func.min(model.created_at)).where(model.author_id.is_not(None))
        if model is Revision:
            firsts = firsts.where(Revision.kind == "record")
        for author, moment in db.execute(firsts.group_by(model.author_id)):
            if author is not None and (author not in first or moment < first[author]):
                first[author] = moment
    newcomers = Counter(_month(moment) for moment in first.values() if _aware(moment) >= since)
    return [(label, edits[label], newcomers[label]) for label in labels]


def overview(db: Session, days: int = 30, months: int = 12) -> Overview:
    """Gather the dashboard of the last ``days`` days (and ``months`` months of edits)."""
    start, end = _window(days)
    return Overview(
        start=start,
        end=end,
        daily=daily_views(db, start, end),
        by_kind=views_by_kind(db, start, end),
        top=top_viewed(db, start, end),
        downloads=downloads(db, start, end),
        months=edits_and_newcomers(db, months),
    )


def csv_rows(db: Session, days: int = 365, months: int = 12) -> Iterator[list[str]]:
    """Yield the CSV export (header first): one line per day, address, download and month."""
    start, end = _window(days)
    yield ["indicateur", "periode", "type", "cle", "valeur"]
    for day, n in daily_views(db, start, end):
        yield ["vues_par_jour", day.isoformat(), "", "", str(n)]
    for kind, key, n in top_viewed(db, start, end, limit=1000):
        yield ["vues_par_adresse", f"{start.isoformat()}/{end.isoformat()}", kind, key, str(n)]
    for dataset, fmt, n in downloads(db, start, end):
        yield ["telechargements", f"{start.isoformat()}/{end.isoformat()}", fmt, dataset, str(n)]
    for month, edits, newcomers in edits_and_newcomers(db, months):
        yield ["modifications_par_mois", month, "", "", str(edits)]
        yield ["nouveaux_contributeurs_par_mois", month, "", "", str(newcomers)]
