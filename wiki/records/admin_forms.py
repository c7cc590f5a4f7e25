"""The forms screens of ``forms_admin``: list, create, field builder, history.

Routes under ``/-/formulaires`` added to the blueprint of ``wiki.records.admin``
(which checks the moderator role). The builder's row handling lives in
``admin_builder``, the history's comparison in ``admin_history``: these views
parse the request, call one service and, on any refusal, re-render with
everything the moderator typed (STYLE R5, R7).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import TypedDict

from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.db import get_session
from wiki.errors import EditConflict
from wiki.errors import ValidationError
from wiki.moderation.policy import POLICY_LABELS
from wiki.records import form_services
from wiki.records import taxonomy
from wiki.records.admin import author_names
from wiki.records.admin import bp
from wiki.records.admin_builder import EXPOSED_OPTIONS
from wiki.records.admin_builder import OPTION_NAMES
from wiki.records.admin_builder import error_targets
from wiki.records.admin_builder import field_from_row
from wiki.records.admin_builder import move_row
from wiki.records.admin_builder import parse_rows
from wiki.records.admin_builder import renumber
from wiki.records.admin_builder import row_changed
from wiki.records.admin_builder import rows_from_fields
from wiki.records.admin_builder import spread_errors
from wiki.records.admin_history import snapshot_changes
from wiki.records.admin_inputs import clean_text
from wiki.records.admin_inputs import slug_key
from wiki.revisions import list_revisions

#: Form keys taken by routes of this blueprint (``/-/formulaires/nouveau``).
ROUTE_KEYS = frozenset({"nouveau"})
#: « Ajouter un champ » rows under the fields: one, opened with its settings once its type is chosen.
BUILDER_BLANKS = 1


class _BuilderMeta(TypedDict):
    """The builder's inputs about the form itself (its fields are the rows)."""

    title: str
    description: str
    title_field: str | None  # a field id ("" or None: none)
    base: int | None  # the revision the moderator started from
    comment: str


def type_labels() -> dict[str, str]:
    """French names of the field types, in builder order."""
    return {
        "text": _("Texte court"), "longtext": _("Texte long (Markdown)"), "number": _("Nombre"),
        "boolean": _("Oui/non"), "choice": _("Choix"), "multichoice": _("Choix multiple"), "date": _("Date"),
        "datetime": _("Date et heure"), "schedule": _("Horaire (début/fin)"), "geometry": _("Géométrie (carte)"),
        "zone": _("Commune (code INSEE)"), "theme": _("Thématiques"), "url": _("Lien web"), "email": _("E-mail"),
        "phone": _("Téléphone"), "file": _("Fichier"), "image": _("Image"), "link": _("Lien vers une fiche ou une page"),
    }  # fmt: skip


def visibility_labels() -> dict[str, str]:
    """French names of field visibilities."""
    return {"public": _("Public"), "members": _("Membres connectés"), "private": _("Privé (modérateurs et auteur)")}


