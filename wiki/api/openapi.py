"""The OpenAPI 3.1 document of ``/api/v1``, assembled from the ``api`` blueprint's routes.

Each view of the blueprint carries its operation object, written beside its
route in its resource module with ``@describe``. ``build_document`` walks the
blueprint's rules in the app's URL map: each rule gives an OpenAPI path
(``openapi_path``), its path parameters (``PATH_PARAMETERS``) and, for its
one method, the operation of its view; ``schemas`` gives the components. A
route without a description stops the document from being built (and its
test fails); a description cannot exist without the route it decorates.

The builders (``ok``, ``errors``, ``query``, ``request_json``…) keep the
descriptions short and alike. The document itself is served here, at
``/api/v1/openapi.json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from importlib import metadata
from typing import Any
from typing import TypeVar

from flask import Flask
from flask import Response
from flask import current_app
from flask import url_for
from werkzeug.routing import Rule

from wiki.api import conventions
from wiki.api.blueprint import bp
from wiki.api.schemas import SCHEMAS
from wiki.api.schemas import ref

View = TypeVar("View", bound=Callable[..., Any])

#: Attribute of a view function holding its OpenAPI operation object (``describe``).
OPERATION_ATTRIBUTE = "openapi_operation"
#: Methods Flask answers by itself for every route: not described.
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
_VARIABLE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _path_param(name: str, kind: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}, "description": description}


#: The path parameters, by Flask variable name; their OpenAPI names follow CONTRACT.md.
PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "slug": _path_param("slug", "string", "The page's address."),
    "key": _path_param("form", "string", "The form key (initiative, evenement, lieu, structure…)."),
    "record_id": _path_param("id", "integer", "The record id."),
}


# --- builders of the descriptions ----------------------------------------------------------------


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    """The ``content`` of a JSON body of ``schema``."""
    return {"application/json": {"schema": schema}}


def request_json(schema: str) -> dict[str, Any]:
    """A required JSON request body of the component schema ``schema``."""
    return {"required": True, "content": json_content(ref(schema))}


#: The ``ETag`` header of answers that carry a version.
ETAG_HEADER = {
    "ETag": {
        "description": "Validator of the current revision, to send back in If-Match.",
        "schema": {"type": "string"},
    }
}
_ERRORS = {
    400: "Invalid request: the body is not the expected JSON or a value is refused (see `errors`).",
    401: "Missing, unknown, expired or revoked token (`WWW-Authenticate: Bearer`).",
    403: "The token is read-only, or its account may not do this (role, edit policy, protected page).",
    404: "No such object, or not visible to the caller.",
    409: "Someone else saved overlapping changes at the same moment: re-read and retry.",
    410: "The page was deleted.",
    412: "`If-Match` does not name the current version; `ETag` and `etag` give the current one.",
    413: "Request body too large.",
    428: "`If-Match` is required; `ETag` and `etag` give the current version.",
}


def ok(schema: str, description: str, *, etag: bool = False, status: int = 200) -> dict[str, Any]:
    """A success answer with a JSON body of the component schema ``schema`` (and an ``ETag``)."""
    answer: dict[str, Any] = {"description": description, "content": json_content(ref(schema))}
    if etag:
        answer["headers"] = dict(ETAG_HEADER)
    return {str(status): answer}


#: The 304 answer of a GET with a current ``If-None-Match``.
NOT_MODIFIED = {"304": {"description": "Not modified: `If-None-Match` named the current ETag."}}


def errors(*statuses: int) -> dict[str, Any]:
    """The JSON error answers of ``statuses``."""
    return {str(s): {"description": _ERRORS[s], "content": json_content(ref("Error"))} for s in statuses}


def query(name: str, description: str, kind: str = "string", **schema: Any) -> dict[str, Any]:
    """An optional query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": kind, **schema},
        "description": description,
    }


IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the version being changed.",
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag already held: 304 when still current.",
}
#: ``limit`` and ``offset``, read by ``wiki.paging``.
PAGING = [
    query("limit", "Items per answer (clamped to 1–200).", "integer", minimum=1, default=50),
    query("offset", "Items to skip.", "integer", minimum=0, default=0),
]
#: Reads: anonymous, or with a token.
READ: list[dict[str, Any]] = [{}, {"bearerAuth": []}]
#: Writes: a token.
WRITE: list[dict[str, Any]] = [{"bearerAuth": []}]


