"""The HTTP conventions every ``/api/v1`` resource shares: JSON in and out, ETags, preconditions.

- Answers are JSON; one that names a version carries it as ``ETag``, and a
  GET whose ``If-None-Match`` names it gets 304 (``json_response``).
- Errors a view answers itself are JSON ``{"error", "message"}`` like those
  of ``wiki.errors`` (``problem``); 412 and 428 also give the current ETag.
- Optimistic concurrency: a change sends back the ETag it read in
  ``If-Match`` (``check_precondition``: 428 without it when required, 412
  when it is stale).
- Request bodies are JSON objects (``json_body``, ``text_field``);
  timestamps are ISO 8601 in UTC with a ``Z`` (``iso``).

Imports Flask and ``wiki.errors`` only: no domain.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import jsonify
from flask import request
from flask_babel import gettext as _

from wiki.errors import ValidationError


def iso(value: Any) -> str | None:
    """A datetime as ISO 8601 (UTC as ``Z``), or None."""
    return value.isoformat().replace("+00:00", "Z") if value else None


def json_response(payload: Any, *, etag: str | None = None, status: int = 200) -> Response:
    """``payload`` as JSON; with ``etag``, its ETag, and 304 for a GET that already holds it."""
    response = jsonify(payload)
    response.status_code = status
    if etag:
        response.set_etag(etag)
        if status == 200 and request.method in ("GET", "HEAD"):
            # ``If-None-Match`` with the current ETag: 304, no body.
            response.make_conditional(request)
    return response


def problem(status: int, code: str, message: str, *, etag: str | None = None, **extra: Any) -> Response:
    """A JSON error answer; ``etag`` tells a client the current version."""
    payload = {"error": code, "message": message, **extra}
    if etag:
        payload["etag"] = f'"{etag}"'
    return json_response(payload, etag=etag, status=status)


def check_precondition(current_etag: str, *, required: bool) -> Response | None:
    """Check ``If-Match`` against the current ETag; return the error answer, or None to go on."""
    if not request.headers.get("If-Match"):
        if not required:
            return None
        return problem(
            428,
            "precondition_required",
            _("Envoyez l'en-tête « If-Match » avec l'ETag de la version que vous modifiez."),
            etag=current_etag,
        )
    if request.if_match.star_tag or request.if_match.contains(current_etag):
        return None
    return problem(
        412,
        "precondition_failed",
        _("La ressource a changé depuis votre lecture : relisez-la et refaites votre modification."),
        etag=current_etag,
    )


def json_body() -> dict[str, Any]:
    """The request's JSON object.

    :raises ValidationError: the body is not a JSON object.
    """
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise ValidationError(_("Le corps de la requête doit être un objet JSON (Content-Type: application/json)."))
    return data


def text_field(data: dict[str, Any], key: str, *, required: bool = False, default: str = "") -> str:
    """The text ``data[key]`` (``default`` when absent and not ``required``).

    :raises ValidationError: missing while required, or not a string.
    """
    value = data.get(key, None)
    if value is None and not required:
        return default
    if not isinstance(value, str):
        message = _("Champ obligatoire (texte).") if value is None else _("Texte attendu.")
        raise ValidationError(_("Requête invalide : corrigez les champs signalés."), {key: message})
    return value
