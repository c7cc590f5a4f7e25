"""``lieudit stats …``: the statistics export from the command line (for a cron job or an application)."""

from __future__ import annotations

import csv
import sys

import click
from flask.cli import AppGroup

from wiki import stats
from wiki.db import Database
from wiki.stats import services

stats_cli = AppGroup("stats", help="Statistiques de visite sans pistage.")


@stats_cli.command(
    "csv",
    help="Écrire les statistiques en CSV (vues par jour et par adresse, téléchargements, "
    "modifications et nouveaux contributeurs par mois) dans FICHIER, ou sur la sortie standard.",
)
@click.argument("path", metavar="FICHIER", required=False, type=click.Path(dir_okay=False, writable=True))
@click.option("--jours", "days", default=365, show_default=True, type=click.IntRange(1, 3660),
              help="Nombre de jours de vues et de téléchargements.")  # fmt: skip
def csv_command(path: str | None, days: int) -> None:
    """Write the statistics CSV to PATH or standard output."""
    stats.flush()
    db = Database.new_read_session()
    try:
        rows = list(services.csv_rows(db, days))
    finally:
        db.close()
    if path:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(rows)
        click.echo(f"Statistiques écrites dans {path} ({len(rows) - 1} lignes).")
    else:
        csv.writer(sys.stdout, lineterminator="\r\n").writerows(rows)
