"""Page macros of the records domain: live lists, cards and entry forms.

``{{liste form="initiative" theme="Mobilité" zone="35236" nombre="10"}}``,
``{{fiches form="lieu" zone="35236"}}`` and ``{{formulaire form="initiative"}}``
render through the same services and templates as ``/annuaire`` (no second
query path). Bad values raise ValueError with a French message, which the
page shows in place of the macro.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask import url_for

from wiki import hibernation
from wiki import macros
from wiki.auth import permissions
from wiki.records import access
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import queries
from wiki.records import references
from wiki.records import taxonomy
from wiki.records import widgets

LIST_PARAMS = frozenset({"form", "theme", "zone", "nombre", "tri", "q", "titre", "statut"})


def _form(context: Any, call: macros.MacroCall) -> Any:
    key = call.params.get("form", "")
    if not key:
        raise ValueError(f'La macro {call.name} a besoin du paramètre form (par ex. form="initiative").')
    try:
        return form_services.get_form(context.db, key)
    except Exception as err:  # NotFound: say it in the page, not as a 404
        raise ValueError(f"Formulaire inconnu : {key}.") from err


def _first(form: Any, kind: str) -> Any:
    return next((d for d in form_services.form_fields(form) if d.type == kind), None)


def _list(call: macros.MacroCall, context: Any, view: str) -> str:
    form = _form(context, call)
    args: dict[str, list[str]] = {}
    ctx = taxonomy.cleaning_context(context.db)
    if call.params.get("theme"):
        field = _first(form, "theme")
        wanted = [ctx.theme_lookup.get(F.fold(name)) for name in call.params["theme"].split(",")]
        if field is None or not all(wanted):
            raise ValueError(f"Thématique inconnue : {call.params['theme']}.")
        args[field.key] = [w for w in wanted if w]
    if call.params.get("zone"):
        field = _first(form, "zone")
        if field is None:
            raise ValueError("Ce formulaire n'a pas de champ commune.")
        args[field.key] = [z.strip() for z in call.params["zone"].split(",")]
    number = call.params.get("nombre", "10")
    if not number.isdigit() or not 1 <= int(number) <= 100:
        raise ValueError("nombre doit être un entier entre 1 et 100.")
    args["par_page"] = [number]
    for name in ("tri", "q"):
        if call.params.get(name):
            args[name] = [call.params[name]]
    filters = queries.parse_filters(args, form, context.actor, per_page=int(number))
    labels = form_services.value_labels(context.db, form)
    result = queries.list_records(context.db, form, filters, labels=labels)
    defs = [
        d
        for d in access.readable_fields(context.actor, form)
        if d.type not in ("longtext", "geometry", "schedule", "file", "image")
    ][:4]
    values = {record.id: access.readable_values(context.actor, record) for record in result.records}
    more = url_for("records.listing", key=form.key, **filters.query_args(par_page=None, page=None))
    return render_template(
        "records/_macro_list.html",
        form=form,
        result=result,
        view=view,
        columns=defs,
        values=values,
        labels=labels,
        display=references.names_for(context.db, defs, values.values()).display,
        more=more,
        heading=call.params.get("titre", ""),
    )


def render_liste(call: macros.MacroCall, context: Any) -> str:
    """Render ``{{liste …}}``: a compact list of records."""
    return _list(call, context, "liste")


def render_fiches(call: macros.MacroCall, context: Any) -> str:
    """Render ``{{fiches …}}``: records as cards."""
    return _list(call, context, "fiches")


def render_formulaire(call: macros.MacroCall, context: Any) -> str:
    """Render ``{{formulaire form="…"}}``: the entry form itself."""
    form = _form(context, call)
    if not permissions.can_add_record(context.actor, hibernation.edit_policy(), form):
        return render_template("records/_macro_login.html", form=form)
    db = context.db
    lists = {cl.key: cl.items for cl in taxonomy.list_choice_lists(db)}
    themes = [(t.key, t.label) for t in taxonomy.list_themes(db)]
    defs = [d for d in form_services.form_fields(form) if access.editable_by(context.actor, d)]
    pickers, values = references.pickers_for(db, defs, widgets.initial_values(defs, {}))
    return render_template(
        "records/_macro_form.html",
        form=form,
        defs=defs,
        values=values,
        pickers=pickers,
        options={d.key: widgets.options_for(d, lists, themes) for d in defs},
        schedule_parts=widgets.schedule_parts,
        privacy=widgets.privacy_notes(form_services.form_fields(form)),
    )


def register() -> None:
    """Register the records macros."""
    macros.register("liste", macros.Renderer(LIST_PARAMS, render_liste, "liste de fiches"))
    macros.register("fiches", macros.Renderer(LIST_PARAMS, render_fiches, "fiches en cartes"))
    macros.register("formulaire", macros.Renderer(frozenset({"form"}), render_formulaire, "formulaire de saisie"))
