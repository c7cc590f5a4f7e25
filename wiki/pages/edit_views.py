"""Page editing routes, on the ``pages`` blueprint: edit (and create), revert, rename, delete, restore, protect.

Views parse the request, call one service and render or redirect (STYLE R5,
R7): the services check who may do what (:mod:`wiki.auth.permissions`); a
view asks only to choose what to show (the editor, a confirmation form).
Every refusal of a save gives the typed text back.
"""

from __future__ import annotations

import contextlib
import functools
from typing import Any

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from wiki import markup
from wiki import textdiff
from wiki.auth import permissions
from wiki.db import begin_writing
from wiki.db import get_session
from wiki.db import read_only_intent
from wiki.db import reads_first
from wiki.errors import EditConflict
from wiki.errors import Forbidden
from wiki.errors import ValidationError
from wiki.moderation import guard_views as form_guard
from wiki.moderation import policy as edit_policies
from wiki.pages import moderation
from wiki.pages import rendering
from wiki.pages import services
from wiki.pages.views import bp
from wiki.pages.views import int_arg
from wiki.pages.views import load_page
from wiki.pages.views import policy


def _refuse_editor() -> Any:
    """Send an anonymous visitor to log in; refuse anyone else (403)."""
    if not current_user.is_authenticated:
        flash(_("Connectez-vous pour modifier les pages."), "info")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    abort(403)


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


def _render_ahead(db: Any, page: Any, body: str, base_id: int | None) -> Any:
    """Render what a save will store before its transaction (goal G10): the text, and its merge with
    what landed since its base; the save's transaction then finds them rendered.

    Returns the revisions read to merge (or None): the caller keeps them until the save, so that it
    finds its base in the session (whose identity map holds objects weakly) instead of reading it again.

    :raises ValidationError: the text cannot be rendered within the budget and limits.
    """
    with read_only_intent():
        sources = rendering.merge_sources(db, page, base_id)
        db.commit()  # the reads end here, keeping what they loaded: no transaction is open while rendering
    rendering.prepare(body)
    if sources is not None:
        merged = textdiff.merge_texts(sources[0].body, body, sources[1].body)
        if not merged.conflicted and merged.text != body:
            rendering.prepare(merged.text)
    return sources


