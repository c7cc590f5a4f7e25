"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/v1/openapi.json``.

One dict per path (``PATHS``) so a route and its description sit side by
side; ``tests/wiki/api/test_openapi.py`` checks that every route of the app
is described and every described route exists, and validates real answers
against these schemas. The agenda (``/events``), the map (``/zones``) and
search (``/search``) serve their own routes; they are described here too, so
one document covers the whole API. No Flask here: ``document`` takes what it needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

STATUSES = ["draft", "pending", "published", "archived"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _object(
    properties: dict[str, Any], *, required: Iterable[str] | None = None, closed: bool = True
) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": sorted(required if required is not None else properties),
    }
    if closed:
        schema["additionalProperties"] = False
    return schema


def _list_of(item: str, **extra: Any) -> dict[str, Any]:
    page = {
        "total": {"type": "integer", "minimum": 0},
        "limit": {"type": "integer", "minimum": 1, "maximum": 200},
        "offset": {"type": "integer", "minimum": 0},
    }
    return _object(extra | page | {"items": {"type": "array", "items": _ref(item)}})


_DATE_TIME = _nullable("string", format="date-time")
_URL = {"type": "string", "format": "uri"}

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {
            "error": {
                "type": "string",
                "description": "Machine-readable code: validation, unauthorized, forbidden, not_found, gone, conflict, precondition_failed, precondition_required, too_large…",
            },
            "message": {"type": "string", "description": "Explanation in the interface language (French by default)."},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Validation messages by field key.",
            },
            "etag": {"type": "string", "description": "Current ETag, on 412 and 428."},
        },
        required=["error", "message"],
    ),
    "PageSummary": _object(
        {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "revision": _nullable("integer"),
            "updated_at": _DATE_TIME,
            "url": _URL,
            "api_url": _URL,
        }
    ),
    "Page": _object(
        {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "revision": _nullable("integer"),
            "updated_at": _DATE_TIME,
            "url": _URL,
            "api_url": _URL,
            "protected": {"type": "boolean"},
            "content_markdown": {"type": "string"},
            "content_html": {"type": "string", "description": "Sanitized HTML; live macros are given as their source."},
            "links": {"type": "array", "items": {"type": "string"}, "description": "Slugs of linked pages."},
            "author": _nullable("string"),
        }
    ),
    "PageList": _list_of("PageSummary"),
    "PageRevision": _object(
        {
            "number": {"type": "integer"},
            "title": {"type": "string"},
            "comment": {"type": "string"},
            "action": {"type": "string"},
            "author": _nullable("string"),
            "created_at": _DATE_TIME,
            "size": {"type": "integer"},
            "url": _URL,
        }
    ),
    "PageRevisionList": _list_of("PageRevision", slug={"type": "string"}),
    "PageWrite": _object(
        {
            "text": {"type": "string", "description": "The whole Markdown text."},
            "comment": {"type": "string", "maxLength": 500},
            "title": {
                "type": "string",
                "description": "On creation (its slug must be the address); on update, renames the page.",
            },
        },
        required=["text"],
    ),
    "FormSummary": _object(
        {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "description": _nullable("string"),
            "revision": {"type": "integer"},
            "updated_at": _DATE_TIME,
            "api_url": _URL,
            "records_url": _URL,
        }
    ),
    "FormList": _object({"items": {"type": "array", "items": _ref("FormSummary")}}),
    "Field": _object(
        {
            "key": {"type": "string"},
            "type": {"type": "string"},
            "label": {"type": "string"},
            "help": {"type": "string"},
            "required": {"type": "boolean"},
            "visibility": {"type": "string", "enum": ["public", "members", "private"]},
            "personal": {
                "type": "boolean",
                "description": "Personal data: shown to moderators and the record's author only, unless the record ticks its `consent_field`.",
            },
            "consent_field": _nullable(
                "string",
                description="Key of the yes/no field recording the person's consent: "
                "while a record ticks it, this personal field is shown as its visibility says.",
            ),
            "options": {"type": "object"},
        }
    ),
    "Form": _object(
        {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "description": _nullable("string"),
            "revision": {"type": "integer"},
            "updated_at": _DATE_TIME,
            "api_url": _URL,
            "records_url": _URL,
            "title_field": {"type": "string"},
            "fields": {"type": "array", "items": _ref("Field")},
        }
    ),
    "Record": _object(
        {
            "id": {"type": "integer"},
            "form": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": STATUSES},
            "revision": {"type": "integer"},
            "verified_at": _nullable("string", format="date"),
            "created_at": _DATE_TIME,
            "updated_at": _DATE_TIME,
            "values": {"type": "object", "description": "Values by field key: only the fields the caller may see."},
            "api_url": _URL,
        }
    ),
    "FacetValue": _object(
        {"value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer", "minimum": 0}}
    ),
    "RecordList": _list_of(
        "Record", facets={"type": "object", "additionalProperties": {"type": "array", "items": _ref("FacetValue")}}
    ),
    "Event": _object(
        {
            "uid": {"type": "string", "description": "The event's iCalendar UID (stable)."},
            "record_id": {"type": "integer"},
            "recurrence_id": {"type": "string", "description": "This occurrence's RECURRENCE-ID (its original start)."},
            "title": {"type": "string"},
            "start": {"type": "string", "description": "ISO 8601 datetime with offset, or a date for all-day events."},
            "end": {
                "type": "string",
                "description": "ISO 8601 datetime, or the last day (inclusive) for all-day events.",
            },
            "all_day": {"type": "boolean"},
            "timezone": {"type": "string", "description": "IANA time zone."},
            "status": {"type": "string", "enum": ["CONFIRMED", "CANCELLED"]},
            "recurring": {"type": "boolean"},
            "location": _nullable("string"),
            "organiser": _nullable("string"),
            "url": _URL,
            "ics_url": _URL,
        }
    ),
    "EventList": _list_of(
        "Event", start={"type": "string", "format": "date-time"}, end={"type": "string", "format": "date-time"}
    ),
    "Zone": _object(
        {
            "code": {"type": "string", "description": "INSEE code (commune, département…) or SIREN (EPCI)."},
            "name": {"type": "string"},
            "level": {"type": "string", "enum": ["commune", "epci", "departement", "region"]},
            "centre": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 2,
                "maxItems": 2,
                "description": "[longitude, latitude] (WGS 84).",
            },
            "bbox": {
                "type": "array",
                "items": {"type": "number"},
                "minItems": 4,
                "maxItems": 4,
                "description": "[west, south, east, north].",
            },
            "has_boundary": {"type": "boolean"},
            "url": _URL,
        }
    ),
    "ZoneList": _list_of("Zone"),
    "SearchHit": _object(
        {
            "id": {"type": "string", "description": "Document id: kind and key (`page:12`, `record:5`, `zone:3`)."},
            "kind": {"type": "string", "enum": ["page", "record", "zone"]},
            "form": _nullable("string"),
            "title": {"type": "string"},
            "url": _URL,
            "excerpt": {"type": "string"},
            "snippet_html": {
                "type": "string",
                "description": "The matching passage, escaped, with `<mark>` around the words found.",
            },
            "status": _nullable("string"),
            "score": {"type": "number"},
        }
    ),
    "SearchFacetValue": _object(
        {
            "value": {"type": "string"},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "selected": {"type": "boolean"},
        }
    ),
    "SearchResults": _object(
        {
            "query": {"type": "string"},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100},
            "message": _nullable(
                "string", description="Why the query was simplified or could not run (French by default)."
            ),
            "suggestion": _nullable("string", description="« Vouliez-vous dire … » on a probable typo."),
            "facets": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": _ref("SearchFacetValue")},
                "description": "Counts by `type`, `form`, `theme`, `zone` and `statut`: the filter parameters.",
            },
            "items": {"type": "array", "items": _ref("SearchHit")},
        }
    ),
    "RecordWrite": _object(
        {
            "values": {
                "type": "object",
                "description": "Values by field key. A PUT replaces them all: send every field (file fields are kept as stored and cannot be written here).",
            },
            "status": {
                "type": "string",
                "enum": STATUSES,
                "description": "Requested status (draft, or moderators' choices).",
            },
            "comment": {"type": "string", "maxLength": 500},
        },
        required=[],
    ),
}


