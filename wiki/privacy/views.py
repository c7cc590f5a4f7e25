"""Privacy screens: what the wiki keeps (``/-/confidentialite``), my data as JSON, an account's erasure.

- ``/-/confidentialite``: the privacy statement, generated from the settings;
- ``/-/compte/mes-donnees.json``: everything stored about me, as an attachment;
- ``/-/comptes/<id>/donnees-personnelles``: for admins, an account's data
  (``.json``: its export) and the erasure form, which asks to type the name.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from flask import Blueprint
from flask import Response
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
from wiki.db import get_session
from wiki.db import utcnow
from wiki.errors import Forbidden
from wiki.privacy import erasure
from wiki.privacy import export
from wiki.privacy import overview
from wiki.privacy import statement

bp = Blueprint("privacy", __name__)
#: Exports up to this size stay in memory; larger ones go to a temporary file.
SPOOL_BYTES = 4 * 2**20
#: Bytes sent at a time.
CHUNK_BYTES = 64 * 1024


@bp.route("/-/confidentialite")
def statement_page() -> Any:
    """What this wiki keeps about people, from its actual settings."""
    facts = statement.read_statement(get_session(), current_app.config)
    return render_template("privacy/statement.html", facts=facts)


def _chunks(spool: Any) -> Iterator[bytes]:
    """The spooled export, read back in chunks; the file is closed once sent."""
    try:
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk
    finally:
        spool.close()


def _download(user: Any) -> Any:
    """The JSON export of ``user``, written aside (memory bounded), then sent once the reading is over."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by _chunks
    db = get_session()
    export.write_export(db, user, lambda text: spool.write(text.encode("utf-8")))
    db.rollback()  # no transaction stays open while the client downloads
    size = spool.tell()
    spool.seek(0)
    response = Response(_chunks(spool), mimetype="application/json")
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'attachment; filename="mes-donnees-{utcnow():%Y-%m-%d}.json"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/-/compte/mes-donnees.json")
@login_required
def my_data() -> Any:
    """Download everything the wiki stores about me."""
    user = export.get_account(get_session(), current_user.id)
    if user is None:
        abort(404)
    return _download(user)


def _account_or_404(user_id: int) -> Any:
    """The account of an admin screen; 403 for non-admins, 404 for no such account."""
    if not permissions.can_erase_account(current_user):
        abort(403)
    user = export.get_account(get_session(), user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/-/comptes/<int:user_id>/donnees-personnelles.json")
@login_required
def account_data(user_id: int) -> Any:
    """An administrator downloads an account's data (to answer the person's request)."""
    user = export.get_account(get_session(), user_id)
    if user is None or not permissions.can_export_personal_data(current_user, user):
        abort(404 if user is None else 403)
    return _download(user)


def _account_page(user: Any, *, error: str = "", status: int = 200) -> Any:
    """The admin screen of one account's personal data."""
    db = get_session()
    counts = overview.overview(db, user)
    refusal = ""
    try:
        erasure.check_erasable(db, user)
    except Forbidden as err:
        refusal = err.message
    page = render_template("privacy/account.html", account=user, counts=counts, refusal=refusal, error=error)
    return page, status


@bp.route("/-/comptes/<int:user_id>/donnees-personnelles")
@login_required
def account(user_id: int) -> Any:
    """An account's personal data: what it wrote, its export, its erasure."""
    return _account_page(_account_or_404(user_id))


@bp.route("/-/comptes/<int:user_id>/effacer", methods=["POST"])
@login_required
def erase(user_id: int) -> Any:
    """Erase an account once the administrator typed its name."""
    user = _account_or_404(user_id)
    typed = request.form.get("confirm", "").strip()
    if typed.casefold() != user.name.casefold():
        message = _("Tapez exactement le nom du compte pour confirmer l'effacement.")
        return _account_page(user, error=message, status=400)
    try:
        result = erasure.erase(get_session(), user_id, actor=current_user, reason=request.form.get("reason", "")[:500])
    except Forbidden as err:
        return _account_page(user, error=err.message, status=403)
    if result.already:
        flash(_("Ce compte était déjà effacé : rien d'autre à changer."), "info")
    else:
        flash(_("Compte effacé : il s'appelle désormais « %(name)s ».", name=result.pseudonym), "success")
    return redirect(url_for("privacy.account", user_id=user_id))
