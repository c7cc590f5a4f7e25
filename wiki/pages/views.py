"""Page routes: show, edit, history, diff, revert, rename, delete, files.

Views parse the request, call one service and render (STYLE R5). Anonymous
page views are cheap: the HTML of a revision is cached, and an ETag built
from the revision and the wiki's last page change answers 304 before any
rendering.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import session
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from wiki import markup
from wiki import textdiff
from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import EditConflict
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.pages import attachments as files
from wiki.pages import moderation
from wiki.pages import services

bp = Blueprint("pages", __name__)


def _policy() -> str:
    return current_app.config["EDIT_POLICY"]


def _int_arg(name: str, default: int | None = None) -> int | None:
    """Parse a strictly positive integer parameter (B15-127), else ``default``."""
    raw = request.values.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else default


def _offset() -> int:
    page_no = min(_int_arg("page", 1) or 1, 100_000)
    return (page_no - 1) * current_app.config["PER_PAGE"]


def _uploads_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _load(slug: str) -> Any:
    """Return the page for ``slug`` or redirect from a renamed one."""
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
            can_edit=permissions.can_edit_page(current_user, page, _policy()),
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
        "pages/index.html", pages=pages, total=total, per_page=per_page, current=_int_arg("page", 1), deleted=deleted
    )


def _render_editor(
    page: Any,
    *,
    body: str,
    comment: str,
    base_id: int | None,
    title: str = "",
    errors: dict[str, str] | None = None,
    preview: str | None = None,
    warnings: tuple[str, ...] = (),
    status: int = 200,
) -> Any:
    return (
        render_template(
            "pages/edit.html",
            page=page,
            slug=page.slug if page else markup.slugify(title),
            title=title or (page.title if page else ""),
            body=body,
            comment=comment,
            base_id=base_id,
            errors=errors or {},
            preview=preview,
            warnings=warnings,
        ),
        status,
    )


@bp.route("/pages/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str) -> Any:
    """Edit a page, or create it when it does not exist yet."""
    db = get_session()
    page, target = services.resolve(db, slug)
    if target is not None:
        return redirect(url_for("pages.edit", slug=target.slug), 301)
    if page is not None:
        page = services.get_page(db, slug, current_user)
    if not permissions.can_edit_page(current_user, page, _policy()):
        if not current_user.is_authenticated:
            flash(_("Connectez-vous pour modifier les pages."), "info")
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)
    if request.method == "GET":
        if page is None:
            title = markup.normalize_title(request.args.get("title", "")) or slug.replace("-", " ").capitalize()
            return _render_editor(None, body="", comment="", base_id=None, title=title)
        revision = page.current_revision
        return _render_editor(page, body=revision.body, comment="", base_id=revision.id)

    body = request.form.get("body", "")
    comment = request.form.get("comment", "")
    title = request.form.get("title", "")
    base_id = _int_arg("base_revision_id")
    if request.form.get("action") == "preview":
        try:
            preview = services.render_preview(db, body, current_user)
        except ValidationError as err:
            return _render_editor(
                page, body=body, comment=comment, base_id=base_id, title=title, errors=err.errors, status=400
            )
        return _render_editor(
            page,
            body=body,
            comment=comment,
            base_id=base_id,
            title=title,
            preview=preview.body_html,
            warnings=preview.warnings,
        )
    max_bytes = current_app.config["MAX_PAGE_BYTES"]
    try:
        if page is None:
            result = services.create_page(
                db,
                title=title or slug,
                body=body,
                comment=comment,
                actor=current_user,
                policy=_policy(),
                max_bytes=max_bytes,
            )
        else:
            result = services.save_page(
                db,
                page,
                body=body,
                comment=comment,
                actor=current_user,
                base_revision_id=base_id,
                policy=_policy(),
                max_bytes=max_bytes,
            )
    except ValidationError as err:
        db.rollback()
        return _render_editor(
            page,
            body=body,
            comment=comment,
            base_id=base_id,
            title=title,
            errors=err.errors or {"body": err.message},
            status=400,
        )
    except IntegrityError:
        # Someone created the same page (or revision) at the same instant.
        db.rollback()
        return _render_editor(
            page,
            body=body,
            comment=comment,
            base_id=base_id,
            title=title,
            errors={
                "body": _(
                    "Quelqu'un vient d'enregistrer cette page en même temps que vous : vérifiez puis enregistrez à nouveau."
                )
            },
            status=409,
        )
    except EditConflict as err:
        db.rollback()
        current = err.details["current"]
        return (
            render_template(
                "pages/conflict.html",
                page=page,
                mine=body,
                comment=comment,
                current=current,
                hunks=textdiff.diff_lines(current.body, body),
            ),
            409,
        )
    db.commit()
    if result.revision is None:
        flash(_("Aucune modification : le texte est identique."), "info")
    elif result.merged:
        flash(_("Votre modification a été fusionnée avec celle d'une autre personne."), "success")
    else:
        flash(_("Page enregistrée."), "success")
    return redirect(url_for("pages.show", slug=result.page.slug))


@bp.route("/pages/<slug>/history")
def history(slug: str) -> Any:
    """List the revisions of a page."""
    page, redirection = _load(slug)
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
        current=_int_arg("page", 1),
        can_edit=permissions.can_edit_page(current_user, page, _policy()),
    )


@bp.route("/pages/<slug>/revisions/<int:number>")
def revision(slug: str, number: int) -> Any:
    """Show an old revision of a page."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    db = get_session()
    rev = services.get_revision(db, page, number)
    return render_template(
        "pages/revision.html",
        page=page,
        revision=rev,
        body_html=services.render_page(db, rev, current_user).body_html,
        can_edit=permissions.can_edit_page(current_user, page, _policy()),
    )


