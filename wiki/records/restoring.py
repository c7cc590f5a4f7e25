"""Bringing a deleted record back (a mass rollback's undo, :mod:`wiki.activity.rollback_apply`).

Deleting a record keeps it and its history (:func:`wiki.records.services.delete_record`);
restoring it clears the deletion and appends a ``restore`` revision holding
the same values, so lists, search and recent changes follow through
``record_saved``. Service layer: no request globals; the caller commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki import signals
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.records import facets
from wiki.records.form_services import form_fields
from wiki.records.models import Record
from wiki.revisions import Revision
from wiki.revisions import save_revision


def restore_record(db: Session, record: Record, *, actor: Any, comment: str = "") -> bool:
    """Bring a deleted record back; return whether it was deleted.

    :raises Forbidden: the actor is not a moderator.
    """
    if not permissions.can_delete_record(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent restaurer une fiche.")))
    if record.deleted_at is None:
        return False
    last = db.scalar(
        select(Revision)
        .where(Revision.kind == "record", Revision.object_id == record.id)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    record.deleted_at = None
    record.updated_at = utcnow()
    record.revision_number += 1
    facets.refresh_record(db, record, form_fields(record.form))
    snapshot = dict(last.snapshot) if last else {"title": record.title, "data": record.data, "status": record.status}
    revision = save_revision(db, "record", record.id, snapshot, actor=actor, comment=comment, action="restore")
    signals.record_saved.send(record, session=db, record=record, revision=revision, action="restore", actor=actor)
    return True
