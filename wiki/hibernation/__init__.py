"""Hibernation: an administrator puts the wiki to sleep (read-only, a banner on every page) and wakes it.

``init_app`` registers the admin screen, ``lieudit hibernate``, the template
value ``hibernating`` (read once per request) and a guard that refuses every
write while asleep before it reaches a view: a page that gives back what was
typed, or JSON 503 for the API. Administrators still write (the ``readonly``
policy); anyone may still log in and out, so moderators and admins reach their screens.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import current_app
from flask import g
from flask import request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from wiki.auth import permissions
from wiki.caching import AppCache
from wiki.db import Database
from wiki.db import read_content_version
from wiki.hibernation import services

#: Writes that stay open while asleep: logging in and out, choosing a language, switching the wiki back.
OPEN_ENDPOINTS = frozenset({"auth.login", "auth.logout", "i18n.switch", "hibernation.edit"})
#: Screens that only lead to a write: refused at once while asleep, rather than after typing.
EDITOR_ENDPOINTS = frozenset({"pages.edit", "pages.new", "records.new", "records.edit", "auth.register"})
_SAFE = ("GET", "HEAD", "OPTIONS")


#: The switch as last read, under the content version it was read at: a switch bumps the version,
#: so a worker reads the row again only after some content changed (any worker, any node).
_switch = AppCache[bool]("hibernation.switch", maxsize=1)


def _read_switch() -> bool:
    # A session of its own, read-only and ended at once: asked before a write's body is read, the
    # request's session would begin its write transaction (and hold the lock) while the client sends.
    db = Database.new_read_session()
    try:
        return services.is_hibernating(db)
    finally:
        db.close()


def hibernating() -> bool:
    """Tell whether the wiki sleeps (read once per request, from memory while no content changed)."""
    if "lieudit_hibernating" not in g:
        try:
            # The version first: a switch committed between the two reads is kept under the older
            # version, which the next request no longer asks for.
            version = read_content_version(Database.engine())
            g.lieudit_hibernating = _switch.get_or_set(None, version, _read_switch)
        except SQLAlchemyError:  # an unwell database: its error page must still render
            g.lieudit_hibernating = False
    return bool(g.lieudit_hibernating)


def edit_policy() -> str:
    """The instance edit policy in effect for this request (``readonly`` while asleep)."""
    return services.instance_policy(current_app.config["EDIT_POLICY"], hibernating())


def init_app(app: Flask) -> None:
    """Register the admin screen, the command, the banner's value and the write guard."""
    from wiki.hibernation import cli
    from wiki.hibernation import views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.hibernate_command)

    @app.before_request
    def refuse_writes_while_asleep() -> Any:
        endpoint = request.endpoint or ""
        if endpoint in OPEN_ENDPOINTS or endpoint.startswith("theming."):
            return None
        if request.method in _SAFE and endpoint not in EDITOR_ENDPOINTS:
            return None
        if not hibernating() or permissions.has_role(current_user, "admin"):
            return None
        return views.refusal()

    @app.context_processor
    def _banner() -> dict[str, Any]:
        return {"hibernating": hibernating}
