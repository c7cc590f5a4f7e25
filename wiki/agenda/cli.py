"""``lieudit agenda refresh``: move the stored window of recurring events (run it daily, e.g. from cron).

Queries outside the stored window are answered anyway (the rules are then
expanded on the fly); refreshing keeps the month views and feeds fast.
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from wiki.agenda import projection
from wiki.db import Database

agenda_cli = AppGroup("agenda", help="Entretenir l'agenda.")


@agenda_cli.command(
    "refresh",
    help="Prolonger la fenêtre des événements récurrents.\n\n"
    "Réindexer ceux dont les occurrences enregistrées s'arrêtent dans moins de neuf mois ; "
    "à lancer chaque jour, par exemple depuis cron.",
)
def refresh_command() -> None:
    """Re-index recurring events whose stored occurrences end within nine months."""
    db = Database.new_session()
    try:
        count = projection.refresh_windows(db)
        db.commit()
    finally:
        db.close()
    click.echo(f"{count} événement(s) récurrent(s) réindexé(s).")
