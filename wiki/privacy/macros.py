"""The ``{{confidentialite}}`` page macro: what the wiki keeps, stated from its settings (the demo's privacy page)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask import render_template

from wiki import macros
from wiki.privacy import statement


def render_statement(call: macros.MacroCall, context: Any) -> str:
    """Render ``{{confidentialite}}``: the same facts as ``/-/confidentialite``."""
    facts = statement.read_statement(context.db, current_app.config)
    return render_template("privacy/_statement.html", facts=facts, heading_level=2)


def register() -> None:
    """Register the privacy macro."""
    macros.register(
        "confidentialite",
        macros.Renderer(frozenset(), render_statement, "ce que le wiki garde des personnes (données personnelles)"),
    )
