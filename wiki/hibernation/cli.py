"""``lieudit hibernate on|off|status``: put the wiki to sleep (read-only), wake it up, or tell."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from wiki.db import Database
from wiki.hibernation import services


@click.command(
    "hibernate",
    help="Mettre le wiki en sommeil (on : lecture seule, avec un bandeau), le réveiller (off) "
    "ou dire s'il dort (status).\n\nEn sommeil, seuls les administrateurs modifient ; "
    "tous les processus le voient aussitôt.",
)
@click.argument("state", type=click.Choice(["on", "off", "status"]))
@with_appcontext
def hibernate_command(state: str) -> None:
    """Switch hibernation on or off, or print it."""
    db = Database.new_session()
    try:
        if state == "status":
            current = services.read_state(db)
            click.echo("Le wiki est en sommeil." if current.asleep else "Le wiki est éveillé.")
            return
        changed = services.set_hibernation(db, state == "on")
        db.commit()
    finally:
        db.close()
    if state == "on":
        click.echo("Le wiki est en sommeil : lecture seule." if changed else "Le wiki dormait déjà.")
    else:
        click.echo("Le wiki est réveillé." if changed else "Le wiki était déjà éveillé.")
