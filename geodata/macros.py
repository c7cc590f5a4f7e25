"""The page macro ``{{carte form="lieu" theme="Mobilité" zone="35236"}}``: an embedded map.

It renders the same map as ``/carte`` (same layer endpoint and script) with
a link to the full map and its list, which is what readers without
JavaScript follow. Bad values raise ValueError with a French message, shown
in the page in place of the macro.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import render_template
from flask import url_for

from geodata import placement
from wiki import macros
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import taxonomy

PARAMS = frozenset({"form", "theme", "zone", "titre"})


def render_carte(call: macros.MacroCall, context: Any) -> str:
    """Render ``{{carte …}}``: a map of one form's (or every located form's) public records."""
    args: dict[str, Any] = {}
    key = call.params.get("form", "")
    if key:
        try:
            form = form_services.get_form(context.db, key)
        except Exception as err:  # NotFound: say it in the page, not as a 404
            raise ValueError(f"Formulaire inconnu : {key}.") from err
        if not (placement.geometry_field(form) or placement.commune_field(form)):
            raise ValueError(f"Le formulaire {key} n'a pas de champ de localisation.")
        args["calque"] = [form.key]
    if call.params.get("theme"):
        ctx = taxonomy.cleaning_context(context.db)
        wanted = [ctx.theme_lookup.get(F.fold(name)) for name in call.params["theme"].split(",")]
        if not all(wanted):
            raise ValueError(f"Thématique inconnue : {call.params['theme']}.")
        args["theme"] = wanted
    if call.params.get("zone"):
        args["zone"] = [z.strip() for z in call.params["zone"].split(",") if z.strip()][:20]
    full = url_for("geo.map_all", **args)
    return render_template(
        "geo/_macro_map.html",
        heading=call.params.get("titre", ""),
        full=full,
        layer_url=url_for("geo.layer_data", **args),
        zones_url=url_for("geo.zone_data"),
        settings={"tiles": current_app.config["MAP_TILE_URL"], "attribution": current_app.config["MAP_ATTRIBUTION"]},
    )


def register() -> None:
    """Register the ``carte`` macro."""
    macros.register("carte", macros.Renderer(PARAMS, render_carte, "carte des fiches"))
