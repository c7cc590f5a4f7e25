"""The outbox: e-mails waiting to be sent, written in the caller's transaction.

A message is sent after the transaction that queued it commits, never inside
it (:mod:`wiki.mail.delivery`). Rows hold a recipient's address, which is
personal data: sent ones are purged after a few days.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow


class OutgoingMail(Base):
    """One plain-text message in the outbox."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_pending", "sent_at", "given_up_at", "not_before"),
        # Transient and personal (addresses): never in a dump (wiki.portability.rows).
        {"info": {"dumped": False}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Not to be tried before this time: a claim by a sender (a short lease) or the next retry.
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    #: Tries so far (each claim counts one).
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None]
    #: Set when the last allowed try failed: the message is kept, no longer tried.
    given_up_at: Mapped[datetime | None]
    #: The SMTP server's answer to the last failed try.
    last_error: Mapped[str | None] = mapped_column(String(500))
    #: List headers by name (List-Unsubscribe, RFC 8058), set by :func:`wiki.mail.services.enqueue`.
    headers: Mapped[dict[str, str] | None] = mapped_column(JSONType)
