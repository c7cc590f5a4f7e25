"""Watches: what a person follows (a page, a record, a form, a theme, a commune) and their digest state.

A watch names one target or a combination of a form, a theme and a zone
(« Nouveaux événements à Redon »). Its feed and its digest read the public
activity log only (:mod:`wiki.activity.watches`). Neither table is public
content (``cache_neutral``) nor part of a dump (personal preferences).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import utcnow

#: How often a digest is sent: never, each day, each week.
FREQUENCIES: tuple[str, ...] = ("none", "daily", "weekly")


class Watch(Base):
    """One thing a person follows."""

    __tablename__ = "watches"
    __table_args__ = ({"info": {"dumped": False, "cache_neutral": True}},)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"))
    form_key: Mapped[str | None] = mapped_column(String(64))
    theme_key: Mapped[str | None] = mapped_column(String(64))
    zone_key: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestState(Base):
    """A person's digest: how often, and up to which change the last one went."""

    __tablename__ = "watch_digests"
    __table_args__ = ({"info": {"dumped": False, "cache_neutral": True}},)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(8), default="weekly")
    last_sent_at: Mapped[datetime | None]
    #: The newest change (``Activity.id``) the last digest covered.
    last_activity_id: Mapped[int] = mapped_column(default=0)
