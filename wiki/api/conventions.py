"""The HTTP conventions every ``/api/v1`` resource shares: JSON in and out, ETags, preconditions.

- Answers are JSON; one that names a version carries it as ``ETag``, and a
  GET whose ``If-None-Match`` names it gets 304 (``json_response``).
- Errors a view answers itself are JSON ``{"error", "message"}`` like those
  of ``wiki.errors`` (``problem``); 412 and 428 also give the current ETag.
- Optimistic concurrency: a change sends back the ETag it read in
  ``If-Match`` (``check_precondition``: 428 without it when required, or
  with ``*`` instead of a real ETag; 412 when it is stale).
- Request bodies are JSON objects (``json_body``, ``text_field``), read and
  parsed by ``read_body`` before any database work (no lock held while a
  client sends slowly); too deep ones and lone surrogates are refused (400);
  timestamps are ISO 8601 in UTC with a ``Z`` (``iso``).

Imports Flask and ``wiki.errors`` only: no domain.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import g
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
    if request.if_match.star_tag:
        if not required:
            return None
        # "*" matches any version: a change that must name the version it read would become a blind overwrite.
        return problem(
            428,
            "precondition_required",
            _("« If-Match: * » ne suffit pas : envoyez l'ETag de la version que vous modifiez."),
            etag=current_etag,
        )
    if request.if_match.contains(current_etag):
        return None
    return problem(
        412,
        "precondition_failed",
        _("La ressource a changé depuis votre lecture : relisez-la et refaites votre modification."),
        etag=current_etag,
    )


#: Deepest nesting of arrays and objects a JSON body may have (a record is two levels deep).
MAX_JSON_DEPTH = 32
#: ``g`` key of the refusal found while parsing the body (``read_body``).
_BODY_ERROR = "api_body_error"


def read_body() -> None:
    """Read and parse the request's JSON body now, before any database work.

    A body sent slowly is then waited for while no transaction is open: the
    write lock is taken after it has fully arrived (issue 17). The parsed
    value is kept by Flask for ``json_body``; a body too deep to parse is
    remembered as a refusal for ``json_body`` to give.
    """
    if _BODY_ERROR in g:
        return
    request.get_data(cache=True)
    error = None
    if request.is_json:
        try:
            request.get_json(silent=True)
        except RecursionError:
            error = _("Le corps JSON est trop imbriqué.")
    setattr(g, _BODY_ERROR, error)


def _check_json(data: Any) -> None:
    """Refuse nesting deeper than ``MAX_JSON_DEPTH`` and texts no database can store (lone surrogates).

    :raises ValidationError: with a French message.
    """
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as err:
                raise ValidationError(
                    _("Le texte envoyé contient un caractère invalide (un demi-codet UTF-16 isolé).")
                ) from err
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise ValidationError(_("Le corps JSON est trop imbriqué."))
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        pending.extend((item, depth + 1) for item in items)


def json_body() -> dict[str, Any]:
    """The request's JSON object (read by ``read_body`` before any database work, or now).

    :raises ValidationError: the body is not a JSON object, is too deep or holds an invalid character.
    """
    read_body()
    refusal = g.get(_BODY_ERROR)
    if refusal:
        raise ValidationError(refusal)
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise ValidationError(_("Le corps de la requête doit être un objet JSON (Content-Type: application/json)."))
    _check_json(data)
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
