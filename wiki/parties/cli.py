"""``lieudit atelier …``: wiki-parties from the command line (for a cron job)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from wiki.db import Database
from wiki.parties import services

party_cli = AppGroup("atelier", help="Wiki-parties (ateliers contributifs).")


@party_cli.command(
    "cloturer", help="Fermer les connexions des invités des ateliers terminés (à lancer par cron, chaque heure)."
)
def close_command() -> None:
    """Close the guests' logins of every party that ended."""
    db = Database.new_session()
    try:
        count = services.close_ended(db)
        db.commit()
    finally:
        db.close()
    click.echo(f"{count} atelier(s) clôturé(s).")
