"""Wiki-party tables: a party (``parties``), its goals (``party_goals``) and its guests (``party_guests``).

A guest is an ordinary contributor account, without e-mail nor a password
anyone knows, linked to one party: everything the account does is the party's.
These rows describe a workshop of this instance (its join code, its guests'
pseudonyms): never dumped, and not content (no kept anonymous answer shows them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from wiki.db import Base
from wiki.db import utcnow

_INFO = {"info": {"dumped": False, "cache_neutral": True}}


class Party(Base):
    """A time-boxed collective editing workshop, joined with its short code."""

    __tablename__ = "parties"
    __table_args__ = (_INFO,)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short join code (no ambiguous characters), unique.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Where it happens ("Médiathèque de Redon, salle du 1er étage").
    place: Mapped[str] = mapped_column(String(200), default="")
    #: INSEE code of the commune new places default to ("" for none).
    commune: Mapped[str] = mapped_column(String(16), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the guests' logins were closed after the end (None: not yet).
    closed_at: Mapped[datetime | None]

    goals: Mapped[list[PartyGoal]] = relationship(order_by="PartyGoal.position", lazy="selectin")


class PartyGoal(Base):
    """One line of a party's checklist, ticked by hand or, for a count, when it is reached."""

    __tablename__ = "party_goals"
    __table_args__ = (_INFO,)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(String(200))
    #: For a count ("ajouter 10 lieux"): what is counted, ``page`` or a form key (``*``: any record).
    count_of: Mapped[str] = mapped_column(String(64), default="")
    target: Mapped[int] = mapped_column(default=0)
    #: Ticked by hand (a count is met when reached, whatever this says).
    done_at: Mapped[datetime | None]


class PartyGuest(Base):
    """A participant: the guest account a pseudonym got when joining the party."""

    __tablename__ = "party_guests"
    __table_args__ = (_INFO,)

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
