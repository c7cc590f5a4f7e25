"""The importers' own table: what each imported remote id became, so re-imports update instead of duplicating.

Imports only the kernel (``wiki.db``); the records and pages it points to are
named by their table, never imported. A link dies with its record or page
(``ON DELETE CASCADE``), so an id reused after a deletion is never mistaken
for the imported one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import utcnow


class ImportItem(Base):
    """One imported item: (importer, source, remote id) -> the record (or page) it became.

    ``source`` is chosen by the importer: where the data came from (a feed's
    address), or, for map layers, whose uploaded files have no lasting
    identity, the destination form (``form:lieu``).
    """

    __tablename__ = "import_items"

    importer: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(300), primary_key=True)
    remote_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    #: When the link was made (or pointed at a new record, the previous one having been deleted).
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
