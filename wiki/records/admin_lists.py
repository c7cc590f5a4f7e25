"""The shared lists of choices screens of ``forms_admin`` (like YesWiki's « listes »).

Routes under ``/-/listes`` added to the blueprint of ``wiki.records.admin``
(which checks the moderator role): list and create lists, edit one with its
revisions, and show which form fields use each.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.records import form_services
from wiki.records import taxonomy
from wiki.records.admin import author_names
from wiki.records.admin import bp
from wiki.records.admin_inputs import clean_text
from wiki.records.admin_inputs import items_text
from wiki.records.admin_inputs import parse_items
from wiki.records.admin_inputs import slug_key
from wiki.revisions import list_revisions


def list_usage(forms: list[Any]) -> dict[str, list[tuple[Any, str]]]:
    """Return, per shared list key, the forms and field labels that use it."""
    usage: dict[str, list[tuple[Any, str]]] = {}
    for form in forms:
        for field in form_services.form_fields(form):
            if field.options.get("list"):
                usage.setdefault(field.options["list"], []).append((form, field.label))
    return usage


def _list_values() -> dict[str, str]:
    return {name: clean_text(request.form.get(name, "")) for name in ("key", "title", "items", "comment")}


@bp.route("/-/listes", methods=["GET", "POST"])
def lists() -> Any:
    """List the shared lists of choices and create one."""
    db = get_session()
    existing = taxonomy.list_choice_lists(db)
    values, errors, message = _list_values(), {}, ""
    if request.method == "POST":
        values["key"] = values["key"] or slug_key(values["title"])
        try:
            if values["key"] in {cl.key for cl in existing}:
                # save_choice_list replaces a list with the same key: never from the creation form.
                raise ValidationError(
                    _("La liste n'a pas été enregistrée."), {"key": _("Une liste porte déjà cet identifiant.")}
                )
            choice_list = taxonomy.save_choice_list(
                db,
                key=values["key"],
                title=values["title"],
                items=parse_items(values["items"]),
                actor=current_user,
                comment=values["comment"] or _("Création de la liste"),
            )
        except ValidationError as err:
            db.rollback()
            errors, message = err.errors, err.message
        else:
            db.commit()
            flash(_("Liste créée."), "success")
            return redirect(url_for("forms_admin.edit_list", key=choice_list.key))
    return render_template(
        "forms_admin/lists.html",
        lists=existing,
        usage=list_usage(form_services.list_forms(db)),
        values=values,
        errors=errors,
        message=message,
    ), 400 if errors else 200


@bp.route("/-/listes/<key>", methods=["GET", "POST"])
def edit_list(key: str) -> Any:
    """Edit a shared list: its title and its items (a revision each time)."""
    db = get_session()
    choice_list = next((cl for cl in taxonomy.list_choice_lists(db) if cl.key == key), None)
    if choice_list is None:
        abort(404)
    values, errors, message = (
        {"title": choice_list.title, "items": items_text(choice_list.items), "comment": ""},
        {},
        "",
    )
    if request.method == "POST":
        values = _list_values()
        try:
            taxonomy.save_choice_list(
                db,
                key=key,
                title=values["title"],
                items=parse_items(values["items"]),
                actor=current_user,
                comment=values["comment"],
            )
        except ValidationError as err:
            db.rollback()
            errors, message = err.errors, err.message
        else:
            db.commit()
            flash(_("Liste enregistrée."), "success")
            return redirect(url_for("forms_admin.edit_list", key=key))
    revisions = list_revisions(db, "list", choice_list.id, limit=100)
    return render_template(
        "forms_admin/list_edit.html",
        choice_list=choice_list,
        values=values,
        errors=errors,
        message=message,
        revisions=revisions,
        names=author_names(db, revisions),
        usage=list_usage(form_services.list_forms(db)).get(key, []),
    ), 400 if errors else 200
