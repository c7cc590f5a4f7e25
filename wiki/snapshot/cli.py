"""``lieudit snapshot DIR``: write a static HTML copy of the public site."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from wiki.snapshot import crawl
from wiki.snapshot import links


@click.command(
    "snapshot",
    help="Écrire dans DOSSIER une copie HTML statique du site public (pages, fiches, agenda, "
    "listes de la carte, téléchargements des données, accueil).\n\nLes liens sont relatifs : "
    "n'importe quel serveur web, ou une clé USB, sert la copie telle quelle. La recherche y est "
    "remplacée par l'index des pages ; rien de privé ni d'en attente n'y figure. Le contenu de "
    "DOSSIER est remplacé.",
)
@click.argument("directory", metavar="DOSSIER", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def snapshot_command(directory: Path) -> None:
    """Write the static copy into DIRECTORY and check its links."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    report = crawl.take_snapshot(app, directory, index_label=_("Index des pages"))
    broken = links.check_links(directory)
    click.echo(
        f"Copie statique dans {directory} : {report.files} fichiers, {report.bytes / 1_000_000:.1f} Mo, "
        f"{len(broken)} lien(s) cassé(s)."
    )
    for address, status in report.failed[:20]:
        click.echo(f"  non copiée ({status}) : {address}")
    for link in broken[:20]:
        click.echo(f"  lien cassé dans {link.page} : {link.url} ({link.reason})")
    if broken:
        raise SystemExit(1)
