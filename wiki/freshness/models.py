"""When a freshness campaign last wrote about a record: its contact is not written to again meanwhile."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import utcnow


class FreshnessRequest(Base):
    """The last campaign e-mail about one record (not public content, not dumped)."""

    __tablename__ = "freshness_requests"
    __table_args__ = ({"info": {"dumped": False, "cache_neutral": True}},)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
