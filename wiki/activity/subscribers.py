"""Signal subscribers that write the activity log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from wiki import signals
from wiki import textdiff
from wiki.activity.models import Activity
from wiki.auth import permissions
from wiki.db import utcnow


def _actor_id(actor: Any) -> int | None:
    return actor.id if getattr(actor, "is_authenticated", False) else None


def _patrolled(actor: Any) -> dict[str, Any]:
    """Moderators' own changes need no review: they are marked patrolled when made."""
    if permissions.can_patrol(actor):
        return {"patrolled_at": utcnow(), "patrolled_by_id": actor.id}
    return {}


def _session_key(actor: Any) -> str | None:
    """The anonymous author's pseudonymous session key (None for accounts and outside a request)."""
    if getattr(actor, "is_authenticated", False):
        return None
    key = getattr(actor, "session_key", None)
    return key if isinstance(key, str) else None


def on_page_saved(sender: Any, *, session: Session, page: Any, revision: Any, action: str, actor: Any) -> None:
    """Log a new page revision with its size of change."""
    parent_body = ""
    if revision.parent_id is not None:
        parent = session.get(type(revision), revision.parent_id)
        parent_body = parent.body if parent else ""
    added, removed = textdiff.diff_stats(parent_body, revision.body)
    session.add(
        Activity(
            kind="page",
            action=action,
            object_id=page.id,
            revision_number=revision.number,
            title=revision.title,
            key=page.slug,
            comment=revision.comment,
            actor_id=_actor_id(actor),
            session_key=_session_key(actor),
            **_patrolled(actor),
            added=added,
            removed=removed,
            created_at=revision.created_at,
        )
    )


def on_page_event(sender: Any, *, session: Session, page: Any, action: str, actor: Any, comment: str = "") -> None:
    """Log a deletion, restoration or protection change."""
    session.add(
        Activity(
            kind="page",
            action=action,
            object_id=page.id,
            title=page.title,
            key=page.slug,
            comment=comment,
            actor_id=_actor_id(actor),
            session_key=_session_key(actor),
            **_patrolled(actor),
            created_at=utcnow(),
        )
    )


def on_attachment_added(sender: Any, *, session: Session, page: Any, attachment: Any, actor: Any) -> None:
    """Log a file attached to a page."""
    session.add(
        Activity(
            kind="page",
            action="upload",
            object_id=page.id,
            title=page.title,
            key=page.slug,
            comment=attachment.filename,
            actor_id=_actor_id(actor),
            session_key=_session_key(actor),
            **_patrolled(actor),
            created_at=attachment.created_at,
        )
    )


def on_record_saved(sender: Any, *, session: Session, record: Any, revision: Any, action: str, actor: Any) -> None:
    """Log a record revision; drafts and pending records stay out of public lists."""
    session.add(
        Activity(
            kind="record",
            action=action,
            object_id=record.id,
            revision_number=revision.number,
            title=record.title[:200],
            key=str(record.id),
            comment=revision.comment,
            actor_id=_actor_id(actor),
            session_key=_session_key(actor),
            **_patrolled(actor),
            public=record.status in ("published", "archived"),
            created_at=revision.created_at,
        )
    )


def on_records_created(sender: Any, *, session: Session, records: Any, revisions: Any, actor: Any) -> None:
    """Log records created together (an import) as :func:`on_record_saved` does, in one statement."""
    common = {"kind": "record", "action": "create", "actor_id": _actor_id(actor), "session_key": _session_key(actor),
              **_patrolled(actor)}  # fmt: skip
    rows = [
        common | {"object_id": record.id, "revision_number": revision.number, "title": record.title[:200],
                  "key": str(record.id), "comment": revision.comment,
                  "public": record.status in ("published", "archived"), "created_at": revision.created_at}
        for record, revision in zip(records, revisions, strict=True)
    ]  # fmt: skip
    session.execute(insert(Activity), rows)


def on_record_deleted(sender: Any, *, session: Session, record: Any, actor: Any, comment: str = "") -> None:
    """Log a record deletion."""
    session.add(
        Activity(
            kind="record",
            action="delete",
            object_id=record.id,
            title=record.title[:200],
            key=str(record.id),
            comment=comment,
            actor_id=_actor_id(actor),
            session_key=_session_key(actor),
            **_patrolled(actor),
            public=record.status in ("published", "archived"),
            created_at=utcnow(),
        )
    )


def on_form_saved(sender: Any, *, session: Session, form: Any, action: str, actor: Any, comment: str = "") -> None:
    """Log a change of a form's definition."""
    session.add(
        Activity(
            kind="form",
            action=action,
            object_id=form.id,
            revision_number=form.revision_number,
            title=form.title[:200],
            key=form.key,
            comment=comment,
            actor_id=_actor_id(actor),
            session_key=_session_key(actor),
            **_patrolled(actor),
            created_at=utcnow(),
        )
    )


def connect() -> None:
    """Subscribe to the domain signals (idempotent: blinker keeps one copy)."""
    signals.page_saved.connect(on_page_saved)
    signals.page_deleted.connect(on_page_event)
    signals.page_changed.connect(on_page_event)
    signals.attachment_added.connect(on_attachment_added)
    signals.connect_batched(on_record_saved, on_records_created)
    signals.record_deleted.connect(on_record_deleted)
    signals.form_saved.connect(on_form_saved)
