"""Page file routes, on the ``pages`` blueprint: list and attach files, remove one, send one.

Files are stored under the instance's ``uploads`` folder
(:mod:`wiki.pages.attachments` checks, stores and serves them); a file is
never a document of our origin: sent with a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.pages import attachments as files
from wiki.pages import services
from wiki.pages.views import bp
from wiki.pages.views import load_page
from wiki.pages.views import policy
from wiki.uploads import uploads_root


@bp.route("/pages/<slug>/files", methods=["GET", "POST"])
def attachments(slug: str) -> Any:
    """List a page's files and attach a new one."""
    page, redirection = load_page(slug)
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
                item = attach_upload(db, page, upload)
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
            can_upload=permissions.can_upload(current_user, page, policy()),
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
    assert page is not None  # get_attachment returns only the files of live pages
    files.remove_attachment(db, item, actor=current_user, policy=policy())
    db.commit()
    flash(_("Fichier retiré."), "success")
    return redirect(url_for("pages.attachments", slug=page.slug))


@bp.route("/-/fichiers/<int:file_id>/<path:name>")
def file(file_id: int, name: str) -> Any:
    """Send a stored file: images inline, everything else as a download."""
    db = get_session()
    item = files.get_attachment(db, file_id)
    path = files.storage_path(uploads_root(), item.stored_name)
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


def attach_upload(db: Any, page: Any, upload: Any) -> Any:
    """Attach an uploaded file to ``page`` for the current user, within the configured limits.

    :raises Forbidden: the user may not attach files here.
    :raises ValidationError: an empty, too big or refused file.
    """
    return files.add_attachment(
        db,
        page,
        upload.stream,
        upload.filename,
        actor=current_user,
        policy=policy(),
        root=uploads_root(),
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
        max_pixels=current_app.config["MAX_IMAGE_PIXELS"],
    )
