"""Contributions waiting for review: how the save paths store them, who sees them.

Under pre-moderation the page and record services call these instead of
publishing (:func:`wiki.moderation.policy.waits`): a page edit or a new page
becomes a :class:`WaitingItem` (never a page revision), a change to a public
record too; a new record is stored ``pending`` and :func:`note_pending_record`
puts it in the queue. A waiting item is shown to its author and moderators
only (:func:`wiki.auth.permissions.can_see_waiting`). Accepting and refusing
are :mod:`wiki.moderation.decisions`. Service layer: no request globals.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.caching import AppCache
from wiki.db import session_content_version
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.moderation import policy
from wiki.moderation.models import WaitingItem

#: Decisions, as the author reads them.
STATES: tuple[str, ...] = ("waiting", "accepted", "refused")
#: The queue's length, and each author's waiting targets, under the content version they were read at.
_count = AppCache[int]("moderation.waiting_count", maxsize=4)
_targets = AppCache[frozenset[tuple[Any, ...]]]("moderation.waiting_targets", maxsize=2048)


def _author_fields(actor: Any) -> dict[str, Any]:
    """Who wrote it: the account, or the anonymous session's pseudonymous key (no IP)."""
    if getattr(actor, "is_authenticated", False):
        return {"author_id": actor.id, "session_key": None}
    return {"author_id": None, "session_key": getattr(actor, "session_key", None)}


def _add(db: Session, actor: Any, **fields: Any) -> WaitingItem:
    item = WaitingItem(
        **fields, **_author_fields(actor), origin=policy.current_origin(actor), created_at=utcnow(), state="waiting"
    )
    db.add(item)
    db.flush()
    return item


def submit_page_edit(
    db: Session, page: Any, *, body: str, comment: str, base_revision_id: int | None, actor: Any
) -> WaitingItem:
    """Store an edit of ``page`` for review; the page keeps its current text."""
    return _add(
        db,
        actor,
        kind="page",
        object_id=page.id,
        is_new=False,
        key=page.slug,
        title=page.title,
        base=base_revision_id,
        payload={"body": body, "comment": comment},
    )


def submit_new_page(db: Session, *, slug: str, title: str, body: str, comment: str, actor: Any) -> WaitingItem:
    """Store a new page for review: no page exists until it is accepted."""
    return _add(
        db,
        actor,
        kind="page",
        object_id=None,
        is_new=True,
        key=slug,
        title=title,
        base=None,
        payload={"body": body, "comment": comment},
    )


def submit_record_change(
    db: Session, record: Any, *, changes: dict[str, Any], comment: str, base: int, actor: Any
) -> WaitingItem:
    """Store a change to a public record for review (``changes``: new values by field id)."""
    return _add(
        db,
        actor,
        kind="record",
        object_id=record.id,
        is_new=False,
        key=record.form.key,
        title=record.title,
        base=base,
        payload={"data": changes, "comment": comment},
    )


def note_pending_record(db: Session, record: Any, actor: Any, comment: str = "") -> WaitingItem | None:
    """Put a record that became ``pending`` in the queue (once: nothing if it already waits there)."""
    waiting = db.scalar(
        select(WaitingItem.id).where(
            WaitingItem.kind == "record",
            WaitingItem.object_id == record.id,
            WaitingItem.is_new.is_(True),
            WaitingItem.state == "waiting",
        )
    )
    if waiting is not None:
        return None
    return _add(
        db,
        actor,
        kind="record",
        object_id=record.id,
        is_new=True,
        key=record.form.key,
        title=record.title,
        base=None,
        payload={"comment": comment},
    )


def item_for_record(db: Session, record_id: int) -> WaitingItem | None:
    """Return the queue entry of a new record waiting for review, if any."""
    return db.scalar(
        select(WaitingItem).where(
            WaitingItem.kind == "record",
            WaitingItem.object_id == record_id,
            WaitingItem.is_new.is_(True),
            WaitingItem.state == "waiting",
        )
    )


def close_pending_record(db: Session, record: Any, *, actor: Any, state: str) -> None:
    """Close the queue entry of a pending record a moderator published or withdrew from its own screen."""
    for item in db.scalars(
        select(WaitingItem).where(
            WaitingItem.kind == "record",
            WaitingItem.object_id == record.id,
            WaitingItem.is_new.is_(True),
            WaitingItem.state == "waiting",
        )
    ):
        item.state = state
        item.decided_by_id = actor.id if getattr(actor, "is_authenticated", False) else None
        item.decided_at = utcnow()


