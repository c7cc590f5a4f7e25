"""Anti-spam tables: the restricted IP log, save counters and the moderators' blocklist.

- ``ip_log`` is the **only** table that holds an IP address: one short row per
  contribution (and per new anonymous session), purged after
  ``IP_RETENTION_DAYS`` (:mod:`wiki.moderation.iplog`). Moderators read it for
  abuse handling only; it appears in no public output, export or dump (not
  even a full one: ``info["dumped"]``).
- ``rate_events`` counts saves per account (``u:<id>``) or per anonymous
  session (``s:<key>``), never per address; rows older than the longest window
  are pruned with the IP log.
- ``spam_blocklist`` holds the domains and phrases moderators refuse in what
  newcomers and anonymous visitors add (beside the ``SPAM_BLOCKLIST`` setting).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import utcnow


class IpLogEntry(Base):
    """Who contributed from which address, kept a short while for abuse handling."""

    __tablename__ = "ip_log"
    #: Never dumped (:func:`wiki.portability.rows.sorted_tables`): addresses do not outlive their retention.
    __table_args__ = (Index("ix_ip_log_ip_created_at", "ip", "created_at"), {"info": {"dumped": False}})

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The pseudonymous key of an anonymous visitor's browser session.
    session_key: Mapped[str | None] = mapped_column(String(16), index=True)
    #: The client's address as read through ``TRUSTED_PROXIES`` (IPv6 fits in 45 characters).
    ip: Mapped[str] = mapped_column(String(45))
    #: ``page:create``, ``page:edit``, ``record:create``, ``record:edit``… or ``session`` (a new anonymous session).
    action: Mapped[str] = mapped_column(String(32))


class RateEvent(Base):
    """One accepted save, counted against its account or anonymous session."""

    __tablename__ = "rate_events"
    __table_args__ = (Index("ix_rate_events_bucket_created_at", "bucket", "created_at"), {"info": {"dumped": False}})

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``u:<account id>`` or ``s:<session key>``.
    bucket: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class BlockedPattern(Base):
    """A domain or a phrase refused in what untrusted people add (edited by moderators)."""

    __tablename__ = "spam_blocklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A domain (``casino.example``, its subdomains too) or a phrase, compared without case.
    pattern: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
