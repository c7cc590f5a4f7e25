"""Patrol: filter recent changes (who, what, where, not yet reviewed) and mark them reviewed.

A filter is read from plain query arguments, so a filtered list has a URL that
can be shared: ``auteur`` (an account's name), ``anonyme`` (an anonymous
contributor's pseudonym, :mod:`wiki.activity.pseudonyms`), ``type`` (page,
record, form), ``formulaire`` or ``form`` (a form's key: its records and its
definition), ``zone`` (a zone key such as ``35236`` or ``epci:243500139``:
records lying in it), ``theme`` (a theme's key: records filed under it) and ``a_relire`` (moderators only: changes nobody reviewed yet). The patrol
state is a moderator's working note, never shown to the public. Service layer:
the caller passes the arguments and the instance secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from geodata.levels import parse_zone_key
from geodata.models import RecordZone
from wiki.activity import pseudonyms
from wiki.activity.models import Activity
from wiki.auth import permissions
from wiki.auth import services as accounts
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.records.disclosure import shows_always
from wiki.records.form_services import form_fields
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet

#: Kinds of change that can be filtered on.
KINDS: tuple[str, ...] = ("page", "record", "form")
#: Query arguments a filter reads, in the order of its URL.
ARGS: tuple[str, ...] = ("type", "auteur", "anonyme", "formulaire", "zone", "theme", "a_relire")


@dataclass
class ChangeFilter:
    """What a list of changes is restricted to, as read from its URL."""

    #: The query arguments that were understood, to build links and forms again.
    args: dict[str, str] = field(default_factory=dict)
    #: SQL conditions on ``Activity``.
    conditions: list[Any] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """Tell whether anything is filtered."""
        return bool(self.args)


def read_filter(db: Session, args: Mapping[str, str], *, secret: Any, actor: Any) -> ChangeFilter:
    """Build the filter named by query ``args``; an unknown name or pseudonym matches nothing.

    ``a_relire`` is honoured for moderators only (:func:`wiki.auth.permissions.can_patrol`).
    """
    out = ChangeFilter()
    kind = (args.get("type") or "").strip()
    if kind in KINDS:
        out.args["type"] = kind
        out.conditions.append(Activity.kind == kind)
    name = (args.get("auteur") or "").strip()[:64]
    if name:
        user = accounts.find_user(db, name)
        out.args["auteur"] = name
        out.conditions.append(Activity.actor_id == user.id if user else false())
    alias = (args.get("anonyme") or "").strip().lower()[:16]
    if alias:
        keys = pseudonyms.session_keys_for(db, secret, alias)
        out.args["anonyme"] = alias
        out.conditions.append(Activity.session_key.in_(keys) if keys else false())
    form_key = (args.get("formulaire") or args.get("form") or "").strip()[:64]
    if form_key:
        form_id = db.scalar(select(Form.id).where(Form.key == form_key))
        out.args["formulaire"] = form_key
        out.conditions.append(_in_form(form_id) if form_id else false())
    zone = parse_zone_key((args.get("zone") or "")[:40])
    if zone:
        out.args["zone"] = (args.get("zone") or "").strip()
        out.conditions.append(_in_zone(*zone))
    theme = (args.get("theme") or "").strip()[:64]
    if theme:
        out.args["theme"] = theme
        out.conditions.append(in_theme(db, theme))
    if args.get("a_relire") and permissions.can_patrol(actor):
        out.args["a_relire"] = "1"
        out.conditions.append(Activity.patrolled_at.is_(None))
    return out


def form_choices(db: Session) -> list[tuple[str, str]]:
    """Return ``(key, title)`` of the live forms, for the filter's menu."""
    rows = db.execute(select(Form.key, Form.title).where(Form.deleted_at.is_(None)).order_by(Form.title))
    return [(key, title) for key, title in rows]


def _in_form(form_id: int) -> Any:
    """Changes to a form's definition and to its records."""
    records = select(Record.id).where(Record.form_id == form_id)
    return or_(
        and_(Activity.kind == "form", Activity.object_id == form_id),
        and_(Activity.kind == "record", Activity.object_id.in_(records)),
    )


def _in_zone(level: str, code: str) -> Any:
    """Changes to records lying in a zone."""
    records = select(RecordZone.record_id).where(RecordZone.zone_level == level, RecordZone.zone_code == code)
    return and_(Activity.kind == "record", Activity.object_id.in_(records))


def in_theme(db: Session, theme: str) -> Any:
    """Changes to records filed under a theme (a public theme field holds its key)."""
    forms = db.scalars(select(Form).where(Form.deleted_at.is_(None)))
    field_ids = [d.id for form in forms for d in form_fields(form) if d.type == "theme" and shows_always(d)]
    if not field_ids:
        return false()
    records = select(RecordFacet.record_id).where(RecordFacet.field_id.in_(field_ids), RecordFacet.value == theme)
    return and_(Activity.kind == "record", Activity.object_id.in_(records))


def mark_patrolled(db: Session, change_ids: Iterable[int], *, actor: Any) -> int:
    """Mark changes as reviewed by ``actor``; return how many were not yet (the caller commits).

    :raises Forbidden: the actor is not a moderator.
    """
    if not permissions.can_patrol(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent relire les modifications.")))
    ids = sorted({int(i) for i in change_ids})[:1000]
    if not ids:
        return 0
    result = db.execute(
        update(Activity)
        .where(Activity.id.in_(ids), Activity.patrolled_at.is_(None))
        .values(patrolled_at=utcnow(), patrolled_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
