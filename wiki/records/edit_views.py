"""Record editing routes, on the ``records`` blueprint: new, edit, revert, status, verify, delete.

The user's input comes back on every refusal (STYLE R7), files sent for file
and image fields included (stored, then discarded if the save is refused).
The services check who may do what (:mod:`wiki.auth.permissions`).
"""

from __future__ import annotations

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
from werkzeug.datastructures import MultiDict

from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import EditConflict
from wiki.errors import ValidationError
from wiki.moderation import guard_views as form_guard
from wiki.pages import attachments as files
from wiki.records import access
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import references
from wiki.records import services
from wiki.records import taxonomy
from wiki.records import widgets
from wiki.records.views import bp
from wiki.records.views import policy
from wiki.records.views import vocabulary
from wiki.uploads import uploads_root


def _ctx() -> F.Context:
    return taxonomy.cleaning_context(
        get_session(), default_timezone=current_app.config["DEFAULT_TIMEZONE"], references=True
    )


def _editor(
    form: Any,
    record: Any,
    values: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    base: int | None = None,
    status: int = 200,
    conflict: list[str] | None = None,
) -> Any:
    lists, themes = vocabulary()
    defs = [d for d in form_services.form_fields(form) if access.editable_by(current_user, d, record)]
    pickers, values = references.pickers_for(get_session(), defs, values)
    return (
        render_template(
            "records/edit.html",
            form=form,
            record=record,
            defs=defs,
            values=values,
            pickers=pickers,
            errors=errors or {},
            base=base,
            options={d.key: widgets.options_for(d, lists, themes) for d in defs},
            conflict=conflict,
            schedule_parts=widgets.schedule_parts,
            privacy=widgets.privacy_notes(form_services.form_fields(form)),
        ),
        status,
    )


def _with_uploads(defs: list[F.FieldDef], record: Any) -> tuple[Any, list[Any]]:
    """Store the files sent for file and image fields; return the data to clean.

    Values of file fields not re-sent keep the stored file. Files stored
    here are discarded by the caller if the save is refused.
    """
    data: MultiDict[str, str | dict[str, Any]] = MultiDict(request.form)  # posted texts, and files as references
    stored = []
    for field in defs:
        if field.type not in ("file", "image"):
            continue
        upload = request.files.get(field.key)
        if upload is not None and upload.filename:
            item = files.store_file(
                get_session(),
                upload.stream,
                upload.filename,
                actor=current_user,
                root=uploads_root(),
                max_bytes=int(field.options.get("max_bytes") or current_app.config["MAX_UPLOAD_BYTES"]),
                max_pixels=current_app.config["MAX_IMAGE_PIXELS"],
                record_id=record.id if record else None,
                images_only=field.type == "image",
            )
            stored.append(item)
            data[field.key] = {"attachment_id": item.id, "name": item.filename}
        elif record is not None and record.data.get(field.id) and request.form.get(f"{field.key}_remove") != "on":
            data[field.key] = dict(record.data[field.id])
        else:
            data.pop(field.key, None)
        alt = request.form.get(f"{field.key}_alt", "").strip()[:300]
        image = data.get(field.key)
        if field.type == "image" and isinstance(image, dict):
            data[field.key] = {**image, "alt": alt} if alt else {k: v for k, v in image.items() if k != "alt"}
    return data, stored


