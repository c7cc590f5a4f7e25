"""Account pages that work through e-mail: « mot de passe oublié », reset, address verification and change.

Every answer is the same whatever account or address exists. Pages reached
by a link carrying a token never send it on (``Referrer-Policy:
no-referrer``) and are never cached; a GET only shows a form, the change
happens on POST (mail scanners open links). The routes join the ``auth``
blueprint when ``wiki.auth.init_app`` imports this module.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Response
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from werkzeug.security import check_password_hash

from wiki.auth import links
from wiki.auth import recovery
from wiki.auth.views import _account_page
from wiki.auth.views import _start_session
from wiki.auth.views import account_settings
from wiki.auth.views import bp
from wiki.auth.views import mail_links
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.mail.services import mail_enabled
from wiki.moderation import guard_views as form_guard

#: A reset request is answered this many seconds after it arrived, whatever was found (HOSTILE_INPUTS 91).
ANSWER_SECONDS = 0.25


def _private(body: str, status: int = 200) -> Response:
    """A page reached through a secret link: not cached, and the link never leaves as a Referer."""
    response = current_app.make_response((body, status))
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/-/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password() -> Any:
    """Ask for a reset link: the same answer, in the same time, whether the account exists or not."""
    started = time.perf_counter()
    enabled = mail_enabled(current_app.config)
    identifier = request.form.get("identifier", "")
    errors: dict[str, str] = {}
    if request.method == "POST" and enabled:
        try:
            form_guard.check_form(field="identifier")
        except ValidationError as err:
            errors = err.errors
        else:
            db = get_session()
            recovery.request_password_reset(db, identifier, links_to=mail_links())
            db.commit()
            # Finding an account and queueing its mail costs a few milliseconds more than finding
            # nothing: every answer waits until the same moment (after the commit, holding nothing).
            time.sleep(max(0.0, ANSWER_SECONDS - (time.perf_counter() - started)))
            return render_template("auth/forgot.html", sent=True, mail_enabled=True)
    body = render_template("auth/forgot.html", sent=False, mail_enabled=enabled, identifier=identifier, errors=errors)
    return body, 400 if errors else 200


@bp.route("/-/mot-de-passe/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    """Choose a new password through a reset link (single use, one hour)."""
    db = get_session()
    try:
        user = links.user_of_reset_token(db, token, current_app.config["SECRET_KEY"])
    except links.InvalidLink:
        db.rollback()
        return _private(render_template("auth/link_invalid.html", kind="reset"), 400)
    errors: dict[str, str] = {}
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password2", ""):
            errors["password2"] = _("Les deux mots de passe ne correspondent pas.")
        else:
            try:
                recovery.reset_password(db, token, password, links_to=mail_links(), settings=account_settings())
            except ValidationError as err:
                db.rollback()
                errors = err.errors or {"password": err.message}
            except links.InvalidLink:
                db.rollback()
                return _private(render_template("auth/link_invalid.html", kind="reset"), 400)
            else:
                db.commit()
                flash(_("Mot de passe changé. Connectez-vous avec le nouveau."), "success")
                return redirect(url_for("auth.login"))
    db.rollback()
    page = render_template("auth/reset.html", token=token, name=user.name, errors=errors)
    return _private(page, 400 if errors else 200)


@bp.route("/-/adresse/<token>", methods=["GET", "POST"])
def confirm_email(token: str) -> Any:
    """Confirm an address through its link: a button (GET), then the change (POST), which ends every session."""
    db = get_session()
    secret = current_app.config["SECRET_KEY"]
    try:
        user, address = links.user_of_verification_token(db, token, secret)
    except links.InvalidLink:
        db.rollback()
        return _private(render_template("auth/link_invalid.html", kind="verify"), 400)
    if request.method == "GET":
        db.rollback()
        return _private(render_template("auth/confirm_email.html", token=token, address=address, name=user.name))
    was_logged_in = current_user.is_authenticated and current_user.id == user.id
    try:
        recovery.confirm_email(db, token, links_to=mail_links())
    except links.InvalidLink:
        db.rollback()
        return _private(render_template("auth/link_invalid.html", kind="verify"), 400)
    except ValidationError as err:
        db.commit()  # the pending address is dropped
        flash(err.message, "error")
        return redirect(url_for("auth.account" if was_logged_in else "auth.login"))
    db.commit()
    if was_logged_in:
        _start_session(user)  # this browser stays logged in; every other session ended
        flash(_("Adresse confirmée. Vos autres sessions ont été fermées."), "success")
        return redirect(url_for("auth.account"))
    flash(_("Adresse confirmée. Toutes les sessions du compte ont été fermées : connectez-vous."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/-/compte/adresse", methods=["POST"])
@login_required
def change_email() -> Any:
    """Change my address (it waits for its link), send the link again, or drop the waiting address."""
    db = get_session()
    user = db.merge(current_user._get_current_object())
    action = request.form.get("action", "change")
    if action == "cancel":
        recovery.cancel_email_change(user)
        db.commit()
        flash(_("La nouvelle adresse a été oubliée."), "info")
        return redirect(url_for("auth.account"))
    if action == "resend":
        sent = recovery.resend_verification(db, user, links_to=mail_links())
        db.commit()
        flash(
            _("Un nouveau lien de confirmation a été envoyé.")
            if sent
            else _("Un lien a déjà été envoyé il y a peu : attendez quelques minutes avant d'en demander un autre."),
            "info",
        )
        return redirect(url_for("auth.account"))
    errors: dict[str, str] = {}
    address = request.form.get("email", "")
    if not check_password_hash(user.password_hash, request.form.get("email_current", "")):
        errors["email_current"] = _("Mot de passe actuel incorrect.")
    else:
        try:
            sent = recovery.request_email_change(db, user, address, links_to=mail_links())
        except ValidationError as err:
            errors = err.errors or {"email": err.message}
    if errors:
        db.rollback()
        return _account_page(errors=errors, email_value=address), 400
    db.commit()
    if sent:
        flash(
            _("Un lien de confirmation a été envoyé à %(address)s : ouvrez-le pour confirmer.", address=address), "info"
        )
    else:
        flash(_("Ce wiki n'envoie pas de courriel : la nouvelle adresse ne peut pas être confirmée."), "info")
    return redirect(url_for("auth.account"))
