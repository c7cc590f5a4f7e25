"""The ``{{modifications nombre="5"}}`` page macro: the latest public changes, as on the home page.

``nombre`` (1 to 20, 5 by default) and ``titre`` are its parameters; it links to
« Modifications récentes ». One indexed query (the activity log, newest first).
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from wiki import macros
from wiki.activity import services
from wiki.activity.views import change_url

PARAMS = frozenset({"nombre", "titre"})


def render_modifications(call: macros.MacroCall, context: Any) -> str:
    """Render ``{{modifications …}}``: the latest public changes."""
    number = call.params.get("nombre", "5")
    if not number.isdigit() or not 1 <= int(number) <= 20:
        raise ValueError("nombre doit être un entier entre 1 et 20.")
    items = services.recent_changes(context.db, limit=int(number))
    return render_template(
        "activity/_macro.html", items=items, change_url=change_url, heading=call.params.get("titre", "")
    )


def register() -> None:
    """Register the recent-changes macro."""
    macros.register("modifications", macros.Renderer(PARAMS, render_modifications, "dernières modifications"))
