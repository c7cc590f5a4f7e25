"""Record routes: the blueprint ``records``, the directory of forms, faceted lists, record pages and history.

Lists live at ``/annuaire/<form>`` with filters in the URL (shareable and
embeddable); a record lives at ``/fiches/<id>``. Filling and changing
records (new, edit, revert, status, verify, delete) is
:mod:`wiki.records.edit_views`, which adds its routes to :data:`bp`
(``wiki.records.init_app`` imports it before registering it). Views parse the
request, call one service and render (STYLE R5).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint
from flask import abort
from flask import render_template
from flask import request
from flask import send_file
from flask_babel import gettext as _
from flask_login import current_user

import geodata.fields as geo_fields
from wiki import hibernation
from wiki.auth import permissions
from wiki.db import get_session
from wiki.pages import attachments as files
from wiki.records import access
from wiki.records import display
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import queries
from wiki.records import references
from wiki.records import services
from wiki.records import taxonomy
from wiki.records import widgets
from wiki.records.models import STATUSES
from wiki.revisions import get_revision
from wiki.revisions import list_revisions
from wiki.uploads import uploads_root

bp = Blueprint("records", __name__)
VIEWS = ("liste", "fiches", "tableau")


def policy() -> str:
    """Return the instance edit policy (``open``, ``account`` or ``readonly``; ``readonly`` while asleep)."""
    return hibernation.edit_policy()


def vocabulary() -> tuple[dict[str, list[dict[str, str]]], list[tuple[str, str]]]:
    """Return the shared choice lists (by key) and the themes (key, label), for widgets and labels."""
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
    names = references.names_for(db, defs, values.values())
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
        display=names.display,
        can_add=permissions.can_add_record(current_user, policy(), form),
    )


@bp.route("/fiches/<int:record_id>")
def show(record_id: int) -> Any:
    """Show a record."""
    db = get_session()
    record = services.get_record(db, record_id, current_user)
    lists, themes = vocabulary()
    defs = [d for d in form_services.form_fields(record.form) if access.visible_to(current_user, d, record)]
    texts = {}
    for d in defs:
        if d.type in ("choice", "multichoice", "theme"):
            labels = dict(widgets.options_for(d, lists, themes))
            value = record.data.get(d.id)
            texts[d.key] = ", ".join(labels.get(v, v) for v in (value if isinstance(value, list) else [value]) if v)
    names = references.names_for(db, defs, [record.data])
    return render_template(
        "records/show.html",
        record=record,
        form=record.form,
        defs=defs,
        texts=texts,
        names=names,
        place=references.record_place(db, record),
        outline=geo_fields.outline_path,
        display=names.display,
        status_labels=status_labels(),
        statuses=STATUSES,
        can_edit=permissions.can_edit_record(current_user, record, policy()),
        render_longtext=services.render_longtext,
    )


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
    path = files.storage_path(uploads_root(), item.stored_name)
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
        can_edit=permissions.can_edit_record(current_user, record, policy()),
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
    visible, changes = access.history_changes(current_user, record, old.snapshot["data"], new_rev.snapshot["data"])
    labels = form_services.value_labels(db, record.form)
    refs = references.names_for(db, list(visible.values()), [old.snapshot["data"], new_rev.snapshot["data"]])

    def shown(field: F.FieldDef, value: Any) -> str:
        """A value as people read it: choice and theme labels, French formats."""
        names = labels.get(field.key)
        if names is not None and value not in (None, "", []):
            chosen: list[str] = value if isinstance(value, list) else [value]  # choice and theme keys
            return ", ".join(names.get(v, v) for v in chosen)
        return display.display_value(field, value, refs)

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
