"""Personal data (RGPD): erasure of an account, self-export, and the statement of what is kept.

``erasure`` pseudonymises an account and redacts the personal values of its
records (with ``redaction``); ``export`` writes everything stored about an
account as JSON; ``statement`` reads what the instance keeps from its
settings; ``overview`` counts what an account wrote. ``init_app`` registers
the screens (``views``), the ``{{confidentialite}}`` macro and the
``lieudit privacy`` commands.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the privacy screens, macro and commands."""
    from wiki.privacy import cli
    from wiki.privacy import macros
    from wiki.privacy import views

    macros.register()
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.privacy_cli)
