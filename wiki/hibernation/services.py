"""Hibernation: the wiki asleep, read-only for everyone but administrators, with a banner.

The switch is a row of :data:`wiki.hibernation.models.site_switches`, so every
worker and node sees it at once; turning it on or off changes content (the
banner), which moves the content version: no kept answer outlives it. While
asleep, the instance's edit policy reads ``readonly`` (:func:`instance_policy`),
the rule of :mod:`wiki.auth.permissions` that lets admins alone write; the
web guard (:mod:`wiki.hibernation`) refuses every other write before it reaches
a view. Service layer: no request globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.hibernation.models import site_switches

SWITCH = "hibernating"


@dataclass(frozen=True)
class State:
    """Whether the wiki sleeps, and since when (None: never switched)."""

    asleep: bool
    changed_at: datetime | None


def read_state(db: Session) -> State:
    """Return the hibernation switch as stored."""
    row = db.execute(
        select(site_switches.c.value, site_switches.c.changed_at).where(site_switches.c.name == SWITCH)
    ).first()
    return State(asleep=bool(row and row.value == "on"), changed_at=row.changed_at if row else None)


def is_hibernating(db: Session) -> bool:
    """Tell whether the wiki sleeps."""
    return read_state(db).asleep


def instance_policy(policy: str, asleep: bool) -> str:
    """Return the instance edit policy in effect: ``readonly`` while asleep, else the setting ``policy``."""
    return "readonly" if asleep else policy


def set_hibernation(db: Session, asleep: bool, actor: Any = None) -> bool:
    """Put the wiki to sleep or wake it up; return whether anything changed.

    ``actor`` None is the command line (the server's operator).

    :raises Forbidden: ``actor`` is not an administrator.
    """
    if actor is not None and not permissions.can_hibernate(actor):
        raise Forbidden("Seuls les administrateurs mettent le wiki en sommeil ou le réveillent.")
    if read_state(db).asleep == asleep:
        return False
    value = "on" if asleep else "off"
    changed = db.execute(
        site_switches.update().where(site_switches.c.name == SWITCH).values(value=value, changed_at=utcnow())
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        db.execute(site_switches.insert().values(name=SWITCH, value=value, changed_at=utcnow()))
    return True
