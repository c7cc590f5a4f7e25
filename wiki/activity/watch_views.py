"""Watches on the web: follow and unfollow buttons, « Mes suivis », each watch's Atom feed, unsubscribe."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from wiki.activity import digests
from wiki.activity import watches
from wiki.activity.views import change_url
from wiki.activity.watch_models import FREQUENCIES
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.mail.services import mail_enabled
from wiki.security import safe_next

bp = Blueprint("watch", __name__)


def watching(loaded_page: Any = None, **args: Any) -> int | None:
    """Jinja global: the id of the current user's watch of the target named by ``args``, or None.

    ``loaded_page``: the page the view already loaded, when ``args`` names it (it is not read again).
    """
    if not getattr(current_user, "is_authenticated", False):
        return None
    db = get_session()
    if loaded_page is not None and args.get("page") == loaded_page.slug and loaded_page.deleted_at is None:
        target: watches.Target | None = watches.Target(page_id=loaded_page.id)
    else:
        target = watches.read_target(db, {k: str(v) for k, v in args.items() if v})
    return watches.find_id(db, current_user, target) if target else None


@bp.route("/-/suivi/flux.atom")
def feed() -> Any:
    """Atom feed of one watch, by a public, secret-free URL: public changes only."""
    db = get_session()
    target = watches.read_target(db, request.args)
    if target is None:
        abort(404)
    items = watches.changes(db, [target], limit=50)
    body = render_template(
        "activity/watch.atom.xml",
        items=items,
        change_url=change_url,
        title=watches.title(db, target),
        args=watches.query_args(db, target),
    )
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/-/suivis")
@login_required
def mine() -> Any:
    """« Mes suivis »: what I follow, each with its feed, and how often I get a digest."""
    db = get_session()
    rows = []
    for watch in watches.watches_of(db, current_user.id):
        target = watches.Target.of(watch)
        rows.append((watch, watches.title(db, target), watches.query_args(db, target)))
    state = watches.digest_state(db, current_user.id)
    db.commit()
    return render_template(
        "activity/watches.html",
        rows=rows,
        frequency=state.frequency,
        frequencies=FREQUENCIES,
        mail=mail_enabled(current_app.config),
        has_email=bool(current_user.email),
    )


@bp.route("/-/suivis/suivre", methods=["POST"])
@login_required
def follow() -> Any:
    """Follow the page, record, form, theme or commune named by the form's fields."""
    db = get_session()
    target = watches.read_target(db, request.form)
    if target is None:
        abort(404)
    try:
        watches.follow(db, current_user, target)
    except ValidationError as err:
        flash(err.message, "error")
    else:
        db.commit()
        flash(_("Vous suivez désormais : %(title)s.", title=watches.title(db, target)), "success")
    return redirect(safe_next(request.form.get("next"), url_for("watch.mine")))


@bp.route("/-/suivis/<int:watch_id>/retirer", methods=["POST"])
@login_required
def unfollow(watch_id: int) -> Any:
    """Stop following one thing."""
    db = get_session()
    watches.unfollow(db, current_user, watch_id)
    db.commit()
    flash(_("Suivi retiré."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("watch.mine")))


@bp.route("/-/suivis/resume", methods=["POST"])
@login_required
def frequency() -> Any:
    """Choose how often the digest comes: never, daily or weekly."""
    db = get_session()
    try:
        watches.set_frequency(db, current_user.id, request.form.get("frequency", ""))
    except ValidationError as err:
        flash(err.message, "error")
    else:
        db.commit()
        flash(_("Préférence du résumé enregistrée."), "success")
    return redirect(url_for("watch.mine"))


@bp.route("/-/suivis/desabonner/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """Stop the digests from the e-mail's signed link, without login: one click (RFC 8058 POST too)."""
    user_id = digests.read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    if user_id is None:
        abort(404)
    done = request.method == "POST"
    if done:
        db = get_session()
        digests.unsubscribe(db, user_id)
        db.commit()
    response = make_response(render_template("activity/unsubscribe.html", token=token, done=done))
    response.headers["Cache-Control"] = "no-store"
    return response
