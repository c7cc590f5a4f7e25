"""Moderation tables: the public moderation log (``moderation_log``).

Every moderator's decision (accept or refuse a waiting contribution, a mass
rollback and its undo, an RGPD erasure…) is one row, written in the same
transaction as the decision by :func:`wiki.moderation.journal.log`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from wiki.auth.models import User
from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow


class JournalEntry(Base):
    """One moderation decision, shown in the public log ``/-/journal``.

    Holds no IP address nor e-mail: the actor is an account (its public name is
    read through the relationship, so an erased account shows its pseudonym).
    """

    __tablename__ = "moderation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: What was decided: accept, refuse, rollback, rollback-undo, erase, patrol…
    action: Mapped[str] = mapped_column(String(32), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: What the decision is about: page, record, form, user, session, window…
    kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int | None]
    #: Title and URL key of the object at the time of the decision (public text).
    title: Mapped[str] = mapped_column(String(200), default="")
    key: Mapped[str] = mapped_column(String(200), default="")
    #: The moderator's reason, public.
    reason: Mapped[str] = mapped_column(String(500), default="")
    #: Structured data for the action (e.g. what a rollback changed, to undo it); never shown as such.
    #: Only ``details["summary"]``, a short public text, appears in the log.
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    actor: Mapped[User | None] = relationship(lazy="joined")


class WaitingItem(Base):
    """A contribution waiting for review under pre-moderation (the queue ``/-/moderation``).

    A waiting page edit is stored here, not as a page revision: no output that
    reads pages or their history can show it. A new page waits as a whole
    (no ``pages`` row until accepted). A new record waits as a ``pending``
    record (``object_id``); a change to a public record waits here with its
    values (``payload``) while the record keeps its published ones.
    ``session_key`` names the anonymous browser session that wrote it (no IP).
    """

    __tablename__ = "moderation_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: page or record.
    kind: Mapped[str] = mapped_column(String(16))
    #: The page or record (None for a new page).
    object_id: Mapped[int | None] = mapped_column(index=True)
    #: True for a new page or a new record.
    is_new: Mapped[bool] = mapped_column(default=False)
    #: Slug of the page (a new page's future slug) or form key of the record.
    key: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    #: The page revision id or record revision number the change started from.
    base: Mapped[int | None]
    #: Page: ``{"body", "comment"}``; record change: ``{"data", "comment"}`` (values keyed by field id).
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    session_key: Mapped[str | None] = mapped_column(String(16), index=True)
    #: web, api, import or party.
    origin: Mapped[str] = mapped_column(String(16), default="web")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: waiting, accepted or refused.
    state: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    reason: Mapped[str] = mapped_column(String(500), default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")
