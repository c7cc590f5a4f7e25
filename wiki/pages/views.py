"""Page routes: the blueprint ``pages``, reading routes and what its view modules share.

Reading here (show, home, index, new, history, old revision, diff); editing
routes are :mod:`wiki.pages.edit_views`, file routes :mod:`wiki.pages.file_views`
(both add their routes to :data:`bp`; ``wiki.pages.init_app`` imports them
before registering it). Views parse the request, call one service and render
(STYLE R5). Anonymous page views are cheap: the HTML of a revision is cached,
and an ETag built from the revision and the wiki's last page change answers
304 before any rendering.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki import hibernation
from wiki import markup
from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import NotFound
from wiki.pages import diffs
from wiki.pages import services

bp = Blueprint("pages", __name__)


def policy() -> str:
    """Return the instance edit policy (``open``, ``account`` or ``readonly``; ``readonly`` while asleep)."""
    return hibernation.edit_policy()


def int_arg(name: str, default: int | None = None) -> int | None:
    """Parse a strictly positive integer parameter (B15-127), else ``default``."""
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else default


def _offset() -> int:
    page_no = min(int_arg("page", 1) or 1, 100_000)
    return (page_no - 1) * current_app.config["PER_PAGE"]


def load_page(slug: str) -> Any:
    """Return ``(page, None)`` for ``slug``, or ``(None, redirection)`` from a renamed one.

    :raises NotFound: no such page.
    :raises Gone: the page is deleted and the visitor may not see deleted pages.
    """
    db = get_session()
    page, target = services.resolve(db, slug)
    if target is not None:
        return None, redirect(
            url_for(request.endpoint or "pages.show", **{**(request.view_args or {}), "slug": target.slug}), 301
        )
    if page is None:
        raise NotFound(_("Cette page n'existe pas."))
    return services.get_page(db, slug, current_user), None


def _cacheable() -> bool:
    return not current_user.is_authenticated and not session.get("_flashes")


def show_page(slug: str) -> Any:
    """Render a page (shared by ``/`` and ``/pages/<slug>``)."""
    db = get_session()
    page, target = services.resolve(db, slug)
    if target is not None:
        return redirect(url_for("pages.show", slug=target.slug), 301)
    if page is None:
        if slug == services.HOME_SLUG:
            return render_template("pages/empty_home.html")
        return render_template(
            "pages/missing.html", slug=slug, title=markup.normalize_title(slug.replace("-", " ").capitalize())
        ), 404
    page = services.ensure_readable(page, current_user)
    revision = page.current_revision
    assert revision is not None
    etag = None
    # Pages embedding live views (macros) change with the records: no 304.
    if _cacheable() and not services.shows_live_data(revision):
        changed = services.last_change(db)
        modified = max(revision.created_at, changed) if changed else revision.created_at
        raw = f"{revision.id}|{changed}|{page.protected}|{request.accept_languages}|{request.cookies.get('lang')}"
        etag = hashlib.sha1(raw.encode()).hexdigest()[:20]
        fresh = request.if_none_match.contains(etag) or (
            not request.if_none_match
            and request.if_modified_since is not None
            and modified.replace(microsecond=0) <= request.if_modified_since
        )
        if fresh:
            response = make_response("", 304)
            response.set_etag(etag)
            return response
    shown = services.render_page(db, revision, current_user)
    response = make_response(
        render_template(
            [f"pages/show-{page.slug}.html", "pages/show.html"],
            page=page,
            revision=revision,
            body_html=shown.body_html,
            toc_html=shown.toc_html,
            backlinks=services.backlinks(db, page),
            can_edit=permissions.can_edit_page(current_user, page, policy()),
        )
    )
    if etag:
        response.set_etag(etag)
        # The HTML also changes when a linked page appears: the latest change counts.
        response.last_modified = modified
        response.cache_control.public = True
        response.cache_control.max_age = 0
        response.cache_control.must_revalidate = True
    else:
        # Live views (macros) change with the records: revalidate every time. An anonymous answer is
        # the same for every visitor, so the response cache may keep it (per content version, 60 s).
        if current_user.is_authenticated:
            response.cache_control.private = True
        response.cache_control.no_cache = True
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


@bp.route("/")
def home() -> Any:
    """Show the home page (the page ``accueil``)."""
    return show_page(services.HOME_SLUG)


@bp.route("/pages/<slug>")
def show(slug: str) -> Any:
    """Show the current version of a page."""
    return show_page(slug)


@bp.route("/-/nouvelle-page")
def new() -> Any:
    """Ask for the title of a new page, then open its editor."""
    title = markup.normalize_title(request.args.get("title", ""))
    errors = {}
    if "title" in request.args:
        slug = markup.slugify(title)
        if slug:
            db = get_session()
            if services.find_page(db, slug) is not None:
                flash(_("Une page porte déjà ce nom : la voici."), "info")
                return redirect(url_for("pages.show", slug=slug))
            return redirect(url_for("pages.edit", slug=slug, title=title))
        errors["title"] = _("Donnez un titre à la page.")
    return render_template("pages/new.html", title=title, errors=errors), 400 if errors else 200


@bp.route("/pages")
def index() -> Any:
    """List pages alphabetically."""
    db = get_session()
    per_page = current_app.config["PER_PAGE"]
    pages, total = services.list_pages(
        db, offset=_offset(), limit=per_page, prefix=request.args.get("prefixe", "")[:100]
    )
    deleted = services.list_deleted_pages(db) if permissions.can_see_deleted(current_user) else []
    return render_template(
        "pages/index.html", pages=pages, total=total, per_page=per_page, current=int_arg("page", 1), deleted=deleted
    )


@bp.route("/pages/<slug>/history")
def history(slug: str) -> Any:
    """List the revisions of a page."""
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    db = get_session()
    per_page = current_app.config["PER_PAGE"]
    revisions = services.history(db, page, offset=_offset(), limit=per_page + 1)
    return render_template(
        "pages/history.html",
        page=page,
        revisions=revisions[:per_page],
        has_more=len(revisions) > per_page,
        current=int_arg("page", 1),
        can_edit=permissions.can_edit_page(current_user, page, policy()),
    )


@bp.route("/pages/<slug>/revisions/<int:number>")
def revision(slug: str, number: int) -> Any:
    """Show an old revision of a page."""
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    db = get_session()
    rev = services.get_revision(db, page, number)
    return render_template(
        "pages/revision.html",
        page=page,
        revision=rev,
        body_html=services.render_page(db, rev, current_user).body_html,
        can_edit=permissions.can_edit_page(current_user, page, policy()),
    )


@bp.route("/pages/<slug>/revisions/<int:number>.txt")
def source(slug: str, number: int) -> Any:
    """The text of a revision as written (plain text: what a summarised diff links to)."""
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    response = make_response(services.get_revision(get_session(), page, number).body)
    response.mimetype = "text/plain"
    return response


@bp.route("/pages/<slug>/diff")
def diff(slug: str) -> Any:
    """Compare two revisions of a page (line and word level)."""
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    db = get_session()
    current_no = page.current_revision.number
    new_no = int_arg("to", current_no) or current_no
    old_no = int_arg("from", max(new_no - 1, 1)) or 1
    old = services.get_revision(db, page, old_no)
    new = services.get_revision(db, page, new_no)
    result = diffs.compare(db, old, new)  # within DIFF_COST_BUDGET, cached per pair
    return render_template(
        "pages/diff.html", page=page, old=old, new=new, diff=result, title_changed=old.title != new.title
    )
