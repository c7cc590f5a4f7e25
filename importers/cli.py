"""``lieudit import FORMAT SOURCE [--form F] [--dry-run]``: load a file or an address.

SOURCE is a local path or an http(s) address fetched with the SSRF guards of
:mod:`importers.fetch`. FORMAT is the name of a registered importer
(:func:`importers.available`). The import runs in one transaction: a dry run
or a refused source is rolled back, a clean run is committed; per-row errors
are printed either way. What is imported is attributed to the wiki's system
account (``wiki.auth.services.system_account``), as the built-in content is.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from importers import available
from importers import get_importer


def read_source(source: str) -> bytes:
    """Return the bytes of a path or of a public http(s) address (ClickException otherwise)."""
    if source.startswith(("http://", "https://")):
        from importers.fetch import FetchError
        from importers.fetch import fetch

        try:
            return fetch(source)
        except FetchError as error:
            raise click.ClickException(str(error)) from error
    path = Path(source)
    if not path.is_file():
        raise click.ClickException(f"Fichier introuvable : {source}")
    return path.read_bytes()


@click.command("import", help="Importer SOURCE (fichier ou adresse http(s)) au format FORMAT.")
@click.argument("format_name", metavar="FORMAT")
@click.argument("source")
@click.option("--form", "form_key", default=None, help="Formulaire de destination (clé).")
@click.option("--dry-run", is_flag=True, help="Tout vérifier sans rien enregistrer.")
@with_appcontext
def import_command(format_name: str, source: str, form_key: str | None, dry_run: bool) -> None:
    """Importer des données au format FORMAT depuis SOURCE (un fichier ou une adresse http(s))."""
    from wiki.auth.services import system_account
    from wiki.db import Database

    if format_name not in available():
        raise click.ClickException(f"Format inconnu : {format_name} (formats : {', '.join(available())}).")
    importer = get_importer(format_name)
    data = read_source(source)
    session = Database.new_session()
    try:
        result = importer.run(session, data, form=form_key, author=system_account(session), dry_run=dry_run,
                              source=source[:300])  # fmt: skip
        if result.ok and not dry_run:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()
    for error in result.errors:
        click.echo(f"  refusé — {error.ref} : {error.message}", err=True)
    for warning in result.warnings:
        click.echo(f"  attention — {warning}", err=True)
    click.echo(result.summary())
    if not result.ok:
        raise SystemExit(1)
