"""E-mail digests of watches: what changed in each person's watches since their last digest.

``send_digests`` is run by cron (``lieudit digests send``): for each account
whose digest is due (daily or weekly) it lists the public changes its watches
cover since the last one and queues one plain-text French e-mail
(:func:`wiki.mail.services.enqueue`), committed per account; the message
leaves after the commit. Each e-mail carries a signed unsubscribe link
(itsdangerous, no login needed) and the RFC 8058 ``List-Unsubscribe`` header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature
from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.activity import watches
from wiki.activity.models import Activity
from wiki.activity.watch_models import DigestState
from wiki.auth.models import User
from wiki.db import utcnow
from wiki.mail import services as mail

#: How long after the last digest the next one is due (an hour's slack for cron's drift).
PERIODS = {"daily": timedelta(days=1) - timedelta(hours=1), "weekly": timedelta(days=7) - timedelta(hours=1)}
#: Changes listed in one digest at most.
MAX_ITEMS = 100
_SALT = "lieudit.digest.unsubscribe"


@dataclass
class Report:
    """What one run did."""

    sent: int = 0
    empty: int = 0
    errors: list[str] = field(default_factory=list)


def unsubscribe_token(secret: Any, user_id: int) -> str:
    """A signed token that stops a user's digests (no expiry: old e-mails keep working)."""
    return str(URLSafeSerializer(secret, salt=_SALT).dumps(user_id))


def read_unsubscribe_token(secret: Any, token: str) -> int | None:
    """The user id a token names, or None when it is forged or damaged."""
    try:
        value = URLSafeSerializer(secret, salt=_SALT).loads(token[:200])
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe(db: Session, user_id: int) -> None:
    """Stop a user's digests (the watches stay, for their feeds and « Mes suivis »); the caller commits."""
    if db.get(User, user_id) is not None:
        watches.set_frequency(db, user_id, "none")


def due(db: Session, now: datetime) -> list[DigestState]:
    """Digest states whose next digest is due at ``now``."""
    states = db.scalars(select(DigestState).where(DigestState.frequency.in_(tuple(PERIODS))))
    return [s for s in states if s.last_sent_at is None or s.last_sent_at <= now - PERIODS[s.frequency]]


def compose(items: list[Activity], *, link: Callable[[Activity], str], unsubscribe_url: str, frequency: str) -> str:
    """The plain-text French body of a digest."""
    period = "de la journée" if frequency == "daily" else "de la semaine"
    lines = [f"Bonjour,\n\nVoici les nouveautés {period} dans ce que vous suivez :\n"]
    for item in items:
        comment = f" — {item.comment}" if item.comment else ""
        lines.append(f"* {item.title}{comment}\n  {link(item)}")
    lines.append(f"\nPour ne plus recevoir ce résumé, en un clic : {unsubscribe_url}")
    return "\n".join(lines)


def send_digests(
    db: Session,
    *,
    secret: Any,
    link: Callable[[Activity], str],
    unsubscribe_url: Callable[[str], str],
    now: datetime | None = None,
) -> Report:
    """Queue the due digests, one commit per account; accounts without news get nothing.

    :param link: where a change is best seen (an absolute URL).
    :param unsubscribe_url: the absolute one-click link for a token.
    """
    now = now or utcnow()
    report = Report()
    for state in due(db, now):
        user = db.get(User, state.user_id)
        targets = [watches.Target.of(w) for w in watches.watches_of(db, state.user_id)]
        if user is None or not user.is_active or not user.email or not targets:
            db.rollback()
            continue
        items = watches.changes(db, targets, after=state.last_activity_id, limit=MAX_ITEMS)
        if not items:
            state.last_sent_at = now
            db.commit()
            report.empty += 1
            continue
        url = unsubscribe_url(unsubscribe_token(secret, user.id))
        body = compose(items, link=link, unsubscribe_url=url, frequency=state.frequency)
        subject = (
            "Vos suivis : les nouveautés de la journée"
            if state.frequency == "daily"
            else "Vos suivis : les nouveautés de la semaine"
        )
        try:
            mail.enqueue(db, to=user.email, subject=subject, body=body, unsubscribe=url)
        except ValueError as err:
            db.rollback()
            report.errors.append(f"{user.name}: {err}")
            continue
        state.last_sent_at = now
        state.last_activity_id = max(item.id for item in items)
        db.commit()
        report.sent += 1
    return report
