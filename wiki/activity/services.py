"""Reading the activity log."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.activity.models import Activity

#: Kinds that can be filtered on in recent changes.
KINDS: tuple[str, ...] = ("page", "record", "form")


def recent_changes(db: Session, *, kind: str | None = None, offset: int = 0, limit: int = 50) -> list[Activity]:
    """Return public changes, newest first."""
    query = select(Activity).where(Activity.public.is_(True))
    if kind in KINDS:
        query = query.where(Activity.kind == kind)
    query = query.order_by(Activity.id.desc()).offset(max(0, offset)).limit(max(1, min(limit, 500)))
    return list(db.scalars(query))
