"""Mass rollback, second half: write a plan's steps as one logged action, and undo it.

:func:`apply_rollback` runs the steps of a :class:`~wiki.activity.rollback.Plan`
through the domains' own services (so every undone change is a new revision,
indexed and listed like any other) and writes one entry in the moderation log
holding what it did; :func:`undo_rollback` reads that entry and puts each
object back as it was just before the rollback, again as one logged action.
A step whose object moved since it was planned (someone saved meanwhile) is
skipped and reported, never forced. The caller commits; the plan's merges
were computed beforehand, so the transaction only writes. Service layer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import update
from sqlalchemy.orm import Session

from wiki.activity.models import Activity
from wiki.activity.rollback import Plan
from wiki.activity.rollback import Step
from wiki.auth import permissions
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.errors import LieuditError
from wiki.errors import ValidationError
from wiki.moderation import journal
from wiki.moderation.models import JournalEntry
from wiki.pages import attachments
from wiki.pages import moderation as page_moderation
from wiki.pages import services as pages
from wiki.pages.models import Attachment
from wiki.pages.models import Page
from wiki.records import form_services
from wiki.records import restoring
from wiki.records import services as records
from wiki.records.models import Form
from wiki.records.models import Record

#: Steps written between two checkpoints (commits) of a rollback or its undo.
BATCH = 25
#: Seconds left free after each checkpoint, so a writer waiting for SQLite's lock (a save, the
#: search indexer) gets it: its busy handler polls, and a writer that begins again at once starves it.
PAUSE = 0.15


def _summary(done: list[dict[str, Any]], conflicts: int) -> str:
    """A short public sentence: how many objects of each kind changed, how many were left alone."""
    counts = {kind: sum(1 for d in done if d["kind"] == kind) for kind in ("page", "record", "form", "attachment")}
    parts = [
        ngettext("%(num)d page", "%(num)d pages", counts["page"]),
        ngettext("%(num)d fiche", "%(num)d fiches", counts["record"]),
        ngettext("%(num)d formulaire", "%(num)d formulaires", counts["form"]),
        ngettext("%(num)d fichier", "%(num)d fichiers", counts["attachment"]),
    ]
    text = ", ".join(parts)
    if conflicts:
        text += " ; " + ngettext("%(num)d laissé en l’état", "%(num)d laissés en l’état", conflicts)
    return text


def _number_of(db: Session, kind: str, object_id: int) -> int | None:
    """The current revision number of an object (None when it is gone)."""
    if kind == "page":
        page = db.get(Page, object_id)
        return page.current_revision.number if page and page.current_revision else None
    obj: Record | Form | None = db.get(Record, object_id) if kind == "record" else db.get(Form, object_id)
    return obj.revision_number if obj else None


def _apply_step(db: Session, step: Step, *, actor: Any, policy: str, comment: str) -> dict[str, Any] | None:
    """Write one step; return what was done (for the undo), or None when nothing changed."""
    done = {"kind": step.kind, "id": step.object_id, "op": step.action, "before": step.seen_number}
    if step.kind == "attachment":
        attachment = db.get(Attachment, step.object_id)
        if attachment is None or attachment.deleted_at is not None:
            return None
        attachments.remove_attachment(db, attachment, actor=actor, policy=policy)
        return done
    if _number_of(db, step.kind, step.object_id) != step.seen_number:
        raise ValidationError(str(_l("modifié depuis l’aperçu")))
    if step.kind == "page":
        page = db.get(Page, step.object_id)
        assert page is not None
        if step.action == "delete":
            page_moderation.delete_page(db, page, actor=actor, comment=comment)
            return done
        if step.action == "merge":
            assert step.body is not None and page.current_revision is not None
            result = pages.save_page(
                db,
                page,
                body=step.body,
                comment=comment,
                actor=actor,
                base_revision_id=page.current_revision.id,
                policy=policy,
            )
        else:
            assert step.to_number is not None
            result = pages.revert_page(db, page, step.to_number, actor=actor, policy=policy, comment=comment)
        if step.old_title and step.old_title != page.title:
            done["title_before"] = page.title
            pages.rename_page(db, page, step.old_title, actor=actor, policy=policy, comment=comment)
        elif result.revision is None:
            return None
        assert page.current_revision is not None
        return {**done, "after": page.current_revision.number}
    if step.kind == "record":
        record = db.get(Record, step.object_id)
        assert record is not None
        if step.action == "delete":
            records.delete_record(db, record, actor=actor, comment=comment)
            return done
        assert step.to_number is not None
        if not records.revert_record(db, record, step.to_number, actor=actor, policy=policy):
            return None
        return {**done, "after": record.revision_number}
    form = db.get(Form, step.object_id)
    assert form is not None and step.to_number is not None
    if not form_services.revert_form(db, form, step.to_number, actor=actor, comment=comment):
        return None
    return {**done, "after": form.revision_number}


def _logged_as(plan: Plan) -> tuple[str, int | None, str, str]:
    """The log's kind, object id, title and key for a rollback's target (a pseudonym, never a session key)."""
    target = plan.target
    if target.user_ids:
        object_id = target.user_ids[0] if len(target.user_ids) == 1 else None
        return "user", object_id, ", ".join(target.user_names), ", ".join(target.user_names)
    if target.pseudonym:
        return "session", None, f"{_l('Anonyme')} {target.pseudonym}", target.pseudonym
    return "window", None, " – ".join(target.public().values()), ""


def apply_rollback(
    db: Session,
    plan: Plan,
    *,
    actor: Any,
    policy: str,
    reason: str = "",
    checkpoint: Callable[[], None] | None = None,
) -> JournalEntry:
    """Undo the plan's steps and log them as one ``rollback`` entry (flushed; the caller commits).

    Steps refused by a service or whose object moved since the plan are
    skipped and listed in the entry. The target's changes are marked patrolled.

    :param checkpoint: called every ``BATCH`` steps (the caller's ``commit``), so
        other writers never wait for the whole rollback; the log entry, written
        first, then always tells what was done so far.
    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: the plan selects nothing.
    """
    if not permissions.can_rollback(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent annuler des modifications en masse.")))
    if plan.target.empty:
        raise ValidationError(str(_l("Choisissez un compte, un anonyme ou une période.")))
    comment = (str(_l("Annulation en masse")) + (f" : {reason}" if reason else ""))[:500]
    done: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    kind, object_id, title, key = _logged_as(plan)
    entry = journal.log(
        db, action="rollback", actor=actor, kind=kind, object_id=object_id, title=title, key=key, reason=reason
    )

    def _details() -> dict[str, Any]:
        summary = _summary(done, len(skipped))
        target = plan.target.public()
        return {
            "summary": summary,
            "target": target,
            "changes": plan.changes,
            "done": list(done),
            "skipped": list(skipped),
        }

    for n, step in enumerate(plan.steps, 1):
        if step.action == "conflict":
            skipped.append({"kind": step.kind, "id": step.object_id, "title": step.title, "note": step.note})
            continue
        try:
            with db.begin_nested():
                outcome = _apply_step(db, step, actor=actor, policy=policy, comment=comment)
        except LieuditError as err:
            skipped.append({"kind": step.kind, "id": step.object_id, "title": step.title, "note": str(err)})
            continue
        if outcome is not None:
            done.append(outcome)
        if checkpoint is not None and n % BATCH == 0:
            entry.details = _details()
            checkpoint()
            time.sleep(PAUSE)
    db.execute(
        update(Activity)
        .where(Activity.patrolled_at.is_(None), *plan.target.conditions())
        .values(patrolled_at=utcnow(), patrolled_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    entry.details = _details()
    db.flush()
    return entry


def _undo_item(db: Session, item: dict[str, Any], *, actor: Any, policy: str, comment: str) -> bool:
    """Put one object back as it was before the rollback; False when it moved since."""
    kind, op = item["kind"], item["op"]
    if kind == "attachment":
        attachment = db.get(Attachment, item["id"])
        return attachment is not None and attachments.restore_attachment(db, attachment, actor=actor, policy=policy)
    if op != "delete" and _number_of(db, kind, item["id"]) != item.get("after"):
        return False
    if kind == "page":
        page = db.get(Page, item["id"])
        if page is None:
            return False
        if op == "delete":
            page_moderation.restore_page(db, page, actor=actor)
            return True
        changed = pages.revert_page(db, page, item["before"], actor=actor, policy=policy, comment=comment).revision
        if item.get("title_before") and item["title_before"] != page.title:
            pages.rename_page(db, page, item["title_before"], actor=actor, policy=policy, comment=comment)
            return True
        return changed is not None
    if kind == "record":
        record = db.get(Record, item["id"])
        if record is None:
            return False
        if op == "delete":
            return restoring.restore_record(db, record, actor=actor, comment=comment)
        return records.revert_record(db, record, item["before"], actor=actor, policy=policy)
    form = db.get(Form, item["id"])
    return form is not None and form_services.revert_form(db, form, item["before"], actor=actor, comment=comment)


def undo_rollback(
    db: Session,
    entry: JournalEntry,
    *,
    actor: Any,
    policy: str,
    reason: str = "",
    checkpoint: Callable[[], None] | None = None,
) -> JournalEntry:
    """Undo a rollback (its objects back as they were just before it), logged as ``rollback-undo``.

    An object changed since the rollback is left alone and listed. ``checkpoint``
    is called every ``BATCH`` objects, as for :func:`apply_rollback`.

    :raises Forbidden: the actor is not a moderator.
    :raises ValidationError: the entry is not a rollback, or was already undone.
    """
    if not permissions.can_rollback(actor):
        raise Forbidden(str(_l("Seuls les modérateurs peuvent annuler des modifications en masse.")))
    if entry.action != "rollback" or entry.details.get("undone_by"):
        raise ValidationError(str(_l("Cette annulation en masse a déjà été rétablie.")))
    comment = str(_l("Rétablissement après annulation en masse"))
    done: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    undo = journal.log(
        db,
        action="rollback-undo",
        actor=actor,
        kind=entry.kind,
        object_id=entry.object_id,
        title=entry.title,
        key=entry.key,
        reason=reason,
    )
    entry.details = {**entry.details, "undone_by": undo.id}  # first: a second undo is refused from now on

    def _details() -> dict[str, Any]:
        return {
            "summary": _summary(done, len(skipped)),
            "undoes": entry.id,
            "done": list(done),
            "skipped": list(skipped),
        }

    for n, item in enumerate(entry.details.get("done", []), 1):
        try:
            with db.begin_nested():
                ok = _undo_item(db, item, actor=actor, policy=policy, comment=comment)
        except LieuditError as err:
            ok = False
            item = {**item, "note": str(err)}
        (done if ok else skipped).append(item)
        if checkpoint is not None and n % BATCH == 0:
            undo.details = _details()
            checkpoint()
            time.sleep(PAUSE)
    undo.details = _details()
    db.flush()
    return undo