@bp.route("/annuaire/<key>/nouvelle", methods=["GET", "POST"])
def new(key: str) -> Any:
    """Fill a form to create a record."""
    db = get_session()
    form = form_services.get_form(db, key)
    # Guards the editor and the upload storing below, which leaves rights to its caller
    # (files.store_file); create_record checks again for its other callers (API, importers).
    if not permissions.can_add_record(current_user, policy(), form):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        abort(403)
    defs = form_services.form_fields(form)
    if request.method == "GET":
        prefill = {d.key: request.args.get(d.key, "") for d in defs if d.type in ("text", "zone", "choice", "geometry")}
        return _editor(form, None, prefill)
    draft = request.form.get("action") == "draft"
    stored: list[Any] = []
    try:
        form_guard.check_form(field=form.title_field, action="record:create")
        data, stored = _with_uploads(defs, None)
        record = services.create_record(
            db,
            form,
            data,
            actor=current_user,
            policy=policy(),
            ctx=_ctx(),
            status="draft" if draft else None,
            comment=request.form.get("_comment", ""),
        )
        for item in stored:
            item.record_id = record.id
    except ValidationError as err:
        db.rollback()
        files.discard_files(uploads_root(), stored)
        errors = err.errors or {next((d.key for d in defs if d.type in ("file", "image")), "_"): err.message}
        return _editor(form, None, widgets.submitted_values(defs, request.form), errors=errors, status=err.status)
    db.commit()
    flash(
        _("Fiche enregistrée.")
        if record.status == "published"
        else _("Fiche enregistrée : elle sera visible après relecture."),
        "success",
    )
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/fiches/<int:record_id>/modifier", methods=["GET", "POST"])
def edit(record_id: int) -> Any:
    """Edit a record; the user's input comes back on every refusal."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    # Guards the editor and the upload storing below, which leaves rights to its caller
    # (files.store_file); update_record checks again for its other callers (API, importers).
    if not permissions.can_edit_record(current_user, record, policy()):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        abort(403)
    defs = form_services.form_fields(record.form)
    if request.method == "GET":
        return _editor(record.form, record, widgets.initial_values(defs, record.data), base=record.revision_number)
    raw_base = request.form.get("base_revision", "")
    base = int(raw_base) if raw_base.isdigit() and len(raw_base) < 9 else None
    stored: list[Any] = []
    try:
        form_guard.check_form(field=record.form.title_field, action="record:edit")
        data, stored = _with_uploads(defs, record)
        result = services.update_record(
            db,
            record,
            data,
            actor=current_user,
            policy=policy(),
            base_revision=base,
            ctx=_ctx(),
            comment=request.form.get("_comment", ""),
        )
    except ValidationError as err:
        db.rollback()
        files.discard_files(uploads_root(), stored)
        errors = err.errors or {next((d.key for d in defs if d.type in ("file", "image")), "_"): err.message}
        return _editor(
            record.form,
            record,
            widgets.submitted_values(defs, request.form),
            errors=errors,
            base=base,
            status=err.status,
        )
    except EditConflict as err:
        db.rollback()
        files.discard_files(uploads_root(), stored)
        db.refresh(record)
        return _editor(
            record.form,
            record,
            widgets.submitted_values(defs, request.form),
            base=record.revision_number,
            status=409,
            conflict=err.details.get("fields", []),
        )
    db.commit()
    if result.pending is not None:
        flash(_("Merci ! Votre modification est en attente de relecture : elle sera publiée après validation."), "info")
        return redirect(url_for("moderation.item", item_id=result.pending.id))
    flash(
        _("Fiche enregistrée.") if result.changed else _("Aucune modification."),
        "success" if result.changed else "info",
    )
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/fiches/<int:record_id>/revert/<int:number>", methods=["POST"])
def revert(record_id: int, number: int) -> Any:
    """Restore the values of an old revision."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    changed = services.revert_record(db, record, number, actor=current_user, policy=policy())
    db.commit()
    flash(
        _("La version %(n)d a été rétablie.", n=number)
        if changed
        else _("Cette version est déjà la version actuelle."),
        "success" if changed else "info",
    )
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/fiches/<int:record_id>/statut", methods=["POST"])
def status(record_id: int) -> Any:
    """Change the status of a record."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    try:
        services.set_status(
            db, record, request.form.get("status", ""), actor=current_user, comment=request.form.get("comment", "")
        )
    except ValidationError as err:
        db.rollback()
        flash(err.message + " " + " ; ".join(err.errors.values()), "error")
        return redirect(url_for("records.show", record_id=record.id))
    db.commit()
    flash(_("Statut modifié."), "success")
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/fiches/<int:record_id>/verifier", methods=["POST"])
def verify(record_id: int) -> Any:
    """Confirm that a record is up to date."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    services.verify_record(db, record, actor=current_user, policy=policy())
    db.commit()
    flash(_("Merci ! La fiche est marquée comme vérifiée aujourd’hui."), "success")
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/fiches/<int:record_id>/supprimer", methods=["POST"])
def delete(record_id: int) -> Any:
    """Delete a record (moderators)."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    key = record.form.key
    services.delete_record(db, record, actor=current_user, comment=request.form.get("comment", ""))
    db.commit()
    flash(_("Fiche supprimée."), "success")
    return redirect(url_for("records.listing", key=key))
