"""Who is calling the API: bearer tokens, and CORS for every origin.

``authenticate`` and ``add_cors_headers`` are the hooks of the ``api``
blueprint (``blueprint.py``); ``wiki.errors`` runs the same two around the
error answer of a request under ``/api/v1`` that matches no route. So every
request under ``/api/v1`` goes through them, and nothing else does.

A valid ``Authorization: Bearer TOKEN`` makes the request act as the token's
owner; an invalid, expired or revoked one is refused with 401 and
``WWW-Authenticate: Bearer`` whatever the method. Writes without a token
are refused the same way: the session cookie never authorises an API write
(no CSRF exposure). Preflight ``OPTIONS`` requests carry no credentials and
are answered without authentication.
"""

from __future__ import annotations

from flask import Response
from flask import g
from flask import jsonify
from flask import request
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from wiki.auth import tokens
from wiki.db import get_session

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ALLOWED_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
ALLOWED_HEADERS = "Authorization, Content-Type, If-Match, If-None-Match"
EXPOSED_HEADERS = "ETag, Location, WWW-Authenticate"


def _unauthorized(message: str, *, invalid: bool) -> Response:
    response = jsonify(error="unauthorized", message=message)
    response.status_code = 401
    challenge = 'Bearer realm="lieudit"'
    if invalid:
        challenge += ', error="invalid_token"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def _act_as(user: object) -> None:
    """Make ``current_user`` the token's owner for this request only.

    Flask-Login keeps the request's user in ``g._login_user``; setting it
    there (instead of ``login_user``) leaves the session cookie untouched.
    """
    g._login_user = user
    g.api_token_user = user


def authenticate() -> Response | None:
    """Before-request hook: authenticate API calls by bearer token.

    Returns the refusal (401, or 403 for a write with a read-only token), or
    None to let the request go on as the token's owner (or anonymously).
    """
    if request.method == "OPTIONS":
        return None
    header = request.headers.get("Authorization", "")
    if not header:
        if request.method in SAFE_METHODS:
            return None
        return _unauthorized(
            _("Un jeton d'API est requis pour écrire : en-tête « Authorization: Bearer JETON »."), invalid=False
        )
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _unauthorized(_("Seule l'authentification « Bearer » par jeton d'API est acceptée."), invalid=True)
    db = get_session()
    token = tokens.authenticate_token(db, secret.strip())
    if token is None:
        db.rollback()
        return _unauthorized(_("Jeton d'API inconnu, expiré ou révoqué."), invalid=True)
    user, can_write = token.user, token.can_write
    if db.dirty:
        # Record the time of use now, in its own short transaction; a busy
        # database only delays this bookkeeping, never the request.
        try:
            db.commit()
        except OperationalError:
            db.rollback()
    if request.method not in SAFE_METHODS and not can_write:
        response = jsonify(error="forbidden", message=_("Ce jeton est en lecture seule."))
        response.status_code = 403
        response.headers["WWW-Authenticate"] = 'Bearer realm="lieudit", error="insufficient_scope"'
        return response
    _act_as(user)
    return None


def add_cors_headers(response: Response) -> Response:
    """After-request hook: open the API to every origin, without credentials."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response.vary.add("Authorization")
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    if "api_token_user" in g:
        response.headers["Cache-Control"] = "private, no-store"
    return response
