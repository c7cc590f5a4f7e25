"""The public moderation log: write one entry per decision, read them back.

Other moderation modules (queue, rollback, RGPD erasure) call :func:`log` in
the transaction of their decision; the caller commits. Service layer: no
request globals.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.moderation.models import JournalEntry

#: Longest reason and title kept (the columns' sizes).
MAX_REASON = 500
MAX_TITLE = 200


def _one_line(text: str, limit: int) -> str:
    """Collapse control characters and cut to ``limit`` characters."""
    return " ".join((text or "").replace("\x00", "").split())[:limit]


def log(
    db: Session,
    *,
    action: str,
    actor: Any,
    kind: str,
    object_id: int | None,
    title: str,
    key: str,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> JournalEntry:
    """Append one entry to the moderation log (flushed, not committed) and return it.

    :param actor: the account that decided (a ``User``), or an anonymous/system actor (stored as None).
    :param details: structured data kept with the entry, never published, except ``details["summary"]``
        (a short public sentence such as « 12 pages, 3 fiches »).
    """
    entry = JournalEntry(
        action=action[:32],
        actor_id=actor.id if getattr(actor, "is_authenticated", False) else None,
        kind=kind[:16],
        object_id=object_id,
        title=_one_line(title, MAX_TITLE),
        key=(key or "")[:200],
        reason=_one_line(reason, MAX_REASON),
        details=dict(details or {}),
    )
    db.add(entry)
    db.flush()
    return entry


def list_entries(db: Session, *, action: str | None = None, offset: int = 0, limit: int = 50) -> list[JournalEntry]:
    """Return log entries, newest first, optionally of one action."""
    query = select(JournalEntry)
    if action:
        query = query.where(JournalEntry.action == action)
    query = query.order_by(JournalEntry.id.desc()).offset(max(0, offset)).limit(max(1, min(limit, 500)))
    return list(db.scalars(query))


def list_actions(db: Session) -> list[str]:
    """Return the actions present in the log, for the filter."""
    return sorted(db.scalars(select(JournalEntry.action).distinct()))


def get_entry(db: Session, entry_id: int) -> JournalEntry | None:
    """Return one entry, or None."""
    return db.get(JournalEntry, entry_id)