def describe(
    *,
    operation_id: str,
    summary: str,
    security: list[dict[str, Any]],
    responses: dict[str, Any],
    description: str | None = None,
    parameters: list[dict[str, Any]] | None = None,
    request_body: dict[str, Any] | None = None,
) -> Callable[[View], View]:
    """Give a view its OpenAPI operation object; put it just under the view's route decorator."""
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary}
    if description:
        operation["description"] = description
    operation["security"] = security
    if parameters:
        operation["parameters"] = parameters
    if request_body:
        operation["requestBody"] = request_body
    operation["responses"] = responses

    def attach(view: View) -> View:
        setattr(view, OPERATION_ATTRIBUTE, operation)
        return view

    return attach


# --- assembly ----------------------------------------------------------------------------------


def openapi_path(rule: str) -> str:
    """Turn a Flask rule (``/api/v1/records/<int:record_id>``) into an OpenAPI path (``/records/{id}``)."""
    path = rule.removeprefix(bp.url_prefix or "")
    return _VARIABLE.sub(lambda m: "{" + PATH_PARAMETERS[m.group(1)]["name"] + "}", path)


def build_paths(rules: Iterable[Rule], views: Mapping[str, Callable[..., Any]]) -> dict[str, dict[str, Any]]:
    """The ``paths`` object of the blueprint's ``rules``, from the operations of their ``views``.

    :raises LookupError: a route has no description, or a path variable no parameter.
    :raises ValueError: a view serves more than one method (one operation per view).
    """
    paths: dict[str, dict[str, Any]] = {}
    for rule in rules:
        if rule.endpoint.partition(".")[0] != bp.name:
            continue
        operation = getattr(views[rule.endpoint], OPERATION_ATTRIBUTE, None)
        if operation is None:
            raise LookupError(f"{rule.rule} ({rule.endpoint}) has no OpenAPI description: add @openapi.describe")
        methods = sorted((rule.methods or set()) - IGNORED_METHODS)
        if len(methods) != 1:
            raise ValueError(f"{rule.rule} ({rule.endpoint}) serves {methods}: give each method its own view")
        item = paths.setdefault(openapi_path(rule.rule), {})
        variables = _VARIABLE.findall(rule.rule)
        if variables and "parameters" not in item:
            item["parameters"] = [PATH_PARAMETERS[name] for name in variables]
        item[methods[0].lower()] = operation
    return paths


def build_document(app: Flask, *, server_url: str, version: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of ``app``'s API, for a server at ``server_url``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lieudit API",
            "version": version,
            "summary": "Pages, forms, records, events, zones and search of a Lieudit territory wiki.",
            "description": (
                "Reads are open to everyone (CORS `*`, no credentials); writes need a personal token in "
                "`Authorization: Bearer TOKEN` (created on the account page or with `lieudit token create`) and obey "
                "the same permissions and edit policy as the web pages. Changes send back the `ETag` of the version "
                'they change in `If-Match`. Errors are JSON `{"error", "message"}`.'
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "paths": build_paths(app.url_map.iter_rules(), app.view_functions),
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal API token (ldt_…)."}
            },
        },
    }


def _version() -> str:
    try:
        return metadata.version("lieudit")
    except metadata.PackageNotFoundError:
        return "0"


@bp.get("/openapi.json", endpoint="openapi_document")
@describe(
    operation_id="openapi",
    summary="This description (OpenAPI 3.1).",
    security=READ,
    responses={
        "200": {
            "description": "The OpenAPI document.",
            "content": json_content({"type": "object", "required": ["openapi", "paths"]}),
        }
    },
)
def document() -> Response:
    """The OpenAPI 3.1 description of this API."""
    server_url = url_for("api.openapi_document", _external=True).rsplit("/", 1)[0]
    return conventions.json_response(build_document(current_app, server_url=server_url, version=_version()))
