"""The public moderation log ``/-/journal`` and its Atom feed.

Shows what moderators decided, by whom and why: no IP address, no e-mail,
no private detail (only an entry's public ``summary``).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import make_response
from flask import render_template
from flask import request
from flask_login import current_user

from wiki.auth import permissions
from wiki.db import get_session
from wiki.moderation import journal

bp = Blueprint("journal", __name__)

_ACTION = re.compile(r"^[a-z][a-z0-9-]{0,31}$")


def _page_no() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and raw != "0" else 1


def _action() -> str | None:
    raw = request.args.get("action", "")
    return raw if _ACTION.match(raw) else None


@bp.route("/-/journal")
def index() -> Any:
    """List moderation decisions, newest first, optionally of one action."""
    per_page = current_app.config["PER_PAGE"]
    page_no = _page_no()
    action = _action()
    db = get_session()
    items = journal.list_entries(db, action=action, offset=(page_no - 1) * per_page, limit=per_page + 1)
    return render_template(
        "moderation/journal.html",
        items=items[:per_page],
        has_more=len(items) > per_page,
        current=page_no,
        action=action,
        actions=journal.list_actions(db),
        can_rollback=permissions.can_rollback(current_user),
    )


@bp.route("/-/journal.atom")
def feed() -> Any:
    """Atom feed of the 50 latest moderation decisions."""
    items = journal.list_entries(get_session(), action=_action(), limit=50)
    response = make_response(render_template("moderation/journal.atom.xml", items=items))
    response.mimetype = "application/atom+xml"
    return response
