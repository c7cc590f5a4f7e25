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

Nothing here holds a lock while waiting on the client (issue 17): a
write's body is read and parsed before the token is looked up, the lookup
is a read ended at once, and the token's last use (recorded at most every
few minutes) is written in its own short transaction after the answer.
"""

from __future__ import annotations

import functools
from datetime import datetime

from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from wiki.api.conventions import read_body
from wiki.auth import tokens
from wiki.db import Database
from wiki.db import get_session
from wiki.db import read_only_intent
from wiki.db import utcnow

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
    if request.method not in SAFE_METHODS:
        # The whole body first, while no transaction is open: a client that
        # sends it slowly makes only its own request wait (issue 17).
        read_body()
    db = get_session()
    now = utcnow()
    # A read (BEGIN DEFERRED on SQLite), ended before the view runs: the
    # view's own transaction takes the write lock when it needs it.
    with read_only_intent():
        token = tokens.authenticate_token(db, secret.strip(), now=now)
        found = None if token is None else (token.id, token.user, token.can_write, tokens.use_to_record(token, now))
        db.commit()
    if found is None:
        return _unauthorized(_("Jeton d'API inconnu, expiré ou révoqué."), invalid=True)
    token_id, user, can_write, to_record = found
    if to_record:
        g.api_token_use = (token_id, now)
    if request.method not in SAFE_METHODS and not can_write:
        response = jsonify(error="forbidden", message=_("Ce jeton est en lecture seule."))
        response.status_code = 403
        response.headers["WWW-Authenticate"] = 'Bearer realm="lieudit", error="insufficient_scope"'
        return response
    _act_as(user)
    return None


def _record_token_use(app: Flask, token_id: int, now: datetime) -> None:
    """Record a token's use in its own short transaction, once the answer is sent.

    A busy database only loses this bookkeeping (the next use records it),
    never delays or fails the request.
    """
    session = Database.new_session(app)
    try:
        tokens.record_use(session, token_id, now)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        app.logger.info("API token use not recorded (database busy)")
    finally:
        session.close()


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
    use = g.pop("api_token_use", None)
    if use is not None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response.call_on_close(functools.partial(_record_token_use, app, *use))
    return response
