"""Record routes: directory of forms, faceted lists, record pages and history.

Lists live at ``/annuaire/<form>`` with filters in the URL (shareable and
embeddable); a record lives at ``/fiches/<id>``. Views parse the request,
call one service and render (STYLE R5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Blueprint
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
from wiki.errors import EditConflict
from wiki.errors import ValidationError
from wiki.pages import attachments as files
from wiki.records import access
from wiki.records import display
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import queries
from wiki.records import services
from wiki.records import taxonomy
from wiki.records import widgets
from wiki.records.models import STATUSES
from wiki.revisions import diff_snapshots
from wiki.revisions import get_revision
from wiki.revisions import list_revisions

bp = Blueprint("records", __name__)
VIEWS = ("liste", "fiches", "tableau")


def _policy() -> str:
    return current_app.config["EDIT_POLICY"]


def _ctx() -> F.Context:
    return taxonomy.cleaning_context(get_session(), default_timezone=current_app.config["DEFAULT_TIMEZONE"])


def _vocabulary() -> tuple[dict[str, list[dict[str, str]]], list[tuple[str, str]]]:
    db = get_session()
    lists = {cl.key: cl.items for cl in taxonomy.list_choice_lists(db)}
    themes = [(t.key, t.label) for t in taxonomy.list_themes(db)]
    return lists, themes


def facet_labels(form: Any) -> dict[str, dict[str, str]]:
    """Display labels of facet values, per field key (and statuses)."""
    labels = form_services.value_labels(get_session(), form)
    labels["statut"] = status_labels()
    for field in form_services.form_fields(form):
        if field.type == "boolean":
            labels[field.key] = {"true": _("oui"), "false": _("non")}
    return labels


def status_labels() -> dict[str, str]:
    """French names of record statuses."""
    return {"draft": _("brouillon"), "pending": _("en attente"), "published": _("publiée"), "archived": _("archivée")}


@bp.route("/annuaire")
def index() -> Any:
    """List the forms of the directory."""
    db = get_session()
    return render_template(
        "records/index.html", forms=form_services.list_forms(db), counts=services.count_published(db)
    )


@bp.route("/annuaire/<key>")
def listing(key: str) -> Any:
    """Faceted list of a form's records (list, cards or table)."""
    db = get_session()
    form = form_services.get_form(db, key)
    view = request.args.get("vue", "liste")
    view = view if view in VIEWS else "liste"
    filters = queries.parse_filters(request.args, form, current_user)
    labels = facet_labels(form)
    result = queries.list_records(db, form, filters, labels=labels)
    defs = form_services.form_fields(form)
    columns = [
        d
        for d in access.readable_fields(current_user, form)
        if d.type not in ("longtext", "geometry", "schedule", "file", "image")
    ][:6]
    values = {record.id: access.readable_values(current_user, record) for record in result.records}
    return render_template(
        "records/list.html",
        form=form,
        result=result,
        view=view,
        views=VIEWS,
        defs={d.key: d for d in defs},
        columns=columns,
        values=values,
        labels=labels,
        display=display.display_value,
        can_add=permissions.can_add_record(current_user, _policy()),
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
    lists, themes = _vocabulary()
    defs = [d for d in form_services.form_fields(form) if access.editable_by(current_user, d, record)]
    return (
        render_template(
            "records/edit.html",
            form=form,
            record=record,
            defs=defs,
            values=values,
            errors=errors or {},
            base=base,
            options={d.key: widgets.options_for(d, lists, themes) for d in defs},
            conflict=conflict,
            schedule_parts=widgets.schedule_parts,
            privacy=widgets.privacy_notes(form_services.form_fields(form)),
        ),
        status,
    )


def _uploads_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _with_uploads(defs: list[F.FieldDef], record: Any) -> tuple[Any, list[Any]]:
    """Store the files sent for file and image fields; return the data to clean.

    Values of file fields not re-sent keep the stored file. Files stored
    here are discarded by the caller if the save is refused.
    """
    data = request.form.copy()
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
                root=_uploads_root(),
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
        if field.type == "image" and isinstance(data.get(field.key), dict):
            data[field.key] = (
                {**data[field.key], "alt": alt} if alt else {k: v for k, v in data[field.key].items() if k != "alt"}
            )
    return data, stored


@bp.route("/annuaire/<key>/nouvelle", methods=["GET", "POST"])
def new(key: str) -> Any:
    """Fill a form to create a record."""
    db = get_session()
    form = form_services.get_form(db, key)
    if not permissions.can_add_record(current_user, _policy()):
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
        data, stored = _with_uploads(defs, None)
        record = services.create_record(
            db,
            form,
            data,
            actor=current_user,
            policy=_policy(),
            ctx=_ctx(),
            status="draft" if draft else None,
            comment=request.form.get("_comment", ""),
        )
        for item in stored:
            item.record_id = record.id
    except ValidationError as err:
        db.rollback()
        files.discard_files(_uploads_root(), stored)
        errors = err.errors or {next((d.key for d in defs if d.type in ("file", "image")), "_"): err.message}
        return _editor(form, None, widgets.submitted_values(defs, request.form), errors=errors, status=400)
    db.commit()
    flash(
        _("Fiche enregistrée.")
        if record.status == "published"
        else _("Fiche enregistrée : elle sera visible après relecture."),
        "success",
    )
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/fiches/<int:record_id>")
def show(record_id: int) -> Any:
    """Show a record."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    lists, themes = _vocabulary()
    defs = [d for d in form_services.form_fields(record.form) if access.visible_to(current_user, d, record)]
    texts = {}
    for d in defs:
        if d.type in ("choice", "multichoice", "theme"):
            names = dict(widgets.options_for(d, lists, themes))
            value = record.data.get(d.id)
            texts[d.key] = ", ".join(names.get(v, v) for v in (value if isinstance(value, list) else [value]) if v)
    return render_template(
        "records/show.html",
        record=record,
        form=record.form,
        defs=defs,
        texts=texts,
        display=display.display_value,
        status_labels=status_labels(),
        statuses=STATUSES,
        can_edit=permissions.can_edit_record(current_user, record, _policy()),
        render_longtext=services.render_longtext,
    )


@bp.route("/fiches/<int:record_id>/modifier", methods=["GET", "POST"])
def edit(record_id: int) -> Any:
    """Edit a record; the user's input comes back on every refusal."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    if not permissions.can_edit_record(current_user, record, _policy()):
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
        data, stored = _with_uploads(defs, record)
        result = services.update_record(
            db,
            record,
            data,
            actor=current_user,
            policy=_policy(),
            base_revision=base,
            ctx=_ctx(),
            comment=request.form.get("_comment", ""),
        )
    except ValidationError as err:
        db.rollback()
        files.discard_files(_uploads_root(), stored)
        errors = err.errors or {next((d.key for d in defs if d.type in ("file", "image")), "_"): err.message}
        return _editor(
            record.form, record, widgets.submitted_values(defs, request.form), errors=errors, base=base, status=400
        )
    except EditConflict as err:
        db.rollback()
        files.discard_files(_uploads_root(), stored)
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
    flash(
        _("Fiche enregistrée.") if result.changed else _("Aucune modification."),
        "success" if result.changed else "info",
    )
    return redirect(url_for("records.show", record_id=record.id))


@bp.route("/fiches/<int:record_id>/fichiers/<int:file_id>/<path:name>")
def file(record_id: int, file_id: int, name: str) -> Any:
    """Send a record's file if the visitor may see the record and the field."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    item = files.get_record_attachment(db, file_id, record.id)
    visible = {
        value.get("attachment_id")
        for d in form_services.form_fields(record.form)
        if d.type in ("file", "image") and access.visible_to(current_user, d, record)
        for value in [record.data.get(d.id)]
        if isinstance(value, dict)
    }
    if item.id not in visible:
        abort(404)
    path = files.storage_path(_uploads_root(), item.stored_name)
    if not path.is_file():
        abort(404)
    inline = files.ACCEPTED.get(item.content_type, ("", False))[1]
    response = send_file(path, mimetype=item.content_type, conditional=True, max_age=3600, etag=item.sha256)
    ascii_name = item.filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(item.filename)}"
    )
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@bp.route("/fiches/<int:record_id>/historique")
def history(record_id: int) -> Any:
    """List the revisions of a record."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    return render_template(
        "records/history.html",
        record=record,
        revisions=list_revisions(db, "record", record.id, limit=200),
        status_labels=status_labels(),
        can_edit=permissions.can_edit_record(current_user, record, _policy()),
    )