def count_waiting(db: Session) -> int:
    """Return how many contributions wait for review (kept per content version: the queue is content)."""
    version = session_content_version(db)
    if version is None:
        return _read_count(db)
    return _count.get_or_set(db, version, lambda: _read_count(db))


def _read_count(db: Session) -> int:
    return int(db.scalar(select(func.count()).select_from(WaitingItem).where(WaitingItem.state == "waiting")) or 0)


def list_waiting(db: Session, *, kind: str = "", offset: int = 0, limit: int = 50) -> list[WaitingItem]:
    """Return waiting contributions, oldest first (the queue's order)."""
    query = select(WaitingItem).where(WaitingItem.state == "waiting")
    if kind in ("page", "record"):
        query = query.where(WaitingItem.kind == kind)
    query = query.order_by(WaitingItem.created_at, WaitingItem.id).offset(max(0, offset)).limit(max(1, min(limit, 200)))
    return list(db.scalars(query))


def _mine(actor: Any, session_key: str | None) -> Any:
    if getattr(actor, "is_authenticated", False):
        return WaitingItem.author_id == actor.id
    if not session_key:
        return WaitingItem.id.is_(None)
    return (WaitingItem.author_id.is_(None)) & (WaitingItem.session_key == session_key)


def list_mine(db: Session, actor: Any, session_key: str | None = None, *, limit: int = 50) -> list[WaitingItem]:
    """Return the author's contributions under review and the decisions on them, newest first."""
    query = select(WaitingItem).where(_mine(actor, session_key)).order_by(WaitingItem.id.desc()).limit(limit)
    return list(db.scalars(query))


def waiting_on(
    db: Session, actor: Any, *, kind: str, object_id: int | None = None, key: str = "", session_key: str | None = None
) -> list[WaitingItem]:
    """Return the author's own waiting items on one page or record (``key``: a new page's slug)."""
    if (kind, object_id, "" if object_id is not None else key) not in _targets_of(db, actor, session_key):
        return []
    query = select(WaitingItem).where(
        WaitingItem.state == "waiting", WaitingItem.kind == kind, _mine(actor, session_key)
    )
    if object_id is not None:
        query = query.where(WaitingItem.object_id == object_id)
    else:
        query = query.where(WaitingItem.object_id.is_(None), WaitingItem.key == key)
    return list(db.scalars(query.order_by(WaitingItem.id)))


def _targets_of(db: Session, actor: Any, session_key: str | None) -> frozenset[tuple[Any, ...]]:
    """What the author has waiting, as ``(kind, object_id, key of a new page)``: one query per content version.

    Kept under the author (account id or anonymous session key) and the
    version, so that every page they view does not ask again; never shared
    between authors.
    """
    author = ("account", actor.id) if getattr(actor, "is_authenticated", False) else ("session", session_key)
    if author[1] is None:
        return frozenset()  # anonymous without a session key: nothing of theirs can wait
    version = session_content_version(db)
    if version is None:
        return _read_targets(db, actor, session_key)
    return _targets.get_or_set(db, (version, author), lambda: _read_targets(db, actor, session_key))


def _read_targets(db: Session, actor: Any, session_key: str | None) -> frozenset[tuple[Any, ...]]:
    query = select(WaitingItem.kind, WaitingItem.object_id, WaitingItem.key).where(
        WaitingItem.state == "waiting", _mine(actor, session_key)
    )
    return frozenset((kind, oid, "" if oid is not None else key) for kind, oid, key in db.execute(query.distinct()))


def get_item(db: Session, item_id: int, actor: Any, session_key: str | None = None) -> WaitingItem:
    """Return a waiting (or decided) contribution the actor may see.

    :raises NotFound: no such item, or not the actor's (no existence oracle).
    """
    item = db.get(WaitingItem, item_id) if 0 < item_id < 2**31 else None
    if item is None or not permissions.can_see_waiting(actor, item, session_key):
        raise NotFound(str(_l("Cette contribution n'existe pas.")))
    return item
