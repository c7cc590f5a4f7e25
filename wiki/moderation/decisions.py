"""Accept or refuse a contribution that waited for review.

Accepting publishes it as its author's: a page edit made against an older
revision is merged three-way like any save (:mod:`wiki.pages.saving`; an
overlap raises ``EditConflict`` for the moderator), a new page is created,
a change to a record is applied unless someone changed the same fields
since, a pending record is published. Refusing needs a reason; a refused
new record goes back to its author as a draft (an anonymous one is
deleted, history kept). Each decision is written to the public moderation
log (:mod:`wiki.moderation.journal`) and mailed to the author when the wiki
sends mail (after commit). Service layer: no request globals; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from wiki.auth import permissions
from wiki.auth.models import User
from wiki.db import utcnow
from wiki.errors import EditConflict
from wiki.errors import Forbidden
from wiki.errors import ValidationError
from wiki.moderation import journal
from wiki.moderation import notices
from wiki.moderation.models import WaitingItem
from wiki.pages import saving
from wiki.pages.models import Page
from wiki.pages.models import PageRedirect
from wiki.records import services as records
from wiki.records.form_services import form_fields
from wiki.records.models import Record
from wiki.revisions import get_revision

MAX_REASON = 500


@dataclass(frozen=True)
class AnonymousAuthor:
    """The anonymous author of a waiting contribution, known by its session key only."""

    session_key: str | None
    is_authenticated: bool = False
    is_active: bool = False
    role: None = None
    id: None = None
    name: None = None


def author_of(db: Session, item: WaitingItem) -> Any:
    """Return the account that wrote ``item``, or an :class:`AnonymousAuthor`."""
    user = db.get(User, item.author_id) if item.author_id else None
    return user if user is not None else AnonymousAuthor(item.session_key)


def _check(item: WaitingItem, actor: Any) -> None:
    if not permissions.can_moderate(actor):
        raise Forbidden(str(_l("Seuls les modérateurs traitent les contributions en attente.")))
    if item.state != "waiting":
        raise ValidationError(str(_l("Cette contribution a déjà été traitée.")))


def accept(db: Session, item: WaitingItem, *, actor: Any, reason: str = "") -> None:
    """Publish a waiting contribution as its author's.

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: already decided, or its page or record is gone.
    :raises EditConflict: the change overlaps what others saved since it was written.
    """
    _check(item, actor)
    author = author_of(db, item)
    if item.kind == "page":
        _accept_page(db, item, author)
    else:
        _accept_record(db, item, author, actor, reason)
    _close(db, item, "accepted", actor, reason)


def refuse(db: Session, item: WaitingItem, *, actor: Any, reason: str) -> None:
    """Refuse a waiting contribution, with a reason its author reads.

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: no reason given, or already decided.
    """
    _check(item, actor)
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if not reason:
        raise ValidationError(
            str(_l("Donnez la raison du refus : son auteur la lira.")), {"reason": str(_l("Raison obligatoire."))}
        )
    _close(db, item, "refused", actor, reason)
    if item.kind == "record" and item.is_new:
        record = db.get(Record, item.object_id)
        if record is not None and record.deleted_at is None and record.status == "pending":
            if record.author_id is None:
                records.delete_record(db, record, actor=actor, comment=reason)
            else:
                records.set_status(db, record, "draft", actor=actor, comment=reason)


def _close(db: Session, item: WaitingItem, state: str, actor: Any, reason: str) -> None:
    item.state = state
    item.decided_by_id = actor.id
    item.decided_at = utcnow()
    item.reason = " ".join((reason or "").split())[:MAX_REASON]
    db.flush()
    public_title = item.title if state == "accepted" or not item.is_new else ""
    journal.log(
        db,
        action="accept" if state == "accepted" else "refuse",
        actor=actor,
        kind=item.kind,
        object_id=item.object_id if public_title else None,
        title=public_title or str(_l("nouvelle page") if item.kind == "page" else _l("nouvelle fiche")),
        key=item.key if public_title else "",
        reason=item.reason,
        details={"queue_item": item.id, "origin": item.origin},
    )
    notices.tell_author(db, item)


def _accept_page(db: Session, item: WaitingItem, author: Any) -> None:
    body, comment = item.payload.get("body", ""), item.payload.get("comment", "")
    if item.is_new:
        if db.scalar(select(Page.id).where(Page.slug == item.key)) is not None:
            raise ValidationError(
                str(_l("Une page porte ce nom depuis : refusez cette proposition ou reportez son texte à la main."))
            )
        created = Page(slug=item.key, title=item.title, created_at=utcnow(), updated_at=utcnow())
        db.add(created)
        db.flush()
        db.execute(delete(PageRedirect).where(PageRedirect.slug == item.key))
        saving.append_revision(db, created, title=item.title, body=body, comment=comment, actor=author, action="create")
        item.object_id = created.id
        return
    page = db.get(Page, item.object_id)
    if page is None or page.is_deleted:
        raise ValidationError(str(_l("Cette page a été supprimée depuis.")))
    saving.lock_page(db, page)
    current = page.current_revision
    assert current is not None
    merged = False
    if item.base != current.id:
        body, merged = saving.merge_concurrent(db, page, body, item.base, author)
    if body != current.body:
        saving.append_revision(
            db, page, title=page.title, body=body, comment=comment, actor=author, action="merge" if merged else "edit"
        )


def _accept_record(db: Session, item: WaitingItem, author: Any, actor: Any, reason: str) -> None:
    record = db.get(Record, item.object_id) if item.object_id else None
    if record is None or record.deleted_at is not None:
        raise ValidationError(str(_l("Cette fiche a été supprimée depuis.")))
    db.execute(select(Record.id).where(Record.id == record.id).with_for_update())
    db.refresh(record)
    if item.is_new:
        if record.status == "pending":
            records.set_status(db, record, "published", actor=actor, comment=reason)
        return
    changes = dict(item.payload.get("data") or {})
    base = get_revision(db, "record", record.id, item.base) if item.base else None
    base_data = base.snapshot["data"] if base else record.data
    clash = [k for k, v in changes.items() if record.data.get(k) != base_data.get(k) and record.data.get(k) != v]
    if clash:
        labels = [d.label for d in form_fields(record.form) if d.id in clash]
        raise EditConflict(
            str(_l("Quelqu'un a modifié les mêmes champs depuis : refusez cette proposition en l’expliquant.")),
            mine=changes,
            fields=labels,
        )
    new = {**record.data, **changes}
    if new != record.data:
        records.store_values(db, record, new, actor=author, comment=item.payload.get("comment", ""))
