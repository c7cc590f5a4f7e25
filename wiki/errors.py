"""Domain errors and their translation to HTTP in one place (STYLE R7).

Services raise these; ``register_error_handlers`` turns them into pages (or
JSON under ``/api/``). Error pages never echo raw request input.

A request that matches no route (404, 405) belongs to no blueprint, so no
blueprint hook runs for it; ``handle_unrouted`` lets a blueprint that owns a
URL prefix (the API under ``/api/v1``) wrap those error answers in its hooks
all the same. This module imports no domain: the hooks are handed in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask import Response
from flask import has_request_context
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from wiki import storage_faults
from wiki.db import give_up_writing
from wiki.security import safe_next

#: Machine-readable error names for HTTP statuses in JSON answers.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    412: "precondition_failed",
    413: "too_large",
    428: "precondition_required",
    429: "throttled",
    503: "busy",
    507: "insufficient_storage",
}

#: Seconds a client is asked to wait (``Retry-After``) before sending again a write refused while the database was busy.
BUSY_RETRY_AFTER = 5
#: SQLSTATEs of PostgreSQL meaning "try again": lock_not_available (``lock_timeout``), deadlock, serialization failure.
_PG_RETRY = frozenset({"55P03", "40P01", "40001"})
#: Longest posted value shown in a one-line field on the "réessayez" page; longer ones get a text area.
_SHORT_VALUE = 80


class LieuditError(Exception):
    """Base of the errors services raise."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class NotFound(LieuditError):
    """The object does not exist or the actor may not know it exists."""

    status = 404
    code = "not_found"


class Gone(LieuditError):
    """The object existed and was deleted."""

    status = 410
    code = "gone"


class Forbidden(LieuditError):
    """The actor may not do this."""

    status = 403
    code = "forbidden"


class ValidationError(LieuditError):
    """Input refused; ``errors`` maps field names to French messages."""

    status = 400
    code = "validation"

    def __init__(self, message: str = "", errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class EditConflict(LieuditError):
    """Someone else changed the object since the edit began and the changes overlap."""

    status = 409
    code = "conflict"


class Throttled(LieuditError):
    """Too many attempts; retry later."""

    status = 429
    code = "throttled"


#: ``app.extensions`` key of the hooks for requests that match no route (``handle_unrouted``).
UNROUTED = "lieudit.unrouted"


@dataclass(frozen=True)
class UnroutedHooks:
    """The hooks of a URL prefix, run around the error answer of a request under it that matches no route."""

    prefix: str
    before: Callable[[], Response | None]
    after: Callable[[Response], Response]


def handle_unrouted(
    app: Flask, prefix: str, *, before: Callable[[], Response | None], after: Callable[[Response], Response]
) -> None:
    """Answer requests under ``prefix`` that match no route as its blueprint's hooks would.

    ``before`` runs first and may answer instead of the 404 or 405 (say, a
    401 for a bad token); ``after`` then finishes whichever answer is sent.
    Werkzeug's own slash redirects (``//`` merged, with a 308) reach no
    error handler: they get neither hook.
    """
    app.extensions.setdefault(UNROUTED, []).append(UnroutedHooks(prefix, before, after))


def _unrouted_hooks(app: Flask) -> UnroutedHooks | None:
    if request.url_rule is not None:
        return None
    for hooks in app.extensions.get(UNROUTED, ()):
        if request.path == hooks.prefix or request.path.startswith(hooks.prefix + "/"):
            return hooks
    return None


def is_lock_timeout(err: BaseException) -> bool:
    """Tell whether a database error means the lock could not be had in time (SQLite busy, PostgreSQL lock timeout)."""
    if not isinstance(err, OperationalError):
        return False
    orig = err.orig
    if (getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)) in _PG_RETRY:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database table is locked" in text


def _busy_page(message: str, *, title: str | None = None, reason: str | None = None) -> Any:
    """The "réessayez" page of a form post: what was typed, in a form that sends it again as it was.

    Hidden fields (the CSRF token, the base revision) go back unchanged, so a retry is checked for
    conflicts like the first try. Nothing is shown back from a form that holds a password. ``title``
    and ``reason`` say why nothing was saved when it was not a busy database (a full disk).
    """
    fields = [(k, v) for k, v in request.form.items(multi=True) if k != "website"]
    secret = any("password" in k or k == "current" for k, _v in fields)
    hidden = [(k, v) for k, v in fields if k in ("csrf_token", "base_revision_id", "action") or k.startswith("_")]
    shown = [(k, v, "\n" in v or len(v) > _SHORT_VALUE) for k, v in fields if (k, v) not in hidden]
    return render_template(
        "errors/busy.html",
        message=message,
        title=title,
        reason=reason,
        fields=not secret and bool(shown),
        hidden=hidden,
        shown=shown,
        files=bool(request.files),
        target=safe_next(request.full_path.rstrip("?"), request.path),
        back=safe_next(request.path),
    )


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith((".json", ".geojson"))


#: The security log (HOSTILE_INPUTS G27): refusals, never a password, a token nor an address.
security_log = logging.getLogger("lieudit.security")


