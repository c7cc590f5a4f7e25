"""Recent changes as a page and as an Atom feed."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import ngettext
from flask_login import current_user

from wiki.activity import patrol
from wiki.activity import pseudonyms
from wiki.activity import services
from wiki.activity.models import Activity
from wiki.auth import permissions
from wiki.db import get_session

bp = Blueprint("activity", __name__)


def _diff_url(endpoint: str, number: int, *, external: bool, **ident: Any) -> str:
    """The diff of revision ``number`` against the one before (``from`` is a Python keyword: passed in a dict)."""
    args: dict[str, Any] = {**ident, "to": number, "from": number - 1}  # url_for takes values of any type
    return url_for(endpoint, _external=external, **args)


def change_url(item: Activity, *, external: bool = False) -> str:
    """Return where a change is best seen: its diff, or the object."""
    if item.kind == "page":
        if item.revision_number and item.revision_number > 1 and item.action in ("edit", "merge", "revert", "rename"):
            return _diff_url("pages.diff", item.revision_number, external=external, slug=item.key)
        return url_for("pages.show", slug=item.key, _external=external)
    if item.kind == "record" and item.key.isdigit():
        if item.revision_number and item.revision_number > 1 and item.action in ("edit", "revert"):
            return _diff_url("records.diff", item.revision_number, external=external, record_id=int(item.key))
        return url_for("records.show", record_id=int(item.key), _external=external)
    if item.kind == "form":
        return url_for("records.listing", key=item.key, _external=external)
    return url_for("pages.home", _external=external)


def atom_date(value: Any) -> str:
    """Format a datetime as RFC 3339 for Atom (epoch when missing)."""
    if value is None:
        return "1970-01-01T00:00:00Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _page_no() -> int:
    raw = request.args.get("page", "1")
    return min(int(raw), 10_000) if raw.isdigit() and raw != "0" else 1


def pseudonym(session_key: str | None) -> str:
    """Jinja filter: the public pseudonym of an anonymous session key ("" for none)."""
    return pseudonyms.pseudonym(current_app.config["SECRET_KEY"], session_key)


def revision_pseudonyms(kind: str, object_id: int) -> dict[int, str]:
    """Jinja global: pseudonyms of an object's anonymous revisions, by number (for its history)."""
    return pseudonyms.revision_pseudonyms(get_session(), current_app.config["SECRET_KEY"], kind, object_id)


@bp.route("/-/modifications")
def index() -> Any:
    """List recent changes across the wiki, filtered by the query (a shareable URL)."""
    per_page = current_app.config["PER_PAGE"]
    page_no = _page_no()
    db = get_session()
    chosen = patrol.read_filter(db, request.args, secret=current_app.config["SECRET_KEY"], actor=current_user)
    items = services.recent_changes(db, where=chosen.conditions, offset=(page_no - 1) * per_page, limit=per_page + 1)
    return render_template(
        "activity/index.html",
        items=items[:per_page],
        has_more=len(items) > per_page,
        current=page_no,
        change_url=change_url,
        kind=chosen.args.get("type"),
        filters=chosen.args,
        can_patrol=permissions.can_patrol(current_user),
        forms=patrol.form_choices(db),
    )


@bp.route("/-/modifications/relecture", methods=["POST"])
def patrol_changes() -> Any:
    """Mark the ticked changes, or all those shown, as reviewed; back to the same filtered list."""
    ids = request.form.getlist("shown" if request.form.get("scope") == "all" else "change")
    done = patrol.mark_patrolled(get_session(), (int(i) for i in ids if i.isdigit()), actor=current_user)
    get_session().commit()
    flash(ngettext("%(num)d modification marquée comme relue.", "%(num)d modifications marquées comme relues.", done))
    back: dict[str, Any] = {k: v for k in patrol.ARGS if (v := request.form.get(k, "")[:64])}
    return redirect(url_for("activity.index", **back))


@bp.route("/-/modifications.atom")
def feed() -> Any:
    """Atom feed of the 50 latest changes."""
    db = get_session()
    chosen = patrol.read_filter(db, request.args, secret=current_app.config["SECRET_KEY"], actor=None)
    items = services.recent_changes(db, where=chosen.conditions, limit=50)
    body = render_template("activity/feed.atom.xml", items=items, change_url=change_url)
    response = make_response(body)
    response.mimetype = "application/atom+xml"  # Werkzeug adds "; charset=utf-8" to an XML type
    return response
