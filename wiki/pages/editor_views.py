"""The page editor's helpers, on the ``pages`` blueprint: image upload and page-name suggestions.

Both answer JSON to the editor's script (``editor.js``); the editor works
without them (the « Fichiers » tab and typed ``[[…]]`` links). An upload goes
through the same attachments service and checks as the files tab, and needs
the page to exist: a new page is saved first (the editor says so).
"""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.db import get_session
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.pages import services
from wiki.pages import titles
from wiki.pages.file_views import attach_upload
from wiki.pages.views import bp

_LINK_TEXT_RE = re.compile(r"[\[\]\\\r\n\t]+")


def markdown_for(item: Any, href: str, alt: str = "") -> str:
    """Return the Markdown that shows an attachment: an image with its text alternative, else a link."""
    href = href.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
    text = alt if item.is_image else item.filename
    text = " ".join(_LINK_TEXT_RE.sub(" ", text).split())
    return f"![{text}]({href})" if item.is_image else f"[{text}]({href})"


@bp.route("/pages/<slug>/images.json", methods=["POST"])
def editor_upload(slug: str) -> Any:
    """Attach the posted file to the page and answer the Markdown to insert at the cursor."""
    db = get_session()
    page, target = services.resolve(db, slug)
    page = target or page
    if page is None:
        raise NotFound(_("Enregistrez d’abord la page : vous pourrez ensuite y joindre des images."))
    page = services.get_page(db, page.slug, current_user)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationError(_("Choisissez un fichier."))
    try:
        item = attach_upload(db, page, upload)
    except (ValidationError, Forbidden):
        db.rollback()
        raise
    db.commit()
    href = url_for("pages.file", file_id=item.id, name=item.filename)
    alt = request.form.get("alt", "")[:300]
    return jsonify(markdown=markdown_for(item, href, alt), url=href, filename=item.filename, image=item.is_image), 201


@bp.route("/-/pages/titres.json")
def page_titles() -> Any:
    """Suggest page titles containing ``q``, for the editor's wiki links (cached a minute)."""
    found = titles.suggest_titles(get_session(), request.args.get("q", ""))
    response = jsonify(titles=found)
    response.cache_control.public = True
    response.cache_control.max_age = 60
    return response
