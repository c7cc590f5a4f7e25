"""``lieudit mail …`` commands: send the outbox now (for cron), send a test message."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from wiki.db import Database
from wiki.mail import delivery
from wiki.mail import services

mail_cli = AppGroup("mail", help="Envoyer les courriels en attente.")


def _require_mail() -> None:
    if not services.mail_enabled(current_app.config):
        raise click.ClickException(
            "Aucun serveur de courriel configuré (MAIL_SERVER) : ce wiki n'envoie pas de courriel."
        )


def _echo_report(report: delivery.Report) -> None:
    click.echo(f"{report.sent} envoyé(s), {report.failed} à réessayer, {report.given_up} abandonné(s).")
    for error in report.errors:
        click.echo(error, err=True)


@mail_cli.command(
    "send",
    help="Envoyer maintenant les courriels en attente et réessayer ceux qui ont échoué.\n\n"
    "À lancer par cron : les courriels partent d'ordinaire juste après l'action qui les crée.",
)
def send_command() -> None:
    """Send the due messages of the outbox now."""
    _require_mail()
    report = delivery.send_pending(current_app._get_current_object())  # type: ignore[attr-defined]
    _echo_report(report)
    if report.failed or report.given_up:
        raise SystemExit(1)


@mail_cli.command("test", help="Envoyer un courriel d'essai à ADDRESS pour vérifier les réglages MAIL_*.")
@click.argument("address")
def test_command(address: str) -> None:
    """Send a test message to ADDRESS to check the MAIL_* settings."""
    _require_mail()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db = Database.new_session()
    try:
        services.enqueue(
            db,
            to=address,
            subject="Courriel d'essai",
            body="Bonjour,\n\nCe courriel d'essai montre que le wiki sait envoyer des courriels.",
        )
        db.commit()
        delivery.wait_for_sender(app)
        outcome = delivery.last_outcome(db, address)
    except ValueError as err:
        raise click.ClickException(f"Adresse invalide : {address}") from err
    finally:
        db.close()
    if outcome == "":
        raise click.ClickException("Le courriel d'essai n'est pas encore parti : « lieudit mail send » le réessaiera.")
    if outcome is not None:
        raise click.ClickException(f"Le courriel d'essai n'est pas parti : {outcome}")
    click.echo(f"Courriel d'essai envoyé à {address}.")
