"""``/api/v1`` routes: pages, forms and records as JSON, read and write.

Views parse the request, call the same services as the web pages (which
apply the permissions and edit policies) and shape JSON. Optimistic
concurrency uses HTTP validators: every page and record answer carries an
``ETag`` naming its current revision; a change must send it back in
``If-Match`` (428 without it, 412 with the current ``ETag`` when it is stale).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from typing import Any

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki import macros
from wiki import markup
from wiki import paging
from wiki.api import openapi
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.pages import services as pages
from wiki.pages.rendering import render_revision
from wiki.records import access
from wiki.records import form_services
from wiki.records import queries as record_queries
from wiki.records import services as records
from wiki.records import taxonomy

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: Flask variable names whose OpenAPI name (CONTRACT.md) differs.
PATH_NAMES = {"key": "form", "record_id": "id"}
#: Field types the API cannot write (files go through the web form).
FILE_TYPES = ("file", "image")


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _json(payload: Any, *, etag: str | None = None, status: int = 200) -> Response:
    response = jsonify(payload)
    response.status_code = status
    if etag:
        response.set_etag(etag)
        if status == 200 and request.method in ("GET", "HEAD"):
            # ``If-None-Match`` with the current ETag: 304, no body.
            response.make_conditional(request)
    return response


def _problem(status: int, code: str, message: str, *, etag: str | None = None, **extra: Any) -> Response:
    """A JSON error answer; ``etag`` tells a client the current version."""
    payload = {"error": code, "message": message, **extra}
    if etag:
        payload["etag"] = f'"{etag}"'
    return _json(payload, etag=etag, status=status)


def _precondition(current_etag: str, *, required: bool) -> Response | None:
    """Check ``If-Match`` against the current ETag; return an error answer or None."""
    if not request.headers.get("If-Match"):
        if not required:
            return None
        return _problem(
            428,
            "precondition_required",
            _("Envoyez l'en-tête « If-Match » avec l'ETag de la version que vous modifiez."),
            etag=current_etag,
        )
    if request.if_match.star_tag or request.if_match.contains(current_etag):
        return None
    return _problem(
        412,
        "precondition_failed",
        _("La ressource a changé depuis votre lecture : relisez-la et refaites votre modification."),
        etag=current_etag,
    )


def _body() -> dict[str, Any]:
    """The request's JSON object.

    :raises ValidationError: the body is not a JSON object.
    """
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise ValidationError(_("Le corps de la requête doit être un objet JSON (Content-Type: application/json)."))
    return data


def _text(data: dict[str, Any], key: str, *, required: bool = False, default: str = "") -> str:
    value = data.get(key, None)
    if value is None and not required:
        return default
    if not isinstance(value, str):
        message = _("Champ obligatoire (texte).") if value is None else _("Texte attendu.")
        raise ValidationError(_("Requête invalide : corrigez les champs signalés."), {key: message})
    return value


def _policy() -> str:
    return current_app.config["EDIT_POLICY"]


@bp.route("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of this API."""
    doc = openapi.document(server_url=url_for("api.pages_index", _external=True).rsplit("/", 1)[0], version=_version())
    return _json(doc)


def openapi_path(rule: str) -> str:
    """Turn a Flask rule (``/api/v1/records/<int:record_id>``) into an OpenAPI path (``/records/{id}``)."""
    path = rule.removeprefix(bp.url_prefix or "")
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: "{" + PATH_NAMES.get(m.group(1), m.group(1)) + "}", path)


def _version() -> str:
    try:
        return metadata.version("lieudit")
    except metadata.PackageNotFoundError:
        return "0"


# --- pages ------------------------------------------------------------------------


def page_etag(page: Any) -> str:
    """The validator of a page: its current revision."""
    return f"rev-{page.current_revision_id}"


def _page_summary(page: Any) -> dict[str, Any]:
    revision = page.current_revision
    return {
        "slug": page.slug,
        "title": page.title,
        "revision": revision.number if revision else None,
        "updated_at": _iso(page.updated_at),
        "url": url_for("pages.show", slug=page.slug, _external=True),
        "api_url": url_for("api.page", slug=page.slug, _external=True),
    }


