"""``/api/v1/forms``: the forms (record types) and their field schema, as JSON.

Read only: forms are built by moderators in the web builder. Their records
are served by ``records.py``.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import url_for

from wiki.api import openapi
from wiki.api.blueprint import bp
from wiki.api.conventions import iso
from wiki.api.conventions import json_response
from wiki.db import get_session
from wiki.records import form_services


def form_summary(form: Any) -> dict[str, Any]:
    """What every answer about ``form`` says of it: names, revision and addresses."""
    return {
        "key": form.key,
        "title": form.title,
        "description": form.description,
        "revision": form.revision_number,
        "updated_at": iso(form.updated_at),
        "api_url": url_for("api.forms_show", key=form.key, _external=True),
        "records_url": url_for("api.records_index", key=form.key, _external=True),
    }


@bp.get("/forms", endpoint="forms_index")
@openapi.describe(
    operation_id="listForms",
    summary="The forms (record types).",
    security=openapi.READ,
    responses=openapi.ok("FormList", "Every form."),
)
def index() -> Response:
    """List the forms (record types)."""
    return json_response({"items": [form_summary(f) for f in form_services.list_forms(get_session())]})


@bp.get("/forms/<key>", endpoint="forms_show")
@openapi.describe(
    operation_id="getForm",
    summary="A form and its field schema.",
    security=openapi.READ,
    parameters=[openapi.IF_NONE_MATCH],
    responses=openapi.ok("Form", "The form.", etag=True) | openapi.NOT_MODIFIED | openapi.errors(401, 404),
)
def show(key: str) -> Response:
    """A form and its field schema."""
    found = form_services.get_form(get_session(), key)
    fields = [
        {
            "key": d.key,
            "type": d.type,
            "label": d.label,
            "help": d.help,
            "required": d.required,
            "visibility": d.visibility,
            "personal": d.personal,
            "consent_field": d.consent_field,
            "options": dict(d.options),
        }
        for d in form_services.form_fields(found)
    ]
    return json_response(
        form_summary(found) | {"title_field": found.title_field, "fields": fields},
        etag=f"form-{found.id}-{found.revision_number}",
    )
