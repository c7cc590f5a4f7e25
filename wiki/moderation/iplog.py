"""The restricted IP log: the only place an IP address is kept, for a short time.

One row per contribution (page or record saved or queued) and per new
anonymous session: when, which account or anonymous session key, which
address, what. The address is the one the web layer read through
``TRUSTED_PROXIES`` (:mod:`wiki.moderation.guard_views`); no other table,
page, feed, export or dump holds one. Rows older than ``IP_RETENTION_DAYS``
are deleted by :func:`purge`, run at most once an hour on a write and by
``lieudit privacy purge`` (:mod:`wiki.privacy.cli`). Moderators read the log for abuse handling only
(``/-/moderation/antispam``).

The only per-address rule reads this log: how many *new anonymous sessions*
one address opened lately (:func:`new_sessions`), so a client that drops its
cookie to get a fresh budget is slowed, while a group behind one address,
each with their own session, is not (see README, « Anti-spam »).
Service layer: no request globals.
"""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.db import BY_KEY
from wiki.db import utcnow
from wiki.moderation.spam_models import IpLogEntry

#: The action of a row that records a new anonymous session.
NEW_SESSION = "session"


def record(
    db: Session,
    *,
    ip: str,
    action: str,
    user_id: int | None = None,
    session_key: str | None = None,
    now: datetime | None = None,
) -> IpLogEntry:
    """Add one row to the log (in the caller's transaction: it is kept only if the contribution is)."""
    entry = IpLogEntry(
        created_at=now or utcnow(),
        user_id=user_id,
        session_key=session_key,
        ip=(ip or "?")[:45],
        action=action[:32],
    )
    db.add(entry)
    return entry


def new_sessions(db: Session, ip: str, *, seconds: int, now: datetime | None = None) -> int:
    """Count the anonymous sessions ``ip`` opened in the last ``seconds``."""
    since = (now or utcnow()) - timedelta(seconds=seconds)
    return int(
        db.scalar(
            select(func.count())
            .select_from(IpLogEntry)
            .where(IpLogEntry.ip == ip, IpLogEntry.action == NEW_SESSION, IpLogEntry.created_at > since)
        )
        or 0
    )


def knows_session(db: Session, session_key: str) -> bool:
    """Tell whether the log already counted the anonymous session ``session_key``."""
    found = db.scalar(
        select(IpLogEntry.id).where(IpLogEntry.session_key == session_key, IpLogEntry.action == NEW_SESSION).limit(1)
    )
    return found is not None


def purge(db: Session, *, days: int, now: datetime | None = None) -> int:
    """Delete the rows older than ``days`` days; return how many."""
    cutoff = (now or utcnow()) - timedelta(days=max(0, days))
    result = db.execute(delete(IpLogEntry).where(IpLogEntry.created_at < cutoff).execution_options(**BY_KEY))
    return int(getattr(result, "rowcount", 0) or 0)


def recent(
    db: Session,
    *,
    ip: str = "",
    session_key: str = "",
    user_id: int | None = None,
    limit: int = 200,
) -> list[IpLogEntry]:
    """Return the newest rows, optionally those of one address, session or account (moderators only)."""
    query = select(IpLogEntry)
    if ip:
        query = query.where(IpLogEntry.ip == ip)
    if session_key:
        query = query.where(IpLogEntry.session_key == session_key)
    if user_id:
        query = query.where(IpLogEntry.user_id == user_id)
    return list(db.scalars(query.order_by(IpLogEntry.created_at.desc(), IpLogEntry.id.desc()).limit(limit)))
