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
from flask import has_request_context
from flask import render_template
from flask import request
from flask import send_from_directory
from jinja2 import ChoiceLoader
from jinja2 import FileSystemLoader

#: Where theme folders live: ``themes/`` beside the ``wiki`` package.
THEMES_DIR = Path(__file__).resolve().parent.parent / "themes"
DEFAULT_THEME = "default"
#: Links built by templates and kept per app (the store is emptied when it reaches this size).
URLS_KEPT = 4096
_PLAIN = (str, int)

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


def kept_url_for(app: Flask) -> Any:
    """Return the templates' ``url_for``: a link is built once per app, path prefix, endpoint and arguments.

    Most links are the same on every page (navigation, static files, the
    footer): about 35 per page, each a walk of the URL map. Only relative
    links whose arguments are all ``str`` or ``int`` are kept (``1`` and
    ``True`` never share a key): they depend on nothing else of the request
    but its ``SCRIPT_NAME``. Options (``_external``...), endpoints relative
    to a blueprint and links built outside a request are built as usual.
    """
    built: dict[tuple[Any, ...], str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        plain = all(name[:1] != "_" and type(value) in _PLAIN for name, value in values.items())
        if not plain or endpoint[:1] == "." or not has_request_context():
            return app.url_for(endpoint, **values)
        key = (request.script_root, endpoint, *sorted(values.items()))
        url = built.get(key)
        if url is not None:
            return url
        url = app.url_for(endpoint, **values)
        if len(built) >= URLS_KEPT:
            built.clear()
        built[key] = url
        return url

    return url_for


def init_app(app: Flask) -> None:
    """Install the template loader chain, the templates' ``url_for`` and the static route."""
    chain = theme_chain(app.config["THEME"])
    app.extensions["lieudit.themes"] = chain
    app.jinja_loader = ChoiceLoader([FileSystemLoader(str(p / "templates")) for p in chain])
    app.jinja_env.globals["url_for"] = kept_url_for(app)
    app.register_blueprint(bp)