def log_refusal(status: int, reason: str = "") -> None:
    """Write one line to the security log for a refused request (401, 403, 429).

    The route's pattern is logged, not the path (a path may carry a secret
    link's token); the account by its id; the client not at all.
    """
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    account = getattr(current_user, "id", None) if has_request_context() else None
    security_log.warning("refused %d %s %s account=%s %s", status, request.method, rule, account, reason)


def register_error_handlers(app: Flask) -> None:
    """Register handlers for domain errors and HTTP errors."""

    @app.errorhandler(LieuditError)
    def _domain_error(err: LieuditError) -> Any:
        if err.status in (401, 403, 429):
            log_refusal(err.status, err.code)
        if _wants_json():
            payload: dict[str, Any] = {"error": err.code, "message": err.message}
            if isinstance(err, ValidationError) and err.errors:
                payload["errors"] = err.errors
            return jsonify(payload), err.status
        return render_template("errors/error.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> Any:
        hooks = _unrouted_hooks(app)
        if hooks is not None:
            refused = hooks.before()
            if refused is not None:
                return hooks.after(refused)
        status = err.code or 500
        if status in (401, 403, 429):
            log_refusal(status)
        messages = {
            400: _("La requête n'a pas pu être comprise."),
            401: _("Authentification requise."),
            403: _("Vous n'avez pas le droit d'accéder à cette page."),
            404: _("Cette page n'existe pas."),
            405: _("Cette action n'est pas permise ici."),
            413: _("Le fichier ou le texte envoyé est trop volumineux."),
            429: _("Trop de tentatives : réessayez dans quelques minutes."),
        }
        message = messages.get(status, _("Une erreur est survenue."))
        if _wants_json():
            response = jsonify(error=HTTP_CODES.get(status, str(status)), message=message)
            response.status_code = status
        else:
            response = app.make_response((render_template("errors/error.html", status=status, message=message), status))
        allow = dict(err.get_headers()).get("Allow")
        if allow:
            response.headers["Allow"] = allow
        return hooks.after(response) if hooks is not None else response

    @app.errorhandler(CSRFError)
    def _csrf_error(err: CSRFError) -> Any:
        # Never lose typed text because a token expired: show it back (B12, G23).
        if _wants_json():
            return jsonify(error="csrf", message=err.description), 400
        kept = [
            (k, v)
            for k, v in request.form.items()
            if k not in ("csrf_token", "base_revision_id", "action", "current", "website") and "password" not in k and v
        ]
        back = safe_next(request.path)
        return render_template("errors/csrf.html", kept=kept, back=back), 400

    def _storage_fault(err: BaseException, kind: str) -> Any:
        # A full disk (507) or a disk error (503) during a write: the transaction is rolled back (files
        # written for it go with it, wiki.uploads), the typed text comes back, reads go on (G6, issue 17).
        rule = request.url_rule.rule if request.url_rule is not None else request.path
        storage_faults.log_fault(err, f"{request.method} {rule}")
        give_up_writing()
        full = kind == storage_faults.FULL
        status, code = (507, "insufficient_storage") if full else (503, "storage_error")
        if full:
            message = _("Le disque du wiki est plein : votre modification n’a pas été enregistrée.")
        else:
            message = _("Le disque du wiki a rencontré une erreur : votre modification n’a pas été enregistrée.")
        if request.method in ("GET", "HEAD", "OPTIONS"):
            message = _(
                "Le disque du wiki est plein ou en erreur : cette page ne peut pas être affichée pour l’instant."
            )
        reason = _("Rien n’a été écrit : la version précédente est intacte. Prévenez les administrateurs du wiki.")
        if _wants_json():
            return jsonify(error=code, message=message), status
        try:
            if request.method == "POST" and (request.form or request.files):
                return _busy_page(message, title=_("Enregistrement impossible"), reason=reason), status
            return render_template("errors/error.html", status=status, message=message), status
        except Exception:  # the page needs the database too (the account shown), which may not even open
            app.logger.warning("storage fault page not rendered: %s %s answered in plain text", request.method, rule)
            return Response(f"{message}\n{reason}\n", status=status, mimetype="text/plain")

    @app.errorhandler(OperationalError)
    def _database_error(err: OperationalError) -> Any:
        # A write that could not get the lock in time (a long transaction elsewhere): 503 and "try
        # again", with the typed text kept, never a 500 that loses it (issue 17).
        fault = storage_faults.classify(err)
        if fault is not None:
            return _storage_fault(err, fault)
        if not is_lock_timeout(err):
            return _unexpected(err)
        app.logger.warning("database busy: %s %s refused with 503", request.method, request.path)
        give_up_writing()
        message = _("Le wiki est occupé, réessayez dans un instant.")
        if _wants_json():
            response = jsonify(error="busy", message=message)
            response.status_code = 503
        elif request.method == "POST" and request.form:
            response = app.make_response((_busy_page(message), 503))
        else:
            response = app.make_response((render_template("errors/error.html", status=503, message=message), 503))
        response.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
        return response

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Any:
        fault = storage_faults.classify(err)  # a file write's ENOSPC or EIO (an upload), wrapped or not
        if fault is not None:
            return _storage_fault(err, fault)
        # Details go to the log only: never a traceback in the page (B14-122).
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        message = _("Une erreur inattendue est survenue. Elle a été enregistrée.")
        if _wants_json():
            return jsonify(error="internal", message=message), 500
        return render_template("errors/error.html", status=500, message=message), 500
