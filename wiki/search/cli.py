"""``lieudit search …``: rebuild, reconcile, check and optimise the index (STYLE R13)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from wiki.db import Database
from wiki.search import get_backend
from wiki.search import maintenance

search_cli = AppGroup("search", help="Gérer l'index de recherche.")


@search_cli.command(
    "rebuild",
    help="Reconstruire l'index à part, puis le mettre en service.\n\nLes recherches continuent pendant ce temps.",
)
def rebuild_command() -> None:
    """Build the whole index aside and swap it in (searches go on meanwhile)."""
    started = time.perf_counter()
    count = maintenance.rebuild(Database.engine(), get_backend())
    elapsed = time.perf_counter() - started
    click.echo(
        f"Index reconstruit : {count} documents en {elapsed:.1f} s ({count / max(elapsed, 1e-9):.0f} par seconde)."
    )


@search_cli.command(
    "update",
    help="Réconcilier l'index avec la base de données.\n\n"
    "Ajouter ce qui manque, retirer ce qui est en trop, rafraîchir ce qui est périmé.",
)
@click.option("--rapide", "quick", is_flag=True, help="Comparer les identifiants seulement, pas les contenus.")
def update_command(quick: bool) -> None:
    """Add what is missing, remove what is extra, refresh what is stale."""
    drift = maintenance.update(Database.engine(), get_backend(), quick=quick)
    click.echo("Rien à corriger. " + drift.summary() if drift.clean else "Corrigé. " + drift.summary())


@search_cli.command(
    "check", help="Dire en quoi l'index diffère de la base de données.\n\nLe code de sortie est 1 s'il en diffère."
)
@click.option("--rapide", "quick", is_flag=True, help="Comparer les identifiants seulement, pas les contenus.")
def check_command(quick: bool) -> None:
    """Report how the index differs from the database (exit status 1 if it does)."""
    drift = maintenance.check(Database.engine(), get_backend(), quick=quick)
    click.echo(drift.summary())
    for label, ids in (("manquant", drift.missing), ("en trop", drift.extra), ("périmé", drift.stale)):
        for value in sorted(ids)[:20]:
            click.echo(f"  {label} : {value}")
    if not drift.clean:
        raise SystemExit(1)


@search_cli.command(
    "optimize",
    help="Fusionner l'index en un seul segment.\n\nWhoosh seulement : PostgreSQL entretient ses index lui-même.",
)
def optimize_command() -> None:
    """Merge the index into one segment (Whoosh; nothing to do on PostgreSQL)."""
    backend = get_backend()
    optimize = getattr(backend, "optimize", None)
    if optimize is None:
        click.echo("Rien à faire : PostgreSQL entretient ses index lui-même.")
        return
    optimize()
    click.echo("Index optimisé.")
