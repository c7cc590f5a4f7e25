"""Lieudit: a contributive wiki and open-data commons for a territory.

This module exposes only ``create_app`` (STYLE R1): importing any ``wiki``
module never creates an app, opens a database or touches the disk.
"""

from __future__ import annotations

import gc
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask


def _instance_path() -> str:
    return str(Path(os.environ.get("LIEUDIT_INSTANCE_PATH", "instance")).resolve())


def _load_secret(app: Flask) -> None:
    """Use the configured secret, else one generated once into the instance.

    On PostgreSQL (the scale-out path) a secret of the instance folder is
    worth a warning: each app node has its own folder, so each would sign
    sessions and CSRF tokens with its own key, and a form fetched from one
    node would be refused by the next (README « Plusieurs nœuds »).
    """
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    app.config["SECRET_KEY"] = path.read_text().strip()
    if str(app.config["DATABASE_URL"]).startswith("postgresql"):
        app.logger.warning(
            "SECRET_KEY comes from %s, which is this node's own: with several app nodes on one PostgreSQL "
            "database, give every node the same LIEUDIT_SECRET_KEY, or their logins and forms will fail "
            "across nodes.",
            path,
        )


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure a Lieudit application.

    Configuration precedence: ``wiki.config.Defaults`` -> ``<instance>/config.py``
    -> ``LIEUDIT_*`` environment variables -> ``config``.
    """
    import geodata
    import importers
    from wiki import activity
    from wiki import agenda
    from wiki import api
    from wiki import auth
    from wiki import cli
    from wiki import db as database
    from wiki import errors
    from wiki import exports
    from wiki import freshness
    from wiki import hibernation
    from wiki import i18n
    from wiki import mail
    from wiki import moderation
    from wiki import pages
    from wiki import parties
    from wiki import privacy
    from wiki import records
    from wiki import search
    from wiki import security
    from wiki import site
    from wiki import snapshot
    from wiki import stats
    from wiki import theming
    from wiki.config import Defaults
    from wiki.pages import rendering

    instance = (config or {}).get("INSTANCE_PATH") or _instance_path()
    app = security.PublicAddressFlask(
        __name__, instance_path=str(instance), instance_relative_config=True, static_folder=None
    )
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LIEUDIT")
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'lieudit.db'}"
    app.config["BASE_URL"] = security.check_base_url(app.config["BASE_URL"])
    if app.config["EDIT_POLICY"] not in ("open", "account", "premoderated", "locked", "readonly"):
        raise ValueError("EDIT_POLICY must be open, account, premoderated, locked or readonly")
    _load_secret(app)

    from flask_wtf.csrf import CSRFProtect

    CSRFProtect(app)
    database.db.init_app(app)
    security.init_app(app)
    theming.init_app(app)
    i18n.init_app(app)
    errors.register_error_handlers(app)
    rendering.configure_cache(app, int(app.config["RENDER_CACHE_SIZE"]))
    domains: tuple[Any, ...] = (auth, mail, pages, records, activity, moderation, privacy, site, api, agenda, geodata)
    domains += (exports, search)
    domains += (stats, hibernation, snapshot)
    domains += (parties,)
    domains += (freshness,)
    for module in domains:
        module.init_app(app)
    cli.init_app(app)
    importers.init_app(app)
    _template_globals(app)
    _freeze_startup_objects(app)
    return app


def _freeze_startup_objects(app: Flask) -> None:
    """Move every object alive after start-up out of the garbage collector's sight (``gc.freeze``).

    Modules, routes, schemas and templates live as long as the process: about
    140,000 objects that every full collection walked again, a 60 ms pause in
    whichever request triggered it (measured; the p99 of a search). Frozen,
    they are never scanned; objects created later are collected as usual.
    Left out under ``TESTING``, where many applications come and go in one process.
    """
    if not app.testing:
        gc.freeze()


def _template_globals(app: Flask) -> None:
    """Expose permissions and settings that every template needs."""
    from wiki import hibernation
    from wiki.auth import permissions

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "site_name": app.config["SITE_NAME"],
            "site_tagline": app.config["SITE_TAGLINE"],
            "content_license": app.config["CONTENT_LICENSE"],
            "content_license_url": app.config["CONTENT_LICENSE_URL"],
            "edit_policy": hibernation.edit_policy(),  # ``readonly`` while the wiki sleeps
            "perm": permissions,
            "languages": app.config["LANGUAGES"],
        }