def _json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


_ETAG_HEADER = {
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


def _ok(schema: str, description: str, *, etag: bool = False, status: int = 200) -> dict[Any, Any]:
    answer: dict[str, Any] = {"description": description, "content": _json_content(_ref(schema))}
    if etag:
        answer["headers"] = dict(_ETAG_HEADER)
    return {str(status): answer}


_NOT_MODIFIED = {"304": {"description": "Not modified: `If-None-Match` named the current ETag."}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"description": _ERRORS[s], "content": _json_content(_ref("Error"))} for s in statuses}


def _path_param(name: str, kind: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}, "description": description}


def _query(name: str, description: str, kind: str = "string", **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": kind, **schema},
        "description": description,
    }


_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "The ETag of the version being changed.",
}
_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
    "description": "An ETag already held: 304 when still current.",
}
_PAGING = [
    _query("limit", "Items per answer (clamped to 1–200).", "integer", minimum=1, default=50),
    _query("offset", "Items to skip.", "integer", minimum=0, default=0),
]
_READ = [{}, {"bearerAuth": []}]
_WRITE = [{"bearerAuth": []}]
SLUG = _path_param("slug", "string", "The page's address.")
FORM = _path_param("form", "string", "The form key (initiative, evenement, lieu, structure…).")
RECORD = _path_param("id", "integer", "The record id.")