def _page_json(page: Any) -> dict[str, Any]:
    revision = page.current_revision
    rendered = render_revision(get_session(), revision)
    return _page_summary(page) | {
        "protected": page.protected,
        "content_markdown": revision.body,
        "content_html": macros.as_source(rendered.html, list(rendered.macros)),
        "links": sorted(rendered.links),
        "author": revision.author.name if revision.author else None,
    }


@bp.route("/pages")
def pages_index() -> Response:
    """List live pages (paginated)."""
    limit, offset = paging.clamp(request.args)
    items, total = pages.list_pages(get_session(), offset=offset, limit=limit)
    return _json({"total": total, "limit": limit, "offset": offset, "items": [_page_summary(p) for p in items]})


@bp.route("/pages/<slug>")
def page(slug: str) -> Response:
    """One page with its Markdown source and sanitized HTML."""
    found = pages.get_page(get_session(), slug, current_user)
    return _json(_page_json(found), etag=page_etag(found))


@contextmanager
def _text_errors() -> Iterator[None]:
    """Name the page text ``text`` in validation errors, as the API calls it."""
    try:
        yield
    except ValidationError as err:
        if "body" in err.errors:
            err.errors["text"] = err.errors.pop("body")
        raise


@bp.route("/pages/<slug>", methods=["PUT"])
def page_put(slug: str) -> Response:
    """Create a page, or save a new text for it (``If-Match`` required)."""
    db = get_session()
    data = _body()
    text = _text(data, "text", required=True)
    comment = _text(data, "comment")
    title = _text(data, "title")
    settings = {"policy": _policy(), "max_bytes": int(current_app.config["MAX_PAGE_BYTES"])}
    found = pages.find_page(db, slug)
    if found is None:
        if request.headers.get("If-Match"):
            return _problem(412, "precondition_failed", _("Cette page n'existe pas (encore)."))
        title = title or slug.replace("-", " ").capitalize()
        wanted = markup.slugify(markup.normalize_title(title))
        if wanted and wanted != slug:
            raise ValidationError(
                _("Le titre ne correspond pas à l'adresse de la page."),
                {
                    "title": _(
                        "Ce titre donnerait l'adresse « %(slug)s » et non « %(asked)s ».", slug=wanted, asked=slug
                    )
                },
            )
        with _text_errors():
            result = pages.create_page(db, title=title, body=text, comment=comment, actor=current_user, **settings)
        db.commit()
        response = _json(_page_json(result.page), etag=page_etag(result.page), status=201)
        response.headers["Location"] = url_for("api.page", slug=result.page.slug, _external=True)
        return response
    pages.ensure_readable(found, current_user)
    refused = _precondition(page_etag(found), required=True)
    if refused is not None:
        return refused
    # A save that lands between this check and the row lock (PostgreSQL) is
    # merged like in the web editor, or refused with 409 when it overlaps.
    with _text_errors():
        pages.save_page(
            db,
            found,
            body=text,
            comment=comment,
            actor=current_user,
            base_revision_id=found.current_revision_id,
            **settings,
        )
    if title and title != found.title:
        pages.rename_page(db, found, title, actor=current_user, policy=settings["policy"], comment=comment)
    db.commit()
    response = _json(_page_json(found), etag=page_etag(found))
    if found.slug != slug:
        response.headers["Content-Location"] = url_for("api.page", slug=found.slug, _external=True)
    return response


@bp.route("/pages/<slug>/revisions")
def page_revisions(slug: str) -> Response:
    """The history of a page, newest first (paginated)."""
    db = get_session()
    found = pages.get_page(db, slug, current_user)
    limit, offset = paging.clamp(request.args)
    revisions = pages.history(db, found, offset=offset, limit=limit)
    items = [
        {
            "number": r.number,
            "title": r.title,
            "comment": r.comment,
            "action": r.action,
            "author": r.author.name if r.author else None,
            "created_at": _iso(r.created_at),
            "size": r.size,
            "url": url_for("pages.revision", slug=found.slug, number=r.number, _external=True),
        }
        for r in revisions
    ]
    total = found.current_revision.number if found.current_revision else 0
    return _json({"slug": found.slug, "total": total, "limit": limit, "offset": offset, "items": items})


