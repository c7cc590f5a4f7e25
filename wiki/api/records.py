"""``/api/v1/forms/{form}/records`` and ``/api/v1/records/{id}``: records as JSON, read and write.

Every view parses the request, calls the records services (which apply the
permissions, the edit policy and the field checks of the web form) and
shapes JSON. A record answer shows only the values the caller may see and
carries an ``ETag`` naming its revision; a PUT must send it back in
``If-Match``, a DELETE may. Files are sent through the web form only: the
API keeps file fields as stored.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import current_app
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki import hibernation
from wiki.api import openapi
from wiki.api.blueprint import bp
from wiki.api.conventions import check_precondition
from wiki.api.conventions import iso
from wiki.api.conventions import json_body
from wiki.api.conventions import json_response
from wiki.api.conventions import text_field
from wiki.api.pending import PENDING
from wiki.api.pending import pending_response
from wiki.api.schemas import STATUSES
from wiki.api.schemas import ref
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.moderation import waiting
from wiki.records import access
from wiki.records import form_services
from wiki.records import queries as record_queries
from wiki.records import services as records
from wiki.records import taxonomy

#: Field types the API cannot write (files go through the web form).
FILE_TYPES = ("file", "image")


def record_etag(record: Any) -> str:
    """The validator of a record: its revision number."""
    return f"record-{record.id}-{record.revision_number}"


def _record_json(record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "form": record.form.key,
        "title": record.title,
        "status": record.status,
        "revision": record.revision_number,
        "verified_at": record.verified_at.isoformat() if record.verified_at else None,
        "created_at": iso(record.created_at),
        "updated_at": iso(record.updated_at),
        "values": access.public_values(record, current_user),
        "api_url": url_for("api.records_show", record_id=record.id, _external=True),
    }


def _policy() -> str:
    return hibernation.edit_policy()  # ``readonly`` while the wiki sleeps


def _ctx() -> Any:
    return taxonomy.cleaning_context(
        get_session(), default_timezone=current_app.config["DEFAULT_TIMEZONE"], references=True
    )


def _status(data: dict[str, Any]) -> str | None:
    """The ``status`` a body asks for, if any."""
    status = data.get("status")
    if status is not None and not isinstance(status, str):
        raise ValidationError(_("Requête invalide : corrigez les champs signalés."), {"status": _("Texte attendu.")})
    return status


def _submitted_values(data: dict[str, Any], form: Any, record: Any | None) -> dict[str, Any]:
    """The ``values`` object of a body, file fields left as stored.

    Files are sent through the web form only: a reference to an attachment
    is never taken from API input.
    """
    values = data.get("values", {})
    if not isinstance(values, dict):
        raise ValidationError(
            _("Requête invalide : corrigez les champs signalés."),
            {"values": _("Objet attendu : les valeurs par clé de champ.")},
        )
    submitted = dict(values)
    for field in form_services.form_fields(form):
        if field.type in FILE_TYPES:
            stored = record.data.get(field.id) if record is not None else None
            if stored:
                submitted[field.key] = dict(stored)
            else:
                submitted.pop(field.key, None)
    return submitted


@bp.get("/forms/<key>/records", endpoint="records_index")
@openapi.describe(
    operation_id="listRecords",
    summary="Records of a form, with the filters of the web lists.",
    description="Facet filters use the field keys as parameters (`?themes=mobilite&communes=35236`; several values "
    "separated by commas); only published records unless a moderator asks `statut`.",
    security=openapi.READ,
    parameters=[
        openapi.query("q", "Text to find (accents and case ignored)."),
        openapi.query("statut", "Statuses (moderators only; others get published records).", enum=STATUSES),
        openapi.query("tri", "Sort key (title, updated, created, or a public field key); `-` for descending."),
        openapi.query("page", "Page number (when no offset is given).", "integer", minimum=1, default=1),
        openapi.query("limit", "Items per answer (clamped to 1–200).", "integer", minimum=1, default=50),
        openapi.query("offset", "Items to skip.", "integer", minimum=0),
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
    responses=openapi.ok("RecordList", "A slice of the records, with facet counts.") | openapi.errors(401, 404),
)
def index(key: str) -> Response:
    """Records of a form, with the same filters as the web lists."""
    db = get_session()
    found = form_services.get_form(db, key)
    filters = record_queries.parse_filters(request.args, found, current_user, per_page=50)
    result = record_queries.list_records(db, found, filters, labels=form_services.value_labels(db, found))
    facets = {
        name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
        for name, values in result.facets.items()
    }
    offset = filters.offset if filters.offset is not None else (filters.page - 1) * filters.per_page
    return json_response(
        {
            "total": result.total,
            "limit": filters.per_page,
            "offset": offset,
            "facets": facets,
            "items": [_record_json(r) for r in result.records],
        }
    )


@bp.post("/forms/<key>/records", endpoint="records_create")
@openapi.describe(
    operation_id="createRecord",
    summary="Create a record.",
    description="Checked like the web form; published at once for contributors, or kept as a draft when asked. "
    "Under a pre-moderated policy a record by an untrusted account waits for review: 202, and its author "
    "may read it at `Location`.",
    security=openapi.WRITE,
    request_body=openapi.request_json("RecordWrite"),
    responses={
        "201": {
            "description": "Created.",
            "content": openapi.json_content(ref("Record")),
            "headers": openapi.ETAG_HEADER
            | {"Location": {"description": "The record's API address.", "schema": {"type": "string"}}},
        },
    }
    | PENDING
    | openapi.errors(400, 401, 403, 404, 413),
)
def create(key: str) -> Response:
    """Create a record; it waits for review or is published as in the web form."""
    db = get_session()
    found = form_services.get_form(db, key)
    data = json_body()
    status = _status(data)
    record = records.create_record(
        db,
        found,
        _submitted_values(data, found, None),
        actor=current_user,
        policy=_policy(),
        ctx=_ctx(),
        status=status,
        comment=text_field(data, "comment"),
    )
    item = waiting.item_for_record(db, record.id) if status is None and record.status == "pending" else None
    db.commit()
    location = url_for("api.records_show", record_id=record.id, _external=True)
    if item is not None:
        return pending_response(item, location=location)
    response = json_response(_record_json(record), etag=record_etag(record), status=201)
    response.headers["Location"] = location
    return response


@bp.get("/records/<int:record_id>", endpoint="records_show")
@openapi.describe(
    operation_id="getRecord",
    summary="A record with the values the caller may see.",
    security=openapi.READ,
    parameters=[openapi.IF_NONE_MATCH],
    responses=openapi.ok("Record", "The record.", etag=True) | openapi.NOT_MODIFIED | openapi.errors(401, 404),
)
def show(record_id: int) -> Response:
    """One record with the values the caller may see."""
    found = records.get_record(get_session(), record_id, current_user)
    return json_response(_record_json(found), etag=record_etag(found))


@bp.put("/records/<int:record_id>", endpoint="records_update")
@openapi.describe(
    operation_id="putRecord",
    summary="Replace a record's values; optionally change its status.",
    security=openapi.WRITE,
    parameters=[openapi.IF_MATCH],
    request_body=openapi.request_json("RecordWrite"),
    responses=openapi.ok("Record", "Saved (or unchanged).", etag=True)
    | PENDING
    | openapi.errors(400, 401, 403, 404, 409, 412, 413, 428),
)
def update(record_id: int) -> Response:
    """Replace the values of a record (``If-Match`` required); optionally change its status."""
    db = get_session()
    found = records.get_record(db, record_id, current_user)
    refused = check_precondition(record_etag(found), required=True)
    if refused is not None:
        return refused
    data = json_body()
    status = _status(data)
    comment = text_field(data, "comment")
    if "values" in data:
        result = records.update_record(
            db,
            found,
            _submitted_values(data, found.form, found),
            actor=current_user,
            policy=_policy(),
            base_revision=found.revision_number,
            ctx=_ctx(),
            comment=comment,
        )
        if result.pending is not None:
            db.commit()
            return pending_response(result.pending)
    if status is not None and status != found.status:
        records.set_status(db, found, status, actor=current_user, comment=comment)
    db.commit()
    return json_response(_record_json(found), etag=record_etag(found))


@bp.delete("/records/<int:record_id>", endpoint="records_delete")
@openapi.describe(
    operation_id="deleteRecord",
    summary="Delete a record (moderators; its history is kept).",
    description="`If-Match` is optional: when sent, a stale ETag gives 412.",
    security=openapi.WRITE,
    parameters=[openapi.IF_MATCH],
    responses={"204": {"description": "Deleted."}} | openapi.errors(401, 403, 404, 412),
)
def delete(record_id: int) -> Response:
    """Delete a record (moderators; history kept); ``If-Match`` optional."""
    db = get_session()
    found = records.get_record(db, record_id, current_user)
    refused = check_precondition(record_etag(found), required=False)
    if refused is not None:
        return refused
    comment = ""
    if request.content_length:
        comment = text_field(json_body(), "comment")
    records.delete_record(db, found, actor=current_user, comment=comment)
    db.commit()
    return Response(status=204)