@bp.route("/pages/<slug>/diff")
def diff(slug: str) -> Any:
    """Compare two revisions of a page (line and word level)."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    db = get_session()
    current_no = page.current_revision.number
    new_no = _int_arg("to", current_no) or current_no
    old_no = _int_arg("from", max(new_no - 1, 1)) or 1
    old = services.get_revision(db, page, old_no)
    new = services.get_revision(db, page, new_no)
    hunks = textdiff.diff_lines(old.body, new.body)
    return render_template(
        "pages/diff.html", page=page, old=old, new=new, hunks=hunks, title_changed=old.title != new.title
    )


@bp.route("/pages/<slug>/revert/<int:number>", methods=["POST"])
def revert(slug: str, number: int) -> Any:
    """Make an old revision current again (as a new revision)."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    db = get_session()
    result = services.revert_page(
        db, page, number, actor=current_user, policy=_policy(), comment=request.form.get("comment", "")
    )
    db.commit()
    if result.revision is None:
        flash(_("Cette version est déjà la version actuelle."), "info")
    else:
        flash(_("La version %(number)d a été rétablie.", number=number), "success")
    return redirect(url_for("pages.show", slug=page.slug))


@bp.route("/pages/<slug>/rename", methods=["GET", "POST"])
def rename(slug: str) -> Any:
    """Rename a page; the old name keeps redirecting."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    if not permissions.can_rename_page(current_user, page, _policy()):
        abort(403)
    errors: dict[str, str] = {}
    new_title = request.form.get("title", page.title)
    if request.method == "POST":
        db = get_session()
        try:
            services.rename_page(
                db, page, new_title, actor=current_user, policy=_policy(), comment=request.form.get("comment", "")
            )
        except ValidationError as err:
            db.rollback()
            errors = err.errors or {"title": err.message}
        else:
            db.commit()
            flash(_("Page renommée. L'ancien nom redirige vers le nouveau."), "success")
            return redirect(url_for("pages.show", slug=page.slug))
    return render_template("pages/rename.html", page=page, new_title=new_title, errors=errors), 400 if errors else 200


@bp.route("/pages/<slug>/delete", methods=["GET", "POST"])
def delete(slug: str) -> Any:
    """Delete a page (moderators; restorable)."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    if not permissions.can_delete_page(current_user):
        abort(403)
    if request.method == "POST":
        db = get_session()
        moderation.delete_page(db, page, actor=current_user, comment=request.form.get("comment", ""))
        db.commit()
        flash(_("Page supprimée. Elle peut être restaurée depuis la liste des pages."), "success")
        return redirect(url_for("pages.index"))
    return render_template("pages/delete.html", page=page)


@bp.route("/pages/<slug>/restore", methods=["POST"])
def restore(slug: str) -> Any:
    """Restore a deleted page."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    db = get_session()
    moderation.restore_page(db, page, actor=current_user)
    db.commit()
    flash(_("Page restaurée."), "success")
    return redirect(url_for("pages.show", slug=page.slug))


@bp.route("/pages/<slug>/protect", methods=["POST"])
def protect(slug: str) -> Any:
    """Protect or unprotect a page (moderators)."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    db = get_session()
    protected = request.form.get("protected") == "1"
    moderation.protect_page(db, page, protected, actor=current_user)
    db.commit()
    flash(
        _("Page protégée : seuls les modérateurs peuvent la modifier.") if protected else _("Protection levée."),
        "success",
    )
    return redirect(url_for("pages.show", slug=page.slug))


@bp.route("/pages/<slug>/files", methods=["GET", "POST"])
def attachments(slug: str) -> Any:
    """List a page's files and attach a new one."""
    page, redirection = _load(slug)
    if redirection:
        return redirection
    db = get_session()
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("Choisissez un fichier.")
        else:
            try:
                item = files.add_attachment(
                    db,
                    page,
                    upload.stream,
                    upload.filename,
                    actor=current_user,
                    policy=_policy(),
                    root=_uploads_root(),
                    max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
                    max_pixels=current_app.config["MAX_IMAGE_PIXELS"],
                )
            except ValidationError as err:
                db.rollback()
                error = err.message
            else:
                db.commit()
                flash(_("Fichier « %(name)s » ajouté.", name=item.filename), "success")
                return redirect(url_for("pages.attachments", slug=page.slug))
    return (
        render_template(
            "pages/files.html",
            page=page,
            files=files.list_attachments(db, page),
            error=error,
            can_upload=permissions.can_upload(current_user, page, _policy()),
            max_mb=current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024),
        ),
        400 if error else 200,
    )


@bp.route("/-/fichiers/<int:file_id>/remove", methods=["POST"])
def remove_file(file_id: int) -> Any:
    """Remove a file from its page."""
    db = get_session()
    item = files.get_attachment(db, file_id)
    page = db.get(services.Page, item.page_id)
    files.remove_attachment(db, item, actor=current_user, policy=_policy())
    db.commit()
    flash(_("Fichier retiré."), "success")
    return redirect(url_for("pages.attachments", slug=page.slug))


@bp.route("/-/fichiers/<int:file_id>/<path:name>")
def file(file_id: int, name: str) -> Any:
    """Send a stored file: images inline, everything else as a download."""
    db = get_session()
    item = files.get_attachment(db, file_id)
    path = files.storage_path(_uploads_root(), item.stored_name)
    if not path.is_file():
        abort(404)
    inline = files.ACCEPTED.get(item.content_type, ("", False))[1]
    response = send_file(path, mimetype=item.content_type, conditional=True, max_age=86400, etag=item.sha256)
    disposition = "inline" if inline else "attachment"
    ascii_name = item.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(item.filename)}"
    )
    # A file is never a document of our origin: no scripts, no plugins, sandboxed.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response
