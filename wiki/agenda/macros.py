"""The ``{{agenda …}}`` page macro: the next events, filtered like the agenda.

``{{agenda theme="Culture" zone="35236" organisateur="…" form="evenement" nombre="5" titre="…"}}``
lists the next occurrences (cancelled ones left out) with a link to the
agenda with the same filters. Bad values raise ValueError with a French
message, which the page shows in place of the macro.
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask import url_for

from wiki import macros
from wiki.agenda import occurrences
from wiki.agenda import projection
from wiki.records import fields as F
from wiki.records import taxonomy

PARAMS = frozenset({"theme", "zone", "organisateur", "form", "nombre", "titre"})


def render_agenda(call: macros.MacroCall, context: Any) -> str:
    """Render ``{{agenda …}}``: the next events."""
    params = call.params
    filters = occurrences.AgendaFilters(organiser=params.get("organisateur", ""))
    if params.get("theme"):
        lookup = taxonomy.cleaning_context(context.db).theme_lookup
        wanted = [lookup.get(F.fold(name.strip())) for name in params["theme"].split(",")]
        if not all(wanted):
            raise ValueError(f"Thématique inconnue : {params['theme']}.")
        filters.themes = [w for w in wanted if w]
    if params.get("zone"):
        filters.zones = [z.strip() for z in params["zone"].split(",") if z.strip()]
    if params.get("form"):
        try:
            filters.form = projection.get_event_form(context.db, params["form"]).key
        except Exception as err:  # NotFound: say it in the page, not as a 404
            raise ValueError(f"Formulaire d'événements inconnu : {params['form']}.") from err
    number = params.get("nombre", "5")
    if not number.isdigit() or not 1 <= int(number) <= 50:
        raise ValueError("nombre doit être un entier entre 1 et 50.")
    items = occurrences.upcoming(context.db, filters, number=int(number))
    more = url_for("agenda.index", **filters.query_args())
    return render_template("agenda/_macro.html", items=items, more=more, heading=params.get("titre", ""))


def register() -> None:
    """Register the agenda macro."""
    macros.register("agenda", macros.Renderer(PARAMS, render_agenda, "prochains événements de l’agenda"))
