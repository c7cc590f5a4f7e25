"""Account pages: log in, log out, register, my account and API tokens, user admin."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from wiki.auth import permissions
from wiki.auth import recovery
from wiki.auth import services
from wiki.auth import sessions
from wiki.auth import tokens
from wiki.db import get_session
from wiki.db import utcnow
from wiki.errors import Throttled
from wiki.errors import ValidationError
from wiki.errors import security_log
from wiki.moderation import guard_views as form_guard
from wiki.security import safe_next

bp = Blueprint("auth", __name__)


def account_settings() -> services.Settings:
    """Account settings read from the app configuration."""
    cfg = current_app.config
    return services.Settings(
        hash_method=cfg["PASSWORD_HASH_METHOD"],
        free_attempts=int(cfg["LOGIN_FREE_ATTEMPTS"]),
        max_delay=int(cfg["LOGIN_MAX_DELAY"]),
        account_free_attempts=int(cfg["LOGIN_ACCOUNT_FREE_ATTEMPTS"]),
    )


def client_key() -> str:
    """A keyed hash of the client's address (read through the trusted proxies): it tells
    clients apart for the login back-off without keeping the address."""
    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(secret, (request.remote_addr or "").encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def mail_links() -> recovery.Links:
    """The secret and the absolute URLs that mails name (built on ``BASE_URL``)."""
    return recovery.Links(
        secret=current_app.config["SECRET_KEY"],
        reset=lambda token: url_for("auth.reset_password", token=token, _external=True),
        verify=lambda token: url_for("auth.confirm_email", token=token, _external=True),
        forgot=url_for("auth.forgot_password", _external=True),
    )


def _start_session(user: Any) -> None:
    """Log ``user`` in on this browser: a fresh cookie (no session fixation, B10-89) and a login held on the server."""
    session.clear()
    db = get_session()
    sessions.open_login(db, user, lifetime=current_app.permanent_session_lifetime)
    db.commit()
    login_user(user)


@bp.route("/-/connexion", methods=["GET", "POST"])
def login() -> Any:
    """Show the login form and log in."""
    next_url = safe_next(request.values.get("next"))
    error = None
    status = 200
    if request.method == "POST":
        db = get_session()
        try:
            form_guard.check_form(field="name")
            user = services.authenticate(
                db,
                request.form.get("name", ""),
                request.form.get("password", ""),
                settings=account_settings(),
                client=client_key(),
            )
        except (ValidationError, Throttled) as err:
            db.commit()  # keep the failure count
            security_log.warning(
                "login refused account_name=%r client=%s throttled=%s",
                request.form.get("name", "")[:64],
                client_key(),
                isinstance(err, Throttled),
            )
            error, status = err.message, err.status if isinstance(err, Throttled) else 400
        else:
            db.commit()
            _start_session(user)
            flash(_("Bienvenue, %(name)s !", name=user.name), "success")
            return redirect(next_url)
    return render_template("auth/login.html", next=next_url, error=error, name=request.form.get("name", "")), status


@bp.route("/-/deconnexion", methods=["POST"])
def logout() -> Any:
    """Log out of this browser (POST only: no state change on GET); a copy of its cookie opens nothing after."""
    session_id = session.get("_user_id")
    if session_id:
        db = get_session()
        sessions.close_login(db, str(session_id))
        db.commit()
    logout_user()
    session.clear()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("pages.home"))


@bp.route("/-/inscription", methods=["GET", "POST"])
def register() -> Any:
    """Create an account as a contributor."""
    if not current_app.config["REGISTRATION_OPEN"]:
        abort(404)
    errors: dict[str, str] = {}
    form = {"name": request.form.get("name", ""), "email": request.form.get("email", "")}
    if request.method == "POST":
        db = get_session()
        password = request.form.get("password", "")
        if password != request.form.get("password2", ""):
            errors["password2"] = _("Les deux mots de passe ne correspondent pas.")
        try:
            form_guard.check_form(field="name")  # honeypot and fill time
        except ValidationError as err:
            errors.update(err.errors)
        if not errors:
            try:
                # A typed address waits for its verification link; whether another account has it changes nothing here.
                user = recovery.register_account(
                    db,
                    name=form["name"],
                    password=password,
                    email=form["email"],
                    links_to=mail_links(),
                    settings=account_settings(),
                )
            except ValidationError as err:
                db.rollback()
                errors = err.errors or {"name": err.message}
            else:
                db.commit()
                _start_session(user)
                flash(_("Votre compte est créé. Bienvenue !"), "success")
                if user.email_pending:
                    flash(_email_notice(), "info")
                return redirect(safe_next(request.values.get("next")))
    status = 400 if errors else 200
    return render_template("auth/register.html", form=form, errors=errors, next=request.values.get("next", "")), status


def _email_notice() -> str:
    """What a person who typed an address is told, the same whether or not another account has it."""
    if current_app.config.get("MAIL_SERVER"):
        return _("Un lien de confirmation a été envoyé à votre adresse : ouvrez-le pour la confirmer.")
    return _("Ce wiki n'envoie pas de courriel : votre adresse ne peut pas encore être confirmée.")


@bp.route("/-/compte", methods=["GET", "POST"])
@login_required
def account() -> Any:
    """Show my account; change my password or log out everywhere."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        db = get_session()
        user = db.merge(current_user._get_current_object())
        if request.form.get("action") == "logout_all":
            services.end_all_sessions(user)
            db.commit()
            logout_user()
            session.clear()
            flash(_("Toutes vos sessions ont été fermées."), "info")
            return redirect(url_for("auth.login"))
        try:
            services.change_password(
                user, request.form.get("current", ""), request.form.get("password", ""), settings=account_settings()
            )
        except ValidationError as err:
            errors = err.errors or {"password": err.message}
        else:
            recovery.notify_password_changed(db, user, links_to=mail_links())
            db.commit()
            _start_session(user)
            flash(_("Mot de passe modifié. Vos autres sessions ont été fermées."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(errors=errors), 400 if errors else 200


def _account_page(**context: Any) -> str:
    """Render my account with my API tokens."""
    user = get_session().merge(current_user._get_current_object())
    return render_template("auth/account.html", tokens=tokens.list_tokens(get_session(), user), now=utcnow(), **context)


@bp.route("/-/compte/jetons", methods=["POST"])
@login_required
def api_tokens() -> Any:
    """Create an API token (its secret is shown once, never stored) or revoke one."""
    db = get_session()
    user = db.merge(current_user._get_current_object())
    if request.form.get("action") == "revoke":
        token_id = request.form.get("token_id", "")
        if not token_id.isdigit() or len(token_id) > 12:
            abort(400)
        revoked = tokens.revoke_token(db, user, int(token_id))
        db.commit()
        flash(_("Jeton « %(name)s » révoqué.", name=revoked.name), "success")
        return redirect(url_for("auth.account"))
    raw_days = request.form.get("expires", "").strip()
    try:
        days = int(raw_days) if raw_days else None
        if raw_days and (not raw_days.isdigit() or len(raw_days) > 5):
            raise ValueError(raw_days)
        created = tokens.create_token(
            db,
            user,
            request.form.get("token_name", ""),
            expires_in_days=days,
            can_write=request.form.get("can_write") == "1",
        )
    except ValueError:
        db.rollback()
        errors = {"expires": _("Entre 1 et 3650 jours.")}
        return _account_page(
            errors=errors,
            token_name=request.form.get("token_name", ""),
            token_expires=raw_days,
            token_can_write=request.form.get("can_write"),
        ), 400
    except ValidationError as err:
        db.rollback()
        errors = {("token_name" if k == "name" else k): v for k, v in err.errors.items()}
        return _account_page(
            errors=errors,
            token_name=request.form.get("token_name", ""),
            token_expires=raw_days,
            token_can_write=request.form.get("can_write"),
        ), 400
    db.commit()
    # The secret goes into this answer only: never into the (signed, not
    # encrypted) session cookie through a flash message.
    response = current_app.make_response(
        _account_page(errors={}, new_token=created.secret, new_token_name=created.token.name)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/-/comptes", methods=["GET", "POST"])
@login_required
def users() -> Any:
    """List accounts and change roles (admins only)."""
    if not permissions.can_manage_users(current_user):
        abort(403)
    db = get_session()
    if request.method == "POST":
        user_id = request.form.get("user_id", "")
        if not user_id.isdigit():
            abort(400)
        user = services.set_role(
            db, int(user_id), request.form.get("role", ""), is_active=request.form.get("is_active") == "1"
        )
        db.commit()
        flash(_("Compte « %(name)s » mis à jour.", name=user.name), "success")
        return redirect(url_for("auth.users"))
    return render_template("auth/users.html", users=services.list_users(db), roles=services.ROLES)