@bp.route("/fiches/<int:record_id>/diff")
def diff(record_id: int) -> Any:
    """Compare two revisions of a record field by field."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)

    def _number(name: str, default: int) -> int:
        raw = request.args.get(name, "")
        return int(raw) if raw.isdigit() and len(raw) < 9 else default

    new_no = _number("to", record.revision_number)
    old_no = _number("from", max(1, new_no - 1))
    old, new_rev = get_revision(db, "record", record.id, old_no), get_revision(db, "record", record.id, new_no)
    if old is None or new_rev is None:
        abort(404)
    defs = form_services.form_fields(record.form)
    visible = {d.id: d for d in defs if access.visible_in_history(current_user, d, record)}
    known = {d.id for d in defs}
    changes = [
        c
        for c in diff_snapshots(old.snapshot["data"], new_rev.snapshot["data"])
        if c.key in visible or c.key not in known and permissions.can_see_removed_fields(current_user)
    ]
    labels = form_services.value_labels(db, record.form)

    def shown(field: F.FieldDef, value: Any) -> str:
        """A value as people read it: choice and theme labels, French formats."""
        names = labels.get(field.key)
        if names is not None and value not in (None, "", []):
            return ", ".join(names.get(v, v) for v in (value if isinstance(value, list) else [value]))
        return display.display_value(field, value)

    return render_template(
        "records/diff.html",
        record=record,
        old=old,
        new=new_rev,
        changes=changes,
        fields=visible,
        display=shown,
        status_labels=status_labels(),
        word_diff=services.word_diff,
    )


@bp.route("/fiches/<int:record_id>/revert/<int:number>", methods=["POST"])
def revert(record_id: int, number: int) -> Any:
    """Restore the values of an old revision."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    changed = services.revert_record(db, record, number, actor=current_user, policy=_policy())
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
    services.verify_record(db, record, actor=current_user, policy=_policy())
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
