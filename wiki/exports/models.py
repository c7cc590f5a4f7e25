"""The exports' own tables: dataset metadata, and the stored VEVENTs of the iCalendar feeds.

``DatasetMeta``: what a form (or the pages) is published as in the catalog.
A row is optional: a form without one is published with the defaults of the
instance (licence, publisher, contact). Moderators fill it in from
``/donnees/<form>/modifier``. ``key`` is the form key, or ``pages`` for the
dataset of wiki pages.

``ExportVevent``: each public event's VEVENTs exactly as the feeds write
them, so a feed is assembled from stored bytes instead of serialising every
event again (:mod:`wiki.exports.vevents` writes them, when an event is saved
and after an upgrade; requests only read them). A derived store: a missing
or stale row is never served, only replaced.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import LargeBinary
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow


class DatasetMeta(Base):
    """Catalog metadata of one dataset, edited by moderators."""

    __tablename__ = "dataset_meta"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Blank: the form's own title and description are used.
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    #: One of ``constants.LICENSES``.
    license: Mapped[str] = mapped_column(String(32))
    #: One of ``constants.FREQUENCIES``.
    frequency: Mapped[str] = mapped_column(String(16), default="irregular")
    #: Contact point: an organisation, never a person (RGPD).
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_url: Mapped[str] = mapped_column(String(500), default="")
    #: Free keywords, in addition to the themes found in the records.
    keywords: Mapped[list[str]] = mapped_column(JSONType, default=list)
    revision_number: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExportVevent(Base):
    """The VEVENTs of one public event (its series, changed and cancelled occurrences) as the feeds write them."""

    __tablename__ = "export_vevents"

    #: The event's agenda row: the bytes go with it.
    record_id: Mapped[int] = mapped_column(ForeignKey("agenda_events.record_id", ondelete="CASCADE"), primary_key=True)
    ical: Mapped[bytes] = mapped_column(LargeBinary)
    #: ``Europe/Paris 2025 2027``: the zone and years the VTIMEZONE of ``ical`` must cover; None for all-day events.
    zone: Mapped[str | None] = mapped_column(String(80))
    #: The record's ``updated_at`` when ``ical`` was written: bytes whose stamp differs are stale.
    stamp: Mapped[datetime]
    #: Which serialiser wrote ``ical`` (``wiki.exports.ical.serialiser()``): bytes from another one are stale.
    serialiser: Mapped[str] = mapped_column(String(64))
