"""Dataset metadata: what a form (or the pages) is published as in the catalog.

A row is optional: a form without one is published with the defaults of the
instance (licence, publisher, contact). Moderators fill it in from
``/donnees/<form>/modifier``. ``key`` is the form key, or ``pages`` for the
dataset of wiki pages.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import utcnow
from wiki.revisions import JSONType


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