def _base_revision(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


@bp.route("/-/formulaires")
def index() -> Any:
    """List the forms, with links to edit them, see their records and history."""
    db = get_session()
    forms = form_services.list_forms(db)
    return render_template("forms_admin/index.html", forms=forms, counts={f.id: len(f.fields or []) for f in forms})


@bp.route("/-/formulaires/nouveau", methods=["GET", "POST"])
def new_form() -> Any:
    """Create a form: title, key, description; it starts with one required « title » field."""
    values = {name: clean_text(request.form.get(name, "")) for name in ("title", "key", "description", "comment")}
    if request.method == "GET":
        return render_template("forms_admin/new.html", values=values, errors={}, message="")
    values["key"] = values["key"] or slug_key(values["title"])
    if values["key"] in ROUTE_KEYS:
        error = ValidationError(
            _("Le formulaire n'a pas été enregistré."),
            {"key": _("Cet identifiant est réservé, choisissez-en un autre.")},
        )
        return render_template("forms_admin/new.html", values=values, errors=error.errors, message=error.message), 400
    db = get_session()
    starter = [{"key": "title", "type": "text", "label": _("Titre"), "required": True}]
    try:
        form = form_services.create_form(
            db,
            key=values["key"],
            title=values["title"],
            description=values["description"],
            fields=starter,
            actor=current_user,
            comment=values["comment"] or _("Création du formulaire"),
        )
    except ValidationError as err:
        db.rollback()
        return render_template("forms_admin/new.html", values=values, errors=err.errors, message=err.message), 400
    db.commit()
    flash(_("Formulaire créé : ajoutez-lui des champs."), "success")
    return redirect(url_for("forms_admin.edit_form", key=form.key))


def _builder(
    form: Any,
    rows: list[dict[str, Any]],
    meta: _BuilderMeta,
    *,
    messages: list[tuple[str, str]] | None = None,
    summary: str = "",
    meta_errors: Mapping[str, str] | None = None,
    status: int = 200,
    conflict: bool = False,
    moved: dict[str, Any] | None = None,
    stored: Mapping[str, dict[str, Any]] | None = None,
) -> Any:
    db = get_session()
    stored = stored if stored is not None else {r["id"]: r for r in rows_from_fields(form_services.form_fields(form))}
    for row in rows:
        row["targets"] = error_targets(row["errors"]) if row["errors"] else set()
        # One field's settings at a time: the one asked for, refused ones, new ones; closed rows keep edits hidden.
        row["open"] = bool(row.get("open") or row["errors"] or (not row["id"] and not row["blank"]))
        row["dirty"] = bool(row["id"]) and not row.get("kept") and row_changed(row, stored)
        exposed = EXPOSED_OPTIONS.get(row["type"], ())
        # Open where settings matter: choices need them, set ones show, refused ones must be seen.
        row["options_open"] = (
            row["type"] in ("choice", "multichoice")
            or any(row[name] for name in exposed)
            or bool(row["targets"] & OPTION_NAMES)
        )
    # Yes/no rows a personal field may name as its consent box: by id once saved, by key before.
    boxes = [(row["id"] or row["key"], row["label"] or row["key"], row["key"]) for row in rows
             if row["type"] == "boolean" and not row["blank"] and not row["delete"] and (row["id"] or row["key"])]  # fmt: skip
    return render_template(
        "forms_admin/edit.html",
        form=form,
        rows=rows,
        meta=meta,
        messages=messages or [],
        summary=summary,
        meta_errors={k: v for k, v in (meta_errors or {}).items() if k != "fields"},
        conflict=conflict,
        moved=moved,
        types=type_labels(),
        visibilities=visibility_labels(),
        lists=taxonomy.list_choice_lists(db),
        exposed=EXPOSED_OPTIONS,
        boxes=boxes,
        policy_labels=POLICY_LABELS,
    ), status


@bp.route("/-/formulaires/<key>", methods=["GET", "POST"])
def edit_form(key: str) -> Any:
    """The field builder: add, rename, retype, reorder and remove fields, without JavaScript."""
    db = get_session()
    form = form_services.get_form(db, key)
    defs = form_services.form_fields(form)
    stored = {r["id"]: r for r in rows_from_fields(defs)}
    if request.method == "GET":
        title_id = next((d.id for d in defs if d.key == form.title_field), form.title_field)
        meta = _BuilderMeta(
            title=form.title,
            description=form.description,
            title_field=title_id,
            base=form.revision_number,
            comment="",
        )
        rows = renumber(rows_from_fields(defs), BUILDER_BLANKS)
        wanted = request.args.get("champ", "")
        for row in rows:
            row["open"] = request.args.get("champs") == "tous" or bool(wanted and wanted in (row["id"], row["key"]))
        return _builder(form, rows, meta, stored=stored)
    meta = _BuilderMeta(
        title=clean_text(request.form.get("title", "")),
        description=clean_text(request.form.get("description", "")),
        title_field=clean_text(request.form.get("title_field", "")),
        comment=clean_text(request.form.get("comment", "")),
        base=_base_revision(request.form.get("base_revision", "")),
    )
    rows = parse_rows(request.form, stored)
    if request.form.get("move"):
        rows, moved = move_row(rows, request.form["move"])
        return _builder(form, renumber(rows, BUILDER_BLANKS), meta, moved=moved, stored=stored)
    if request.form.get("open") or request.form.get("close"):
        for row in rows:
            row["open"] = (row.get("open") or str(row["n"]) == request.form.get("open")) and str(
                row["n"]
            ) != request.form.get("close")
        return _builder(form, renumber(rows, BUILDER_BLANKS), meta, stored=stored)
    old = {d.id: d for d in defs}
    saved = [r for r in rows if not r["blank"] and not r["delete"]]
    title_field = (
        next((r["key"] for r in rows if r["id"] and r["id"] == meta["title_field"]), meta["title_field"]) or None
    )
    keys = {r["id"]: r["key"] for r in rows if r["id"]}  # deleted rows too: a refusal then names the box by its key
    try:
        changed = form_services.update_form(
            db,
            form,
            title=meta["title"],
            description=meta["description"],
            fields=[field_from_row(r, old, keys) for r in saved],
            title_field=title_field,
            actor=current_user,
            comment=meta["comment"],
            base_revision=meta["base"],
        )
    except ValidationError as err:
        db.rollback()
        rows = renumber(rows, BUILDER_BLANKS)  # first: messages link to the rows' new numbers
        messages = spread_errors(err, saved)
        return _builder(form, rows, meta, messages=messages, summary=err.message, meta_errors=err.errors, status=400)
    except EditConflict as err:
        db.rollback()
        meta["base"] = form.revision_number  # saving again now replaces the other version knowingly
        return _builder(form, renumber(rows, BUILDER_BLANKS), meta, summary=err.message, status=409, conflict=True)
    db.commit()
    flash(_("Formulaire enregistré.") if changed else _("Aucune modification."), "success" if changed else "info")
    return redirect(url_for("forms_admin.edit_form", key=form.key))


@bp.route("/-/formulaires/<key>/regle", methods=["POST"])
def form_policy(key: str) -> Any:
    """Choose who adds and changes the form's records: as the wiki, open, account, pre-moderated or locked."""
    db = get_session()
    form = form_services.get_form(db, key)
    try:
        form_services.set_form_policy(db, form, request.form.get("edit_policy") or None, actor=current_user)
    except ValidationError as err:
        db.rollback()
        flash(err.message, "error")
    else:
        db.commit()
        flash(_("Règle de contribution enregistrée."), "success")
    return redirect(url_for("forms_admin.edit_form", key=form.key) + "#regle")


@bp.route("/-/formulaires/<key>/historique")
def form_history(key: str) -> Any:
    """List the revisions of a form with what changed, field by field."""
    db = get_session()
    form = form_services.get_form(db, key)
    revisions = list_revisions(db, "form", form.id, limit=200)
    entries = []
    for index, rev in enumerate(revisions):
        previous = revisions[index + 1].snapshot if index + 1 < len(revisions) else None
        changes = snapshot_changes(previous, rev.snapshot) if previous is not None or rev.number == 1 else []
        entries.append((rev, changes))
    return render_template(
        "forms_admin/history.html",
        form=form,
        entries=entries,
        names=author_names(db, revisions),
        types=type_labels(),
    )


@bp.route("/-/formulaires/<key>/historique/<int:number>/retablir", methods=["POST"])
def revert_form(key: str, number: int) -> Any:
    """Make an earlier revision of a form current again (as a new revision), or say why not."""
    db = get_session()
    form = form_services.get_form(db, key)
    try:
        changed = form_services.revert_form(db, form, number, actor=current_user)
    except ValidationError as err:
        db.rollback()
        flash(f"{err.message} {' '.join(err.errors.values())}".strip(), "error")
        return redirect(url_for("forms_admin.form_history", key=form.key))
    db.commit()
    flash(
        _("La version %(n)d du formulaire a été rétablie.", n=number)
        if changed
        else _("Cette version est déjà la version actuelle."),
        "success" if changed else "info",
    )
    return redirect(url_for("forms_admin.form_history", key=form.key))
