"""The moderators' anti-spam screen ``/-/moderation/antispam``: the blocklist and the restricted IP log.

The IP log is shown to moderators only, for abuse handling (which addresses a
wave of spam came from, which anonymous sessions one address opened); it is
never linked from a public page and answers ``Cache-Control: no-store``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required

from wiki.auth import permissions
from wiki.auth.services import account_names
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.moderation import blocklist
from wiki.moderation import iplog

bp = Blueprint("antispam", __name__)

_KEY = re.compile(r"^[0-9a-f]{16}$")
_IP = re.compile(r"^[0-9A-Fa-f:.]{2,45}$")


def _filters() -> dict[str, str]:
    """The IP log filters of the query string, kept only when well formed."""
    ip = request.args.get("ip", "").strip()
    key = request.args.get("session", "").strip()
    return {"ip": ip if _IP.match(ip) else "", "session": key if _KEY.match(key) else ""}


def _page(errors: dict[str, str] | None = None, pattern: str = "", status: int = 200) -> Any:
    if not permissions.can_see_ip_log(current_user):
        abort(403)
    db = get_session()
    filters = _filters()
    entries = iplog.recent(db, ip=filters["ip"], session_key=filters["session"])
    response = current_app.make_response(
        (
            render_template(
                "moderation/antispam.html",
                patterns=blocklist.list_patterns(db),
                settings_patterns=current_app.config["SPAM_BLOCKLIST"],
                entries=entries,
                names=account_names(db, (e.user_id for e in entries if e.user_id)),
                filters=filters,
                retention=current_app.config["IP_RETENTION_DAYS"],
                errors=errors or {},
                pattern=pattern,
            ),
            status,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/-/moderation/antispam")
@login_required
def index() -> Any:
    """Show the blocklist and the IP log (moderators)."""
    if not permissions.can_edit_blocklist(current_user):
        abort(403)
    return _page()


@bp.route("/-/moderation/antispam", methods=["POST"])
@login_required
def change() -> Any:
    """Add a pattern to the blocklist, or remove one."""
    if not permissions.can_edit_blocklist(current_user):
        abort(403)
    db = get_session()
    if request.form.get("action") == "remove":
        raw = request.form.get("pattern_id", "")
        if not raw.isdigit() or len(raw) > 10:
            abort(400)
        removed = blocklist.remove_pattern(db, int(raw), actor=current_user)
        db.commit()
        flash(_("« %(pattern)s » retiré de la liste anti-spam.", pattern=removed.pattern), "success")
        return redirect(url_for("antispam.index"))
    typed = request.form.get("pattern", "")
    try:
        added = blocklist.add_pattern(db, typed, actor=current_user)
    except ValidationError as err:
        db.rollback()
        return _page(errors=err.errors or {"pattern": err.message}, pattern=typed[:300], status=400)
    db.commit()
    flash(_("« %(pattern)s » ajouté à la liste anti-spam.", pattern=added.pattern), "success")
    return redirect(url_for("antispam.index"))