@bp.route("/pages/<slug>/edit", methods=["GET", "POST"])
@reads_first
def edit(slug: str) -> Any:
    """Edit a page, or create it when it does not exist yet.

    A save reads (deferred), renders with no transaction open, then writes in
    one short transaction: SQLite's write lock is taken once, for the write.
    """
    db = get_session()
    page, target = services.resolve(db, slug)
    if target is not None:
        return redirect(url_for("pages.edit", slug=target.slug), 301)
    if page is not None:
        page = services.ensure_readable(page, current_user)
    saving = request.method == "POST" and request.form.get("action") != "preview"
    # Showing the editor or a preview is the view's choice; a save is checked by the service.
    if not saving and not permissions.can_edit_page(current_user, page, policy()):
        return _refuse_editor()
    if request.method == "GET":
        if page is None:
            title = markup.normalize_title(request.args.get("title", "")) or slug.replace("-", " ").capitalize()
            return _render_editor(None, body="", comment="", base_id=None, title=title)
        revision = page.current_revision
        assert revision is not None  # a page is created with its first revision
        return _render_editor(page, body=revision.body, comment="", base_id=revision.id)

    body = request.form.get("body", "")
    comment = request.form.get("comment", "")
    title = request.form.get("title", "")
    base_id = int_arg("base_revision_id")
    # The editor again, with what was typed: on every preview and every refused save.
    again = functools.partial(_render_editor, page, body=body, comment=comment, base_id=base_id, title=title)
    if request.form.get("action") == "preview":
        db.rollback()  # the reads so far end here: no transaction is open while rendering
        try:
            preview = services.render_preview(db, body, current_user)
        except ValidationError as err:
            return again(errors=err.errors, status=400)
        return again(preview=preview.body_html, warnings=preview.warnings)
    max_bytes = current_app.config["MAX_PAGE_BYTES"]
    try:
        sources = _render_ahead(db, page, body, base_id)  # noqa: F841 - kept for the save (see its docstring)
        begin_writing(db)
        form_guard.check_form(action="page:create" if page is None else "page:edit")
        if page is None:
            result = services.create_page(
                db,
                title=title or slug,
                body=body,
                comment=comment,
                actor=current_user,
                policy=policy(),
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
                policy=policy(),
                max_bytes=max_bytes,
            )
    except Forbidden:
        db.rollback()
        return _refuse_editor()
    except ValidationError as err:
        db.rollback()
        return again(errors=err.errors or {"body": err.message}, status=err.status)
    except IntegrityError:
        # Someone created the same page (or revision) at the same instant.
        db.rollback()
        return again(
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
    if result.pending is not None:
        flash(_("Merci ! Votre contribution est en attente de relecture : elle sera publiée après validation."), "info")
        return redirect(url_for("moderation.item", item_id=result.pending.id))
    if result.revision is None:
        flash(_("Aucune modification : le texte est identique."), "info")
    elif result.merged:
        flash(_("Votre modification a été fusionnée avec celle d'une autre personne."), "success")
    else:
        flash(_("Page enregistrée."), "success")
    return redirect(url_for("pages.show", slug=result.page.slug))


@bp.route("/pages/<slug>/revert/<int:number>", methods=["POST"])
def revert(slug: str, number: int) -> Any:
    """Make an old revision current again (as a new revision)."""
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    db = get_session()
    if permissions.can_edit_page(current_user, page, policy()):  # the service checks again, under the lock
        text = services.get_revision(db, page, number).body
        db.rollback()  # rendered before the revert's transaction, like a save
        with contextlib.suppress(ValidationError):  # restored all the same, shown as source
            rendering.prepare(text)
    result = services.revert_page(
        db, page, number, actor=current_user, policy=policy(), comment=request.form.get("comment", "")
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
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    # Showing the form is the view's choice; the rename itself is checked by the service.
    if request.method == "GET" and not permissions.can_rename_page(current_user, page, policy()):
        abort(403)
    errors: dict[str, str] = {}
    new_title = request.form.get("title", page.title)
    if request.method == "POST":
        db = get_session()
        try:
            services.rename_page(
                db, page, new_title, actor=current_user, policy=policy(), comment=request.form.get("comment", "")
            )
        except Forbidden:
            abort(403)
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
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    if request.method == "POST":
        db = get_session()
        try:
            moderation.delete_page(db, page, actor=current_user, comment=request.form.get("comment", ""))
        except Forbidden:
            abort(403)
        db.commit()
        flash(_("Page supprimée. Elle peut être restaurée depuis la liste des pages."), "success")
        return redirect(url_for("pages.index"))
    if not permissions.can_delete_page(current_user):
        abort(403)
    return render_template("pages/delete.html", page=page)


@bp.route("/pages/<slug>/restore", methods=["POST"])
def restore(slug: str) -> Any:
    """Restore a deleted page."""
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    db = get_session()
    moderation.restore_page(db, page, actor=current_user)
    db.commit()
    flash(_("Page restaurée."), "success")
    return redirect(url_for("pages.show", slug=page.slug))


@bp.route("/pages/<slug>/protect", methods=["GET", "POST"])
def protect(slug: str) -> Any:
    """Choose who edits a page: as the wiki, open, account, pre-moderated or locked (moderators).

    The older form posting ``protected=1|0`` (protect, unprotect) is still understood.
    """
    page, redirection = load_page(slug)
    if redirection:
        return redirection
    db = get_session()
    if request.method == "GET" or "policy" in request.form:
        return _page_policy(db, page)
    protected = request.form.get("protected") == "1"
    moderation.protect_page(db, page, protected, actor=current_user)
    db.commit()
    flash(
        _("Page protégée : seuls les modérateurs peuvent la modifier.") if protected else _("Protection levée."),
        "success",
    )
    return redirect(url_for("pages.show", slug=page.slug))


def _page_policy(db: Any, page: Any) -> Any:
    """Show the page's policy choices, or store the one posted."""
    if not permissions.can_set_edit_policy(current_user):
        abort(403)
    errors: dict[str, str] = {}
    chosen = request.form.get("policy", page.edit_policy or ("locked" if page.protected else ""))
    if request.method == "POST":
        try:
            moderation.set_page_policy(db, page, chosen or None, actor=current_user)
        except ValidationError as err:
            db.rollback()
            errors = err.errors
        else:
            db.commit()
            flash(_("Règle de modification enregistrée."), "success")
            return redirect(url_for("pages.show", slug=page.slug))
    return render_template(
        "pages/protect.html", page=page, chosen=chosen, labels=edit_policies.POLICY_LABELS, errors=errors
    ), (400 if errors else 200)
