"""Mass rollback screens: preview what undoing an account, an anonymous session or a window does,
apply it as one logged action, and undo that action from the moderation log.

The target travels in the query (``auteur``, ``anonyme``, ``depuis``,
``jusqua``), so a preview has a URL a moderator can share. The plan is read
and computed before the write transaction begins (:mod:`wiki.activity.rollback`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.activity import rollback
from wiki.activity import rollback_apply
from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.moderation import journal

bp = Blueprint("rollback", __name__)

#: The target's query arguments.
TARGET_ARGS = ("auteur", "anonyme", "depuis", "jusqua")
#: Steps listed in a preview (the counts cover them all).
SHOWN_STEPS = 300


def _require_moderator() -> None:
    if not permissions.can_rollback(current_user):
        raise Forbidden(_("Seuls les modérateurs peuvent annuler des modifications en masse."))


def _args(source: Any) -> dict[str, Any]:
    return {k: v[:2000] for k in TARGET_ARGS if (v := (source.get(k) or "").strip())}


def _plan(args: dict[str, str]) -> rollback.Plan:
    db = get_session()
    target = rollback.read_target(
        db, args, secret=current_app.config["SECRET_KEY"], timezone=current_app.config["DEFAULT_TIMEZONE"]
    )
    plan = rollback.plan_rollback(db, target)
    db.rollback()  # end the read: nothing waits on an open transaction while the page is sent
    return plan


@bp.route("/-/moderation/annulation-en-masse")
def new() -> Any:
    """Choose a target, then preview every step of its rollback."""
    _require_moderator()
    args = _args(request.args)
    plan = _plan(args) if args else None
    return render_template("moderation/rollback.html", args=args, plan=plan, shown=SHOWN_STEPS)


@bp.route("/-/moderation/annulation-en-masse", methods=["POST"])
def create() -> Any:
    """Apply the rollback previewed, as one action of the moderation log."""
    _require_moderator()
    args = _args(request.form)
    plan = _plan(args)
    if not plan.steps:
        flash(_("Rien à annuler pour cette sélection."))
        return redirect(url_for("rollback.new", **args))
    db = get_session()
    entry = rollback_apply.apply_rollback(
        db,
        plan,
        actor=current_user,
        policy=current_app.config["EDIT_POLICY"],
        reason=request.form.get("reason", ""),
        checkpoint=db.commit,
    )
    db.commit()
    flash(_("Annulation faite : %(summary)s.", summary=entry.details.get("summary", "")))
    return redirect(url_for("journal.index", _anchor=f"entry-{entry.id}"))


@bp.route("/-/journal/<int:entry_id>/retablir", methods=["POST"])
def undo(entry_id: int) -> Any:
    """Undo a mass rollback: its objects back as they were just before it."""
    _require_moderator()
    db = get_session()
    entry = journal.get_entry(db, entry_id)
    if entry is None:
        raise NotFound(_("Cette entrée du journal n'existe pas."))
    try:
        done = rollback_apply.undo_rollback(
            db,
            entry,
            actor=current_user,
            policy=current_app.config["EDIT_POLICY"],
            reason=request.form.get("reason", ""),
            checkpoint=db.commit,
        )
    except ValidationError as err:
        flash(str(err))
        return redirect(url_for("journal.index"))
    db.commit()
    flash(_("Annulation rétablie : %(summary)s.", summary=done.details.get("summary", "")))
    return redirect(url_for("journal.index", _anchor=f"entry-{done.id}"))
