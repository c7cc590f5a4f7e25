"""Reading the activity log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.activity.models import Activity
from wiki.records.models import Form
from wiki.records.models import Record

#: Kinds that can be filtered on in recent changes.
KINDS: tuple[str, ...] = ("page", "record", "form")
#: Record statuses anonymous visitors may read.
PUBLIC_STATUSES: tuple[str, ...] = ("published", "archived")


def _withdrawn_records() -> Any:
    """Ids of the records an anonymous visitor may not read now (usually few: drafts, pending, deleted)."""
    return (
        select(Record.id)
        .join(Form, Form.id == Record.form_id)
        .where(or_(Record.status.not_in(PUBLIC_STATUSES), Record.deleted_at.is_not(None), Form.deleted_at.is_not(None)))
    )


def recent_changes(
    db: Session, *, kind: str | None = None, where: Sequence[Any] = (), offset: int = 0, limit: int = 50
) -> list[Activity]:
    """Return public changes, newest first.

    A change was public when made; a record unpublished, sent back to draft or
    deleted since takes its whole past out of public lists and feeds too (its
    title may be what had to be withdrawn). ``where`` adds conditions on
    ``Activity`` (a patrol filter, :mod:`wiki.activity.patrol`).
    """
    query = select(Activity).where(
        Activity.public.is_(True),
        or_(Activity.kind != "record", Activity.object_id.not_in(_withdrawn_records())),
    )
    if kind in KINDS:
        query = query.where(Activity.kind == kind)
    if where:
        query = query.where(*where)
    query = query.order_by(Activity.id.desc()).offset(max(0, offset)).limit(max(1, min(limit, 500)))
    return list(db.scalars(query))
