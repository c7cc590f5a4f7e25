"""The moderation queue ``/-/moderation`` and the author's view of their waiting contributions.

Moderators list every waiting page edit, new page and record with its diff,
author, time and origin, and accept or refuse each with a reason. Authors
(an anonymous one by the browser session that wrote it) read their items and
the decisions at ``/-/mes-contributions``. The web layer also tells the
services where contributions come from (web or API) for the request.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.activity import pseudonyms
from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import EditConflict
from wiki.errors import ValidationError
from wiki.moderation import decisions
from wiki.moderation import policy
from wiki.moderation import review
from wiki.moderation import waiting

bp = Blueprint("moderation", __name__)
PER_PAGE = 20


def _session_key() -> str | None:
    """The anonymous visitor's key if their session has one (never creates it: reading sets no cookie)."""
    if current_user.is_authenticated:
        return None
    key = session.get("visitor")
    return key if isinstance(key, str) and len(key) == 16 else None


def _pseudonym(session_key: str | None) -> str:
    """The pseudonym recent changes give an anonymous session (its key is never shown)."""
    return pseudonyms.pseudonym(current_app.secret_key, session_key)


def _page_no() -> int:
    raw = request.args.get("page", "")
    return min(int(raw), 10_000) if raw.isdigit() and len(raw) < 6 and int(raw) > 0 else 1


@bp.route("/-/moderation")
def queue() -> Any:
    """List the contributions waiting for review, oldest first (moderators)."""
    if not permissions.can_moderate(current_user):
        abort(403 if current_user.is_authenticated else 404)
    db = get_session()
    kind = request.args.get("type", "")
    page_no = _page_no()
    items = waiting.list_waiting(db, kind=kind, offset=(page_no - 1) * PER_PAGE, limit=PER_PAGE + 1)
    reviews = [review.describe(db, item, current_user, _pseudonym) for item in items[:PER_PAGE]]
    return render_template(
        "moderation/queue.html",
        reviews=reviews,
        kind=kind,
        current=page_no,
        has_more=len(items) > PER_PAGE,
        total=waiting.count_waiting(db),
        errors=g.get("queue_errors", {}),
    )


@bp.route("/-/moderation/<int:item_id>")
def item(item_id: int) -> Any:
    """Show one contribution, its diff and its decision (author and moderators)."""
    db = get_session()
    found = waiting.get_item(db, item_id, current_user, _session_key())
    return render_template(
        "moderation/item.html", review=review.describe(db, found, current_user, _pseudonym), errors={}
    )


def _decide(item_id: int, accept: bool) -> Any:
    # The account is loaded (its own short read) before this request's write transaction begins.
    if not permissions.can_moderate(current_user):
        abort(403 if current_user.is_authenticated else 404)
    db = get_session()
    found = waiting.get_item(db, item_id, current_user, None)
    reason = request.form.get("reason", "")
    back = request.form.get("back") == "item"
    try:
        if accept:
            decisions.accept(db, found, actor=current_user, reason=reason)
        else:
            decisions.refuse(db, found, actor=current_user, reason=reason)
    except (ValidationError, EditConflict) as err:
        db.rollback()
        message = err.message
        if isinstance(err, EditConflict) and err.details.get("fields"):
            message += " " + ", ".join(err.details["fields"])
        errors = {
            f"reason-{item_id}": (err.errors.get("reason") if isinstance(err, ValidationError) else None) or message
        }
        flash(message, "error")
        found = waiting.get_item(db, item_id, current_user, None)
        if back:
            described = review.describe(db, found, current_user, _pseudonym)
            return render_template("moderation/item.html", review=described, errors=errors, reason=reason), 409
        g.queue_errors = errors
        return queue(), 409
    db.commit()
    title = found.title
    flash(_("« %(title)s » acceptée.", title=title) if accept else _("« %(title)s » refusée.", title=title), "success")
    return redirect(url_for("moderation.item", item_id=item_id) if back else url_for("moderation.queue"))


@bp.route("/-/moderation/<int:item_id>/accepter", methods=["POST"])
def accept(item_id: int) -> Any:
    """Accept a waiting contribution (moderators)."""
    return _decide(item_id, True)


@bp.route("/-/moderation/<int:item_id>/refuser", methods=["POST"])
def refuse(item_id: int) -> Any:
    """Refuse a waiting contribution with a reason (moderators)."""
    return _decide(item_id, False)


@bp.route("/-/comptes/<int:user_id>/confiance", methods=["POST"])
def trust(user_id: int) -> Any:
    """Mark an account as trusted, or take the mark back (admins)."""
    if not permissions.can_set_trusted(current_user):  # loads the account before the write transaction
        abort(403)
    db = get_session()
    trusted = request.form.get("trusted") == "1"
    user = policy.set_trusted(db, user_id, trusted, actor=current_user)
    db.commit()
    if trusted:
        flash(_("« %(name)s » publie désormais sans relecture.", name=user.name), "success")
    else:
        flash(_("Les contributions de « %(name)s » passent de nouveau par la relecture.", name=user.name), "success")
    return redirect(url_for("auth.users"))


@bp.route("/-/mes-contributions")
def mine() -> Any:
    """The author's contributions under review and the decisions on them, with reasons."""
    key = _session_key()
    if not current_user.is_authenticated and key is None:
        return redirect(url_for("auth.login", next=request.path))
    items = waiting.list_mine(get_session(), current_user, key)
    return render_template("moderation/mine.html", items=items)


def waiting_count() -> int:
    """How many contributions wait (for the moderators' navigation; 0 for anyone else)."""
    if not permissions.can_moderate(current_user):
        return 0
    if "moderation_waiting" not in g:
        g.moderation_waiting = waiting.count_waiting(get_session())
    return int(g.moderation_waiting)


def own_waiting(kind: str, object_id: int | None = None, key: str = "") -> list[Any]:
    """The current visitor's waiting items on a page or record (for the « en attente » notice)."""
    if not current_user.is_authenticated and _session_key() is None:
        return []
    return waiting.waiting_on(
        get_session(), current_user, kind=kind, object_id=object_id, key=key, session_key=_session_key()
    )


def own_contributions(limit: int = 5) -> list[Any]:
    """The current person's latest contributions under review and decisions (for the account page)."""
    key = _session_key()
    if not current_user.is_authenticated and key is None:
        return []
    return waiting.list_mine(get_session(), current_user, key, limit=limit)


def _origin_start() -> None:
    policy.set_origin("api" if request.path.startswith("/api/") else "web")


def _origin_end(_exc: BaseException | None) -> None:
    policy.set_origin("import")


def register(app: Any) -> None:
    """Register the queue, the origin of each request's contributions and the template helpers."""
    app.register_blueprint(bp)
    app.before_request(_origin_start)
    app.teardown_request(_origin_end)
    app.jinja_env.globals["moderation_waiting_count"] = waiting_count
    app.jinja_env.globals["own_waiting"] = own_waiting
    app.jinja_env.globals["own_contributions"] = own_contributions
    app.jinja_env.globals["origin_labels"] = origin_labels


def origin_labels() -> dict[str, str]:
    """French names of where contributions come from."""
    return {"web": _("site"), "api": _("API"), "import": _("import"), "party": _("wiki-party")}
