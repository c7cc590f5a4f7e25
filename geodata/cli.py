"""``lieudit zones import FILE --level L --code-field C --name-field N``: load territory zones."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from geodata import services
from geodata.models import LEVELS
from importers import formats
from wiki.db import Database

zones_cli = AppGroup("zones", help="Gérer les zones du territoire (communes, intercommunalités, départements).")


@zones_cli.command(
    "import", help="Charger des zones depuis un fichier GeoJSON, puis y rattacher chaque fiche localisée."
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--level", type=click.Choice(LEVELS), default="commune", show_default=True, help="Niveau des zones du fichier."
)
@click.option("--code-field", default="code", show_default=True, help="Propriété qui porte le code INSEE.")
@click.option("--name-field", default="nom", show_default=True, help="Propriété qui porte le nom.")
def import_command(path: Path, level: str, code_field: str, name_field: str) -> None:
    """Load zones from a GeoJSON file, then re-attach every located record to them."""
    try:
        layer = formats.read(path.read_bytes(), "geojson")
    except formats.FormatError as error:
        raise click.ClickException(error.message) from error
    session = Database.new_session()
    try:
        result = services.import_zones(
            session, layer.features, level=level, code_field=code_field, name_field=name_field
        )
        session.commit()
    finally:
        session.close()
    for ref, message in layer.errors + result.errors:
        click.echo(f"  refusé — {ref} : {message}", err=True)
    click.echo(
        f"Zones : {result.created} créée(s), {result.updated} mise(s) à jour, {len(layer.errors) + len(result.errors)} refusée(s)."
    )
