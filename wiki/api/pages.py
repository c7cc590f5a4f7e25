"""``/api/v1/pages``: the wiki's pages as JSON, their history, and saving a page.

Every view parses the request, calls the pages services (which apply the
permissions and the edit policy, as for the web editor) and shapes JSON.
A page answer carries an ``ETag`` naming its current revision; a PUT on an
existing page must send it back in ``If-Match``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Response
from flask import current_app
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki import macros
from wiki import markup
from wiki import paging
from wiki.api import openapi
from wiki.api.blueprint import bp
from wiki.api.conventions import check_precondition
from wiki.api.conventions import iso
from wiki.api.conventions import json_body
from wiki.api.conventions import json_response
from wiki.api.conventions import problem
from wiki.api.conventions import text_field
from wiki.api.pending import PENDING
from wiki.api.pending import pending_response
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.pages import services as pages
from wiki.pages.rendering import prepare
from wiki.pages.rendering import render_revision


def page_etag(page: Any) -> str:
    """The validator of a page: its current revision."""
    return f"rev-{page.current_revision_id}"


def _summary(page: Any) -> dict[str, Any]:
    revision = page.current_revision
    return {
        "slug": page.slug,
        "title": page.title,
        "revision": revision.number if revision else None,
        "updated_at": iso(page.updated_at),
        "url": url_for("pages.show", slug=page.slug, _external=True),
        "api_url": url_for("api.pages_show", slug=page.slug, _external=True),
    }


def _page_json(page: Any) -> dict[str, Any]:
    revision = page.current_revision
    rendered = render_revision(get_session(), revision)
    return _summary(page) | {
        "protected": page.protected,
        "content_markdown": revision.body,
        "content_html": macros.as_source(rendered.html, list(rendered.macros)),
        "links": sorted(rendered.links),
        "author": revision.author.name if revision.author else None,
    }


@bp.get("/pages", endpoint="pages_index")
@openapi.describe(
    operation_id="listPages",
    summary="Live pages by address.",
    security=openapi.READ,
    parameters=openapi.PAGING,
    responses=openapi.ok("PageList", "A slice of the pages."),
)
def index() -> Response:
    """List live pages (paginated)."""
    limit, offset = paging.clamp(request.args)
    items, total = pages.list_pages(get_session(), offset=offset, limit=limit)
    return json_response({"total": total, "limit": limit, "offset": offset, "items": [_summary(p) for p in items]})


@bp.get("/pages/<slug>", endpoint="pages_show")
@openapi.describe(
    operation_id="getPage",
    summary="A page: Markdown source and sanitized HTML.",
    security=openapi.READ,
    parameters=[openapi.IF_NONE_MATCH],
    responses=openapi.ok("Page", "The page.", etag=True) | openapi.NOT_MODIFIED | openapi.errors(401, 404, 410),
)
def show(slug: str) -> Response:
    """One page with its Markdown source and sanitized HTML."""
    found = pages.get_page(get_session(), slug, current_user)
    return json_response(_page_json(found), etag=page_etag(found))


@contextmanager
def _text_errors() -> Iterator[None]:
    """Name the page text ``text`` in validation errors, as the API calls it."""
    try:
        yield
    except ValidationError as err:
        if "body" in err.errors:
            err.errors["text"] = err.errors.pop("body")
        raise


def _settings() -> dict[str, Any]:
    return {"policy": current_app.config["EDIT_POLICY"], "max_bytes": int(current_app.config["MAX_PAGE_BYTES"])}


def _create(slug: str, *, text: str, title: str, comment: str) -> Response:
    """Create the page ``slug`` (its title, given or made from the slug, must give that slug)."""
    if request.headers.get("If-Match"):
        return problem(412, "precondition_failed", _("Cette page n'existe pas (encore)."))
    title = title or slug.replace("-", " ").capitalize()
    wanted = markup.slugify(markup.normalize_title(title))
    if wanted and wanted != slug:
        raise ValidationError(
            _("Le titre ne correspond pas à l'adresse de la page."),
            {"title": _("Ce titre donnerait l'adresse « %(slug)s » et non « %(asked)s ».", slug=wanted, asked=slug)},
        )
    db = get_session()
    with _text_errors():
        result = pages.create_page(db, title=title, body=text, comment=comment, actor=current_user, **_settings())
    db.commit()
    if result.pending is not None:
        return pending_response(result.pending)
    response = json_response(_page_json(result.page), etag=page_etag(result.page), status=201)
    response.headers["Location"] = url_for("api.pages_show", slug=result.page.slug, _external=True)
    return response


def _save(found: Any, *, text: str, title: str, comment: str) -> Response:
    """Save a new text for ``found`` (``If-Match`` required), and rename it when ``title`` changes."""
    asked = found.slug
    pages.ensure_readable(found, current_user)
    refused = check_precondition(page_etag(found), required=True)
    if refused is not None:
        return refused
    db = get_session()
    settings = _settings()
    # A save that lands between this check and the row lock (PostgreSQL) is
    # merged like in the web editor, or refused with 409 when it overlaps.
    with _text_errors():
        result = pages.save_page(
            db,
            found,
            body=text,
            comment=comment,
            actor=current_user,
            base_revision_id=found.current_revision_id,
            **settings,
        )
    if result.pending is not None:
        db.commit()
        return pending_response(result.pending)
    if title and title != found.title:
        pages.rename_page(db, found, title, actor=current_user, policy=settings["policy"], comment=comment)
    db.commit()
    response = json_response(_page_json(found), etag=page_etag(found))
    if found.slug != asked:
        response.headers["Content-Location"] = url_for("api.pages_show", slug=found.slug, _external=True)
    return response


@bp.put("/pages/<slug>", endpoint="pages_update")
@openapi.describe(
    operation_id="putPage",
    summary="Create a page, or save a new text for it.",
    description="Creating needs no `If-Match`; updating requires the ETag of the current revision in `If-Match`. "
    "Same permissions and edit policy as the web editor: under a pre-moderated policy an untrusted "
    "account's write is stored for review and answered 202 (nothing published, title unchanged).",
    security=openapi.WRITE,
    parameters=[openapi.IF_MATCH],
    request_body=openapi.request_json("PageWrite"),
    responses=openapi.ok("Page", "Saved (or unchanged).", etag=True)
    | openapi.ok("Page", "Created.", etag=True, status=201)
    | PENDING
    | openapi.errors(400, 401, 403, 409, 410, 412, 413, 428),
)
def update(slug: str) -> Response:
    """Create a page, or save a new text for it (``If-Match`` required)."""
    data = json_body()
    fields = {
        "text": text_field(data, "text", required=True),
        "comment": text_field(data, "comment"),
        "title": text_field(data, "title"),
    }
    with _text_errors():
        prepare(fields["text"])  # rendered before any transaction; refused (400) past the budget
    found = pages.find_page(get_session(), slug)
    if found is None:
        return _create(slug, **fields)
    return _save(found, **fields)


@bp.get("/pages/<slug>/revisions", endpoint="pages_history")
@openapi.describe(
    operation_id="listPageRevisions",
    summary="The history of a page, newest first.",
    security=openapi.READ,
    parameters=openapi.PAGING,
    responses=openapi.ok("PageRevisionList", "A slice of the history.") | openapi.errors(401, 404, 410),
)
def history(slug: str) -> Response:
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
            "created_at": iso(r.created_at),
            "size": r.size,
            "url": url_for("pages.revision", slug=found.slug, number=r.number, _external=True),
        }
        for r in revisions
    ]
    total = found.current_revision.number if found.current_revision else 0
    return json_response({"slug": found.slug, "total": total, "limit": limit, "offset": offset, "items": items})
