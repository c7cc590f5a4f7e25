"""The activity log behind "Modifications récentes"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from wiki.auth.models import User
from wiki.db import Base
from wiki.db import utcnow


class Activity(Base):
    """One change to one object, as shown in recent changes and feeds."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What changed: page, record, form…
    kind: Mapped[str] = mapped_column(String(16), index=True)
    #: create, edit, merge, revert, rename, delete, restore, protect, unprotect, upload.
    action: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[int] = mapped_column(index=True)
    #: Revision number within the object, when the change made one.
    revision_number: Mapped[int | None]
    #: Title and URL key at the time of the change.
    title: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    comment: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The anonymous author's pseudonymous session key (``wiki.auth.Visitor``), a secret: shown only
    #: through a keyed-hash pseudonym (:mod:`wiki.activity.pseudonyms`). None for accounts.
    session_key: Mapped[str | None] = mapped_column(String(16), index=True)
    #: When a moderator marked the change as reviewed (patrol); never shown to the public.
    patrolled_at: Mapped[datetime | None]
    patrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
    #: False for changes that must not appear in public lists and feeds.
    public: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[actor_id])
