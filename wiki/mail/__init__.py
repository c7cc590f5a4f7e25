"""E-mail: an outbox filled inside transactions, sent over SMTP after they commit.

Other domains call :func:`wiki.mail.services.enqueue` and
:func:`wiki.mail.services.mail_enabled`; ``init_app`` checks the settings,
gives the app its sender and registers ``lieudit mail``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Check the mail settings, install the sender and the ``lieudit mail`` commands.

    :raises ValueError: ``MAIL_SERVER`` set without ``BASE_URL`` (links in e-mails
        must name the public address, never a request's ``Host`` header), or
        both ``MAIL_USE_TLS`` and ``MAIL_USE_SSL``.
    """
    from wiki.mail import cli
    from wiki.mail import delivery

    if app.config.get("MAIL_SERVER"):
        if not app.config.get("BASE_URL"):
            raise ValueError("MAIL_SERVER needs BASE_URL: links in e-mails name the public address")
        if app.config.get("MAIL_USE_TLS") and app.config.get("MAIL_USE_SSL"):
            raise ValueError("set MAIL_USE_TLS (STARTTLS) or MAIL_USE_SSL, not both")
    delivery.install(app)
    app.cli.add_command(cli.mail_cli)
