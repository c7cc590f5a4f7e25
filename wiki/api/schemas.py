"""The JSON shapes of ``/api/v1``: the ``components.schemas`` of its OpenAPI document.

Each resource module answers with these shapes and names them in the
descriptions beside its routes (``openapi.ok("Page", ...)``);
``tests/wiki/api/test_openapi.py`` validates real answers against them.
Pure data: imports no Flask and no project module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geodata.levels import LEVELS

#: The statuses of a record.
STATUSES = ["draft", "pending", "published", "archived"]


def ref(name: str) -> dict[str, str]:
    """A JSON Schema reference to the component schema ``name``."""
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
    return _object(extra | page | {"items": {"type": "array", "items": ref(item)}})


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
    "Pending": _object(
        {
            "state": {"type": "string", "enum": ["waiting"], "description": "The contribution waits for review."},
            "kind": {"type": "string", "enum": ["page", "record"]},
            "item": {"type": "integer", "description": "Number of the contribution in the moderation queue."},
            "url": {**_URL, "description": "Where its author follows it (web page)."},
            "message": {"type": "string"},
        }
    ),
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
    "FormList": _object({"items": {"type": "array", "items": ref("FormSummary")}}),
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
            "fields": {"type": "array", "items": ref("Field")},
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
        "Record", facets={"type": "object", "additionalProperties": {"type": "array", "items": ref("FacetValue")}}
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
            "code": {
                "type": "string",
                "description": "INSEE code (commune, canton, département…), SIREN (EPCI) or free code (autre): "
                "unique per level only.",
            },
            "name": {"type": "string"},
            "level": {"type": "string", "enum": list(LEVELS)},
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
                "additionalProperties": {"type": "array", "items": ref("SearchFacetValue")},
                "description": "Counts by `type`, `form`, `theme`, `zone` and `statut`: the filter parameters.",
            },
            "items": {"type": "array", "items": ref("SearchHit")},
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
