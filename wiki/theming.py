"""Themes: template lookup with fallback to ``themes/default`` and static files.

A theme is a folder ``themes/<name>/`` with ``theme.json`` (name, description,
licence), ``templates/`` (only the templates it overrides) and ``static/``.
Templates resolve through ``ChoiceLoader([active, default])`` and static files
through ``/-/static/<path>`` with the same fallback (STYLE R19).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import render_template
from flask import send_from_directory
from jinja2 import ChoiceLoader
from jinja2 import FileSystemLoader

#: Where theme folders live: ``themes/`` beside the ``wiki`` package.
THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"
DEFAULT_THEME = "default"

bp = Blueprint("theming", __name__)


def theme_chain(name: str) -> list[Path]:
    """Return the theme folders to search, most specific first."""
    chain = []
    if name != DEFAULT_THEME and (THEMES_DIR / name / "theme.json").is_file():
        chain.append(THEMES_DIR / name)
    chain.append(THEMES_DIR / DEFAULT_THEME)
    return chain


def theme_info(name: str) -> dict[str, Any]:
    """Read a theme's ``theme.json``."""
    return json.loads((THEMES_DIR / name / "theme.json").read_text(encoding="utf-8"))


def available_themes() -> list[str]:
    """List installed theme names."""
    return sorted(p.parent.name for p in THEMES_DIR.glob("*/theme.json"))


@bp.route("/-/static/<path:filename>")
def static(filename: str) -> Any:
    """Serve a static file of the active theme, falling back to the default."""
    for folder in current_app.extensions["lieudit.themes"]:
        if (folder / "static" / filename).is_file():
            response = send_from_directory(folder / "static", filename, max_age=86400)
            return response
    abort(404)


@bp.route("/-/patterns")
def patterns() -> str:
    """Show every interface component, for theme authors."""
    return render_template("site/patterns.html")


def init_app(app: Flask) -> None:
    """Install the template loader chain and the static route."""
    chain = theme_chain(app.config["THEME"])
    app.extensions["lieudit.themes"] = chain
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(p / "templates")) for p in chain])
    app.register_blueprint(bp)
