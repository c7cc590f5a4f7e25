"""Accounts, roles and permissions.

``init_app`` wires Flask-Login (sessions carry the user id and a per-user
session version so logging out or changing a password ends every session),
registers the ``auth`` blueprint and the ``lieudit user`` and
``lieudit token`` commands.
"""

from __future__ import annotations

from flask import Flask
from flask_login import LoginManager

login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Register login handling, views and CLI commands."""
    from wiki.auth import cli
    from wiki.auth import services
    from wiki.auth import views

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(services.load_session_user)
    login_manager.anonymous_user = services.Anonymous
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.user_cli)
    app.cli.add_command(cli.token_cli)
