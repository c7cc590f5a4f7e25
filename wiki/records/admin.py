"""The moderators' blueprint ``forms_admin``: forms, shared choice lists, themes.

Blueprint ``forms_admin``: ``/-/formulaires`` (list, create, field builder,
history, in ``admin_forms``), ``/-/listes`` (shared lists of choices, like
YesWiki's « listes », in ``admin_lists``) and ``/-/thematiques`` (the theme
taxonomy, in ``admin_themes``). This module holds the one blueprint those
screens add their routes to, and what they share at request time: every route
is for moderators, checked once in ``before_request``; the services check
again (STYLE R8). ``wiki.records.init_app`` imports the screen modules, then
registers the blueprint.

Views parse the request, call one service and, on any refusal, re-render with
everything the moderator typed (STYLE R5, R7).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user

from wiki.auth import permissions
from wiki.auth import services as auth_services

bp = Blueprint("forms_admin", __name__)


@bp.before_request
def _moderators_only() -> Any:
    """Every screen here is for moderators; anonymous visitors are sent to log in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if not permissions.can_manage_forms(current_user):
        abort(403)
    return None


def author_names(db: Any, revisions: list[Any]) -> dict[int, str]:
    """Return the names of the accounts that wrote ``revisions``, by id (for history lists)."""
    return auth_services.account_names(db, (r.author_id for r in revisions))
