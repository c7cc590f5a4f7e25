"""Append-only revisions of structured objects: forms, choice lists, records.

One generic table, as Wagtail does (STYLE R11): each revision stores a full
JSON snapshot of the object, never changed once written. ``save_revision``
appends the next number; ``diff_snapshots`` compares two snapshots key by
key for the history views.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow


class Revision(Base):
    """One immutable snapshot of a form, a choice list or a record."""

    __tablename__ = "record_revisions"
    __table_args__ = (UniqueConstraint("kind", "object_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: form, list or record.
    kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int]
    number: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    comment: Mapped[str] = mapped_column(String(500), default="")
    #: create, edit, revert, status, verify, delete, restore.
    action: Mapped[str] = mapped_column(String(16), default="edit")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who wrote an imported revision on the source (no account here); None otherwise.
    imported_author: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


@dataclass(frozen=True)
class Provenance:
    """Where an imported object comes from: its author's name and date on the source (a wiki, a directory)."""

    author_name: str = ""
    created_at: datetime | None = None

    def when(self) -> datetime | None:
        """The source's date as aware UTC (a naive date is taken as UTC), or None."""
        if self.created_at is None or self.created_at.tzinfo is not None:
            return self.created_at
        return self.created_at.replace(tzinfo=UTC)


def save_revision(
    db: Session,
    kind: str,
    object_id: int,
    snapshot: dict[str, Any],
    *,
    actor: Any,
    comment: str = "",
    action: str = "edit",
    provenance: Provenance | None = None,
) -> Revision:
    """Append the next revision of an object and return it (dated and signed as on the source if imported)."""
    last: int | None = 0  # a creation is an object's first revision: nothing to ask (imports make thousands)
    if action != "create":
        last = db.scalar(
            select(func.max(Revision.number)).where(Revision.kind == kind, Revision.object_id == object_id)
        )
    revision = Revision(
        kind=kind,
        object_id=object_id,
        number=(last or 0) + 1,
        snapshot=snapshot,
        comment=comment[:500],
        action=action,
        author_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        imported_author=(provenance.author_name[:100] or None) if provenance else None,
        created_at=(provenance.when() if provenance else None) or utcnow(),
    )
    db.add(revision)
    db.flush()
    return revision


def list_revisions(db: Session, kind: str, object_id: int, *, offset: int = 0, limit: int = 50) -> list[Revision]:
    """Return the revisions of an object, newest first."""
    query = (
        select(Revision)
        .where(Revision.kind == kind, Revision.object_id == object_id)
        .order_by(Revision.number.desc())
        .offset(max(0, offset))
        .limit(max(1, min(limit, 500)))
    )
    return list(db.scalars(query))


def get_revision(db: Session, kind: str, object_id: int, number: int) -> Revision | None:
    """Return revision ``number`` of an object, or None."""
    return db.scalar(
        select(Revision).where(Revision.kind == kind, Revision.object_id == object_id, Revision.number == number)
    )


@dataclass(frozen=True)
class Change:
    """One key that differs between two snapshots."""

    key: str
    old: Any
    new: Any


def diff_snapshots(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Return the keys whose values differ, in a stable order."""
    keys = list(old) + [k for k in new if k not in old]
    return [Change(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]
