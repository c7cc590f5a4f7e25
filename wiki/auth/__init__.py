"""Accounts, roles and permissions.

``init_app`` wires Flask-Login (sessions carry the user id and a per-user
session version so logging out or changing a password ends every session),
registers the ``auth`` blueprint and the ``lieudit user`` and
``lieudit token`` commands.
"""

from __future__ import annotations

import secrets

from flask import Flask
from flask import session
from flask_login import LoginManager

from wiki.auth.services import Anonymous

login_manager = LoginManager()


class Visitor(Anonymous):
    """The anonymous visitor of a request, known by a pseudonymous session key.

    ``session_key`` names one browser session without any IP address: what an
    anonymous contributor did can be listed, limited and rolled back as a whole.
    The key is created (and the session cookie set) only when a contribution
    asks for it, so anonymous reading stays free of cookies.
    """

    @property
    def session_key(self) -> str | None:
        """Return this visitor's key, creating it on first use."""
        key = session.get("visitor")
        if not isinstance(key, str) or len(key) != 16:
            key = session["visitor"] = secrets.token_hex(8)
        return key


def init_app(app: Flask) -> None:
    """Register login handling, views and CLI commands."""
    from wiki.auth import cli
    from wiki.auth import recovery_views  # noqa: F401 - its routes join views.bp
    from wiki.auth import services
    from wiki.auth import views

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(services.load_session_user)
    login_manager.anonymous_user = Visitor
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.user_cli)
    app.cli.add_command(cli.token_cli)
