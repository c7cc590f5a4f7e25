"""``/api/v1/pages`` and friends: pages and their history as JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request
from flask import url_for
from flask_login import current_user

from wiki import macros
from wiki.db import get_session
from wiki.pages import services as pages
from wiki.pages.rendering import render_revision
from wiki.records import queries as record_queries
from wiki.records import services as records

bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_LIMIT = 200


def _paging() -> tuple[int, int]:
    """Return ``(limit, offset)`` clamped to sane values (B9-81)."""
    def _int(name: str, default: int) -> int:
        raw = request.args.get(name, "")
        return int(raw) if raw.isdigit() and len(raw) < 10 else default

    return max(1, min(_int("limit", 50), MAX_LIMIT)), max(0, min(_int("offset", 0), 10_000_000))


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


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


def _json(payload: Any, *, etag: str | None = None) -> Response:
    response = jsonify(payload)
    response.headers["Access-Control-Allow-Origin"] = "*"
    if etag:
        response.set_etag(etag)
    return response


@bp.route("/pages")
def pages_index() -> Response:
    """List live pages (paginated)."""
    limit, offset = _paging()
    items, total = pages.list_pages(get_session(), offset=offset, limit=limit)
    return _json({"total": total, "limit": limit, "offset": offset, "items": [_page_summary(p) for p in items]})


@bp.route("/pages/<slug>")
def page(slug: str) -> Response:
    """One page with its Markdown source and sanitized HTML."""
    db = get_session()
    found = pages.get_page(db, slug, current_user)
    revision = found.current_revision
    rendered = render_revision(db, revision)
    payload = _page_summary(found) | {
        "protected": found.protected,
        "content_markdown": revision.body,
        "content_html": macros.as_source(rendered.html, list(rendered.macros)),
        "links": sorted(rendered.links),
        "author": revision.author.name if revision.author else None,
    }
    return _json(payload, etag=f"rev-{revision.id}")


@bp.route("/pages/<slug>/revisions")
def page_revisions(slug: str) -> Response:
    """The history of a page, newest first (paginated)."""
    db = get_session()
    found = pages.get_page(db, slug, current_user)
    limit, offset = _paging()
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
    return _json({"items": [_form_summary(f) for f in records.list_forms(get_session())]})


@bp.route("/forms/<key>")
def form(key: str) -> Response:
    """A form and its field schema."""
    found = records.get_form(get_session(), key)
    fields = [
        {
            "key": d.key,
            "type": d.type,
            "label": d.label,
            "help": d.help,
            "required": d.required,
            "visibility": d.visibility,
            "personal": d.personal,
            "options": dict(d.options),
        }
        for d in records.form_fields(found)
    ]
    return _json(_form_summary(found) | {"title_field": found.title_field, "fields": fields}, etag=f"form-{found.id}-{found.revision_number}")


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
        "values": records.public_values(record, current_user),
        "api_url": url_for("api.record", record_id=record.id, _external=True),
    }


@bp.route("/forms/<key>/records")
def form_records(key: str) -> Response:
    """Records of a form, with the same filters as the web lists."""
    db = get_session()
    found = records.get_form(db, key)
    filters = record_queries.parse_filters(request.args, found, current_user, per_page=50)
    result = record_queries.list_records(db, found, filters, labels=records.value_labels(db, found))
    facets = {name: [{"value": v.value, "label": v.label, "count": v.count} for v in values] for name, values in result.facets.items()}
    offset = filters.offset if filters.offset is not None else (filters.page - 1) * filters.per_page
    return _json({"total": result.total, "limit": filters.per_page, "offset": offset, "facets": facets, "items": [_record_json(r) for r in result.records]})


@bp.route("/records/<int:record_id>")
def record(record_id: int) -> Response:
    """One record with the values the caller may see."""
    found = records.get_record(get_session(), record_id, current_user)
    return _json(_record_json(found), etag=f"record-{found.id}-{found.revision_number}")
