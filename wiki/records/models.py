"""Forms (user-defined record types), records, choice lists and themes.

A form's field definitions live in JSON (validated by ``fields.py``); a
record's values live in JSON keyed by the *stable field id*, so renaming a
field's public key never touches records. ``RecordFacet`` is a derived,
indexed projection of the values lists filter and count on (themes, zones,
status, choices), rebuilt on every save, so faceted lists stay fast without
querying JSON. History is kept in ``wiki.revisions.Revision``.
"""

from __future__ import annotations

from datetime import date
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow

#: Record statuses, in workflow order (brouillon, en attente, publié, archivé).
STATUSES: tuple[str, ...] = ("draft", "pending", "published", "archived")


class ChoiceList(Base):
    """A shared list of choices used by choice fields of several forms."""

    __tablename__ = "choice_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: ``[{"value": "...", "label": "..."}, ...]`` in display order.
    items: Mapped[list[dict[str, str]]] = mapped_column(JSONType, default=list)
    revision_number: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Theme(Base):
    """A theme of the territory's taxonomy (editable, optional parent, synonyms)."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    synonyms: Mapped[list[str]] = mapped_column(JSONType, default=list)
    position: Mapped[int] = mapped_column(default=0)


class Form(Base):
    """A record type: its fields and how its records are shown."""

    __tablename__ = "forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Field definitions (``FieldDef.to_dict()``), in display order.
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    #: Key of the field used as the record's title.
    title_field: Mapped[str] = mapped_column(String(64), default="title")
    revision_number: Mapped[int] = mapped_column(default=1)
    builtin: Mapped[bool] = mapped_column(default=False)
    #: Edit policy of its records: open, account, premoderated or locked; None: as the instance.
    edit_policy: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]


class Record(Base):
    """One entry of a form."""

    __tablename__ = "records"
    __table_args__ = (Index("ix_records_form_status", "form_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(300))
    #: Values keyed by field id (never by key, which may be renamed).
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="published")
    #: Form revision the values were last validated against.
    form_revision: Mapped[int] = mapped_column(default=1)
    revision_number: Mapped[int] = mapped_column(default=1)
    verified_at: Mapped[date | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    deleted_at: Mapped[datetime | None]
    #: Public text of the record, for the text filter of lists.
    search_text: Mapped[str] = mapped_column(Text, default="")
    #: What an imported item carried that maps to no field ("autres propriétés"), kept rather than dropped.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    form: Mapped[Form] = relationship(lazy="joined")


class RecordFacet(Base):
    """One filterable value of a record (derived from ``Record.data``)."""

    __tablename__ = "record_facets"
    __table_args__ = (Index("ix_record_facets_field_value", "field_id", "value", "record_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    field_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200), primary_key=True)
