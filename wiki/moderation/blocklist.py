"""The moderators' anti-spam blocklist: domains and phrases refused in what untrusted people add.

Read by :func:`wiki.moderation.spam.blocklist` together with the
``SPAM_BLOCKLIST`` setting. Service layer: no request globals.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.moderation.spam_models import BlockedPattern

MAX_PATTERN = 200


def list_patterns(db: Session) -> list[BlockedPattern]:
    """Return the moderators' patterns, alphabetically."""
    return list(db.scalars(select(BlockedPattern).order_by(BlockedPattern.pattern)))


def clean_pattern(raw: str) -> str:
    """Return a pattern on one line, without case or width differences; a link is reduced to its domain.

    :raises ValidationError: empty, too short or too long.
    """
    text = unicodedata.normalize("NFKC", raw or "").casefold()
    text = re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]", " ", text)).strip()
    link = re.match(r"^(?:https?:)?//(?:www\.)?([^/\s?#:]+)", text)
    if link:
        text = link.group(1)
    if not 3 <= len(text) <= MAX_PATTERN:
        raise ValidationError(
            str(_l("Motif refusé.")),
            {"pattern": str(_l("Un domaine ou une expression de 3 à %(max)d caractères.", max=MAX_PATTERN))},
        )
    return text


def add_pattern(db: Session, raw: str, *, actor: Any) -> BlockedPattern:
    """Add a domain or phrase to the blocklist (an existing one is returned as it is).

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: the pattern is empty, too short or too long.
    """
    if not permissions.can_edit_blocklist(actor):
        raise Forbidden(str(_l("La liste anti-spam est tenue par les modérateurs.")))
    pattern = clean_pattern(raw)
    existing = db.scalar(select(BlockedPattern).where(BlockedPattern.pattern == pattern))
    if existing is not None:
        return existing
    entry = BlockedPattern(pattern=pattern, created_at=utcnow(), created_by_id=actor.id)
    db.add(entry)
    db.flush()
    return entry


def remove_pattern(db: Session, pattern_id: int, *, actor: Any) -> BlockedPattern:
    """Remove a pattern from the blocklist.

    :raises Forbidden: the actor is not a moderator.
    :raises NotFound: no such pattern.
    """
    if not permissions.can_edit_blocklist(actor):
        raise Forbidden(str(_l("La liste anti-spam est tenue par les modérateurs.")))
    entry = db.get(BlockedPattern, pattern_id) if 0 < pattern_id < 2**31 else None
    if entry is None:
        raise NotFound(str(_l("Ce motif n'est pas dans la liste.")))
    db.delete(entry)
    db.flush()
    return entry
