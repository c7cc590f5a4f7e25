"""``lieudit digests send``: queue the due e-mail digests of watches (for cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask import url_for
from flask.cli import AppGroup

from wiki.activity import digests
from wiki.activity.views import change_url
from wiki.db import Database
from wiki.mail import delivery
from wiki.mail import services as mail

digests_cli = AppGroup("digests", help="Résumés par courriel des suivis.")


@digests_cli.command(
    "send",
    help="Préparer et envoyer les résumés dus (quotidiens ou hebdomadaires) de ce qui a changé dans les suivis.\n\n"
    "À lancer par cron, par exemple chaque heure : chacun reçoit au plus un résumé par jour ou par semaine.",
)
def send_command() -> None:
    """Queue each due digest; the messages leave after each commit."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not mail.mail_enabled(app.config):
        raise click.ClickException(
            "Aucun serveur de courriel configuré (MAIL_SERVER) : ce wiki n'envoie pas de résumés."
        )
    db = Database.new_session()
    try:
        with app.test_request_context("/"):
            report = digests.send_digests(
                db,
                secret=app.config["SECRET_KEY"],
                link=lambda item: change_url(item, external=True),
                unsubscribe_url=lambda token: url_for("watch.unsubscribe", token=token, _external=True),
            )
    finally:
        db.close()
    delivery.wait_for_sender(app)  # the messages leave before the command ends
    click.echo(f"{report.sent} résumé(s) envoyé(s), {report.empty} sans nouveauté.")
    for error in report.errors:
        click.echo(error, err=True)