#: Routes served by this package, one entry per path.
PATHS: dict[str, dict[str, Any]] = {
    "/openapi.json": {
        "get": {
            "operationId": "openapi",
            "summary": "This description (OpenAPI 3.1).",
            "security": _READ,
            "responses": {
                "200": {
                    "description": "The OpenAPI document.",
                    "content": _json_content({"type": "object", "required": ["openapi", "paths"]}),
                }
            },
        },
    },
    "/pages": {
        "get": {
            "operationId": "listPages",
            "summary": "Live pages by address.",
            "security": _READ,
            "parameters": _PAGING,
            "responses": _ok("PageList", "A slice of the pages."),
        },
    },
    "/pages/{slug}": {
        "parameters": [SLUG],
        "get": {
            "operationId": "getPage",
            "summary": "A page: Markdown source and sanitized HTML.",
            "security": _READ,
            "parameters": [_IF_NONE_MATCH],
            "responses": _ok("Page", "The page.", etag=True) | _NOT_MODIFIED | _errors(401, 404, 410),
        },
        "put": {
            "operationId": "putPage",
            "summary": "Create a page, or save a new text for it.",
            "description": "Creating needs no `If-Match`; updating requires the ETag of the current revision in `If-Match`. Same permissions and edit policy as the web editor.",
            "security": _WRITE,
            "parameters": [_IF_MATCH],
            "requestBody": {"required": True, "content": _json_content(_ref("PageWrite"))},
            "responses": _ok("Page", "Saved (or unchanged).", etag=True)
            | _ok("Page", "Created.", etag=True, status=201)
            | _errors(400, 401, 403, 409, 410, 412, 413, 428),
        },
    },
    "/pages/{slug}/revisions": {
        "parameters": [SLUG],
        "get": {
            "operationId": "listPageRevisions",
            "summary": "The history of a page, newest first.",
            "security": _READ,
            "parameters": _PAGING,
            "responses": _ok("PageRevisionList", "A slice of the history.") | _errors(401, 404, 410),
        },
    },
    "/forms": {
        "get": {
            "operationId": "listForms",
            "summary": "The forms (record types).",
            "security": _READ,
            "responses": _ok("FormList", "Every form."),
        },
    },
    "/forms/{form}": {
        "parameters": [FORM],
        "get": {
            "operationId": "getForm",
            "summary": "A form and its field schema.",
            "security": _READ,
            "parameters": [_IF_NONE_MATCH],
            "responses": _ok("Form", "The form.", etag=True) | _NOT_MODIFIED | _errors(401, 404),
        },
    },
    "/forms/{form}/records": {
        "parameters": [FORM],
        "get": {
            "operationId": "listRecords",
            "summary": "Records of a form, with the filters of the web lists.",
            "description": "Facet filters use the field keys as parameters (`?themes=mobilite&communes=35236`; several values separated by commas); only published records unless a moderator asks `statut`.",
            "security": _READ,
            "parameters": [
                _query("q", "Text to find (accents and case ignored)."),
                _query("statut", "Statuses (moderators only; others get published records).", enum=STATUSES),
                _query("tri", "Sort key (title, updated, created, or a public field key); `-` for descending."),
                _query("page", "Page number (when no offset is given).", "integer", minimum=1, default=1),
                _query("limit", "Items per answer (clamped to 1–200).", "integer", minimum=1, default=50),
                _query("offset", "Items to skip.", "integer", minimum=0),
                {
                    "name": "filters",
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": True,
                    "schema": {"type": "object", "additionalProperties": {"type": "string"}},
                    "description": "Facet filters: any public choice, theme, zone or yes/no field key.",
                },
            ],
            "responses": _ok("RecordList", "A slice of the records, with facet counts.") | _errors(401, 404),
        },
        "post": {
            "operationId": "createRecord",
            "summary": "Create a record.",
            "description": "Checked like the web form; published at once for contributors, or kept as a draft when asked.",
            "security": _WRITE,
            "requestBody": {"required": True, "content": _json_content(_ref("RecordWrite"))},
            "responses": {
                "201": {
                    "description": "Created.",
                    "content": _json_content(_ref("Record")),
                    "headers": _ETAG_HEADER
                    | {"Location": {"description": "The record's API address.", "schema": {"type": "string"}}},
                },
            }
            | _errors(400, 401, 403, 404, 413),
        },
    },
    "/records/{id}": {
        "parameters": [RECORD],
        "get": {
            "operationId": "getRecord",
            "summary": "A record with the values the caller may see.",
            "security": _READ,
            "parameters": [_IF_NONE_MATCH],
            "responses": _ok("Record", "The record.", etag=True) | _NOT_MODIFIED | _errors(401, 404),
        },
        "put": {
            "operationId": "putRecord",
            "summary": "Replace a record's values; optionally change its status.",
            "security": _WRITE,
            "parameters": [_IF_MATCH],
            "requestBody": {"required": True, "content": _json_content(_ref("RecordWrite"))},
            "responses": _ok("Record", "Saved (or unchanged).", etag=True)
            | _errors(400, 401, 403, 404, 409, 412, 413, 428),
        },
        "delete": {
            "operationId": "deleteRecord",
            "summary": "Delete a record (moderators; its history is kept).",
            "description": "`If-Match` is optional: when sent, a stale ETag gives 412.",
            "security": _WRITE,
            "parameters": [_IF_MATCH],
            "responses": {"204": {"description": "Deleted."}} | _errors(401, 403, 404, 412),
        },
    },
    "/events": {
        "get": {
            "operationId": "listEvents",
            "summary": "Event occurrences overlapping a date range, by start.",
            "description": "Public events of every form with a schedule field; recurring events give one item per occurrence (cancelled ones with status CANCELLED). Without `start`, the range starts now; without `end`, it lasts 31 days; two years at most.",
            "security": _READ,
            "parameters": [
                _query("start", "Start of the range: a date (local midnight) or an ISO 8601 datetime."),
                _query("end", "End of the range (exclusive), same formats."),
                _query("theme", "Theme key."),
                _query("zone", "Commune INSEE code."),
                _query("organisateur", "Organiser name."),
                _query("formulaire", "Form key."),
                *_PAGING,
            ],
            "responses": _ok("EventList", "A slice of the occurrences.") | _errors(400),
        },
    },
    "/search": {
        "get": {
            "operationId": "search",
            "summary": "Search pages, public records and zones (French analysis), with facets.",
            "description": 'Accents and case are ignored, words are stemmed, `"exact phrase"` and `-word` work. Only public content is indexed. Pages of results with `page`; `limit` sets their size (1–100).',
            "security": _READ,
            "parameters": [
                _query("q", "The words to find."),
                _query("type", "Kind: page, record or zone.", enum=["page", "record", "zone"]),
                _query("form", "Form key (records)."),
                _query("theme", "Theme key."),
                _query("zone", "Zone code."),
                _query("statut", "Record status (published, archived)."),
                _query("tri", "Order: relevance (default) or most recent first.", enum=["pertinence", "recent"]),
                _query("page", "Page of results.", "integer", minimum=1, default=1),
                _query("limit", "Results per page (clamped to 1–100).", "integer", minimum=1),
            ],
            "responses": _ok(
                "SearchResults", "A page of results (a query that cannot run gives no results and a `message`)."
            ),
        },
    },
    "/zones": {
        "get": {
            "operationId": "listZones",
            "summary": "Territory zones (communes, EPCI, départements…), without their boundaries.",
            "security": _READ,
            "parameters": [
                _query("niveau", "Only zones of this level.", enum=["commune", "epci", "departement", "region"]),
                *_PAGING,
            ],
            "responses": _ok("ZoneList", "A slice of the zones, by level and name."),
        },
    },
}


def document(*, server_url: str, version: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for a server at ``server_url``."""
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
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal API token (ldt_…)."}
            },
        },
    }
