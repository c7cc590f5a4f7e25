"""Agenda tables: one row per event record, and an index of its occurrences.

``AgendaEvent`` holds what the record's values do not: the iCalendar UID
(kept across re-imports), the SEQUENCE of the feed, the changed and
cancelled occurrences, and a copy of the public facts the agenda shows and
filters on (public or not, title, place, organiser, time zone). The bytes
the iCalendar feeds write belong to the feeds (a projection, outside this
package). ``AgendaOccurrence`` is a derived index of dated occurrences,
rebuilt on every save, so a month view or a range query never expands
thousands of rules per request. Recurring events are indexed over a window
(``window_start``/``window_end``); queries outside it expand those events
on the fly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from wiki.db import Base
from wiki.db import JSONType
from wiki.db import utcnow


class AgendaEvent(Base):
    """The agenda side of an event record."""

    __tablename__ = "agenda_events"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id", ondelete="CASCADE"), primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("forms.id", ondelete="CASCADE"), index=True)
    #: Stable iCalendar UID (an imported event keeps its source's).
    uid: Mapped[str] = mapped_column(String(255), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    #: Recurrence id -> changed fields (start, end, title, description, location, status).
    overrides: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Recurrence ids of cancelled occurrences.
    cancelled: Mapped[list[str]] = mapped_column(JSONType, default=list)
    #: What the last SEQUENCE was computed from (schedule, status, changes).
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Shown to everyone (record published or archived, schedule field public).
    public: Mapped[bool] = mapped_column(default=False)
    recurring: Mapped[bool] = mapped_column(default=False)
    #: Public facts copied from the record, so lists never load records: title, place, organiser, zone.
    title: Mapped[str] = mapped_column(String(300), default="")
    location: Mapped[str] = mapped_column(String(500), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="", index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    #: The indexed span of a recurring event's occurrences (None: all of them).
    window_start: Mapped[datetime | None]
    window_end: Mapped[datetime | None]
    #: Where an imported event came from (file name or address), else "".
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgendaOccurrence(Base):
    """One dated occurrence of an event (derived from the schedule)."""

    __tablename__ = "agenda_occurrences"
    __table_args__ = (Index("ix_agenda_occurrences_start", "start", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("agenda_events.record_id", ondelete="CASCADE"), index=True)
    recurrence_id: Mapped[str] = mapped_column(String(32))
    start: Mapped[datetime]
    end: Mapped[datetime]
    all_day: Mapped[bool] = mapped_column(default=False)
    cancelled: Mapped[bool] = mapped_column(default=False)
