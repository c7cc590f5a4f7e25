"""The admin screen of hibernation (``/-/sommeil``) and the page that refuses a write while asleep."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from wiki.auth import permissions
from wiki.db import get_session
from wiki.hibernation import services

bp = Blueprint("hibernation", __name__)
#: Fields never shown back: secrets, and the form's own plumbing.
_HIDDEN = ("csrf_token", "website", "base_revision_id")
_SHORT_VALUE = 80
#: Names of the usual fields, as the forms label them.
_LABELS = {"body": _l("Texte"), "title": _l("Titre"), "comment": _l("Résumé de la modification"), "name": _l("Nom")}


@bp.route("/-/sommeil", methods=["GET", "POST"])
def edit() -> Any:
    """Show whether the wiki sleeps; an administrator switches it."""
    if not permissions.can_hibernate(current_user):
        abort(403)
    db = get_session()
    if request.method == "POST":
        asleep = request.form.get("asleep") == "on"
        if services.set_hibernation(db, asleep, actor=current_user):
            db.commit()
        flash(_("Le wiki est en sommeil : lecture seule.") if asleep else _("Le wiki est réveillé."), "success")
        return redirect(url_for("hibernation.edit"))
    return render_template("hibernation/edit.html", state=services.read_state(db))


def refusal() -> Any:
    """The answer to a write while asleep: JSON for the API, else a page that keeps what was typed."""
    message = _("Ce wiki est en sommeil : il se consulte, mais ne se modifie plus pour l’instant.")
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        response = jsonify(error="hibernating", message=message)
        response.status_code = 503
        return response
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in _HIDDEN and not k.startswith("_")]
    secret = any("password" in k or k == "current" for k, _v in fields)
    shown = (
        [] if secret else [(_LABELS.get(k, k), v, "\n" in v or len(v) > _SHORT_VALUE) for k, v in fields if v.strip()]
    )
    return render_template("hibernation/refused.html", message=message, shown=shown), 503