# --- forms ------------------------------------------------------------------------


def _form_summary(form: Any) -> dict[str, Any]:
    return {
        "key": form.key,
        "title": form.title,
        "description": form.description,
        "revision": form.revision_number,
        "updated_at": _iso(form.updated_at),
        "api_url": url_for("api.form", key=form.key, _external=True),
        "records_url": url_for("api.form_records", key=form.key, _external=True),
    }


@bp.route("/forms")
def forms_index() -> Response:
    """List the forms (record types)."""
    return _json({"items": [_form_summary(f) for f in form_services.list_forms(get_session())]})


@bp.route("/forms/<key>")
def form(key: str) -> Response:
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
    return _json(
        _form_summary(found) | {"title_field": found.title_field, "fields": fields},
        etag=f"form-{found.id}-{found.revision_number}",
    )


# --- records ----------------------------------------------------------------------


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
        "created_at": _iso(record.created_at),
        "updated_at": _iso(record.updated_at),
        "values": access.public_values(record, current_user),
        "api_url": url_for("api.record", record_id=record.id, _external=True),
    }


def _ctx() -> Any:
    return taxonomy.cleaning_context(get_session(), default_timezone=current_app.config["DEFAULT_TIMEZONE"])


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


@bp.route("/forms/<key>/records")
def form_records(key: str) -> Response:
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
    return _json(
        {
            "total": result.total,
            "limit": filters.per_page,
            "offset": offset,
            "facets": facets,
            "items": [_record_json(r) for r in result.records],
        }
    )


@bp.route("/forms/<key>/records", methods=["POST"])
def form_records_post(key: str) -> Response:
    """Create a record; it waits for review or is published as in the web form."""
    db = get_session()
    found = form_services.get_form(db, key)
    data = _body()
    status = data.get("status")
    if status is not None and not isinstance(status, str):
        raise ValidationError(_("Requête invalide : corrigez les champs signalés."), {"status": _("Texte attendu.")})
    record = records.create_record(
        db,
        found,
        _submitted_values(data, found, None),
        actor=current_user,
        policy=_policy(),
        ctx=_ctx(),
        status=status,
        comment=_text(data, "comment"),
    )
    db.commit()
    response = _json(_record_json(record), etag=record_etag(record), status=201)
    response.headers["Location"] = url_for("api.record", record_id=record.id, _external=True)
    return response


@bp.route("/records/<int:record_id>")
def record(record_id: int) -> Response:
    """One record with the values the caller may see."""
    found = records.get_record(get_session(), record_id, current_user)
    return _json(_record_json(found), etag=record_etag(found))


@bp.route("/records/<int:record_id>", methods=["PUT"])
def record_put(record_id: int) -> Response:
    """Replace the values of a record (``If-Match`` required); optionally change its status."""
    db = get_session()
    found = records.get_record(db, record_id, current_user)
    refused = _precondition(record_etag(found), required=True)
    if refused is not None:
        return refused
    data = _body()
    status = data.get("status")
    if status is not None and not isinstance(status, str):
        raise ValidationError(_("Requête invalide : corrigez les champs signalés."), {"status": _("Texte attendu.")})
    comment = _text(data, "comment")
    if "values" in data:
        records.update_record(
            db,
            found,
            _submitted_values(data, found.form, found),
            actor=current_user,
            policy=_policy(),
            base_revision=found.revision_number,
            ctx=_ctx(),
            comment=comment,
        )
    if status is not None and status != found.status:
        records.set_status(db, found, status, actor=current_user, comment=comment)
    db.commit()
    return _json(_record_json(found), etag=record_etag(found))


@bp.route("/records/<int:record_id>", methods=["DELETE"])
def record_delete(record_id: int) -> Response:
    """Delete a record (moderators; history kept); ``If-Match`` optional."""
    db = get_session()
    found = records.get_record(db, record_id, current_user)
    refused = _precondition(record_etag(found), required=False)
    if refused is not None:
        return refused
    comment = ""
    if request.content_length:
        comment = _text(_body(), "comment")
    records.delete_record(db, found, actor=current_user, comment=comment)
    db.commit()
    return Response(status=204)
