"""``lieudit backup DIR`` and ``lieudit restore DIR``."""

from __future__ import annotations

import time
from importlib import metadata
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from wiki.backup import restoring
from wiki.backup import taking
from wiki.backup.manifest import BackupError
from wiki.db import Database
from wiki.search import get_backend
from wiki.search import maintenance
from wiki.uploads import uploads_root


def lieudit_version() -> str:
    """The installed Lieudit version ("0" when run from an uninstalled tree)."""
    try:
        return metadata.version("lieudit")
    except metadata.PackageNotFoundError:
        return "0"


def sources() -> taking.Sources:
    """What the current app backs up: its database, attached files and instance folder."""
    return taking.Sources(
        engine=Database.engine(),
        uploads=uploads_root(),
        instance=Path(current_app.instance_path),
        lieudit_version=lieudit_version(),
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} Mo"


@click.command(
    "backup",
    help="Sauvegarder l'instance dans le nouveau dossier DIR, sans l'arrêter.\n\n"
    "Une copie cohérente de la base (même pendant des écritures), les fichiers joints, config.py et la clé "
    "secrète, avec un manifeste et leurs sommes de contrôle. Le dossier contient des données personnelles et "
    "les empreintes des mots de passe : il n'est lisible que par son propriétaire.",
)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path) -> None:
    """Back the instance up into the new folder DIR, online."""
    started = time.perf_counter()
    try:
        taken = taking.take(sources(), directory)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    elapsed = time.perf_counter() - started
    found = taken.manifest
    rows = sum(found.tables.values())
    settings = sorted(name.split("/", 1)[1] for name in found.files if name.startswith("settings/"))
    click.echo(
        f"Sauvegarde écrite dans {taken.folder} : base {found.database} à la migration {found.schema_revision} "
        f"({rows} ligne(s) dans {len(found.tables)} table(s)), {found.upload_count} fichier(s) joint(s), "
        f"réglages : {', '.join(settings) or 'aucun'} ; {_megabytes(found.size)} en {elapsed:.1f} s."
    )
    if taken.vanished:
        click.echo(f"{taken.vanished} fichier(s) joint(s) supprimé(s) pendant la sauvegarde ne s'y trouvent pas.")
    click.echo(
        "Attention : ce dossier contient des données personnelles, les empreintes des mots de passe et la clé "
        "secrète ; gardez-le hors du serveur web, de préférence sur une autre machine."
    )


@click.command(
    "restore",
    help="Restaurer la sauvegarde DIR dans cette instance.\n\n"
    "Le manifeste et chaque somme de contrôle sont vérifiés avant de toucher à quoi que ce soit ; une base "
    "non vide est refusée sans --force. Le schéma est ensuite mis à jour si la sauvegarde est plus ancienne, "
    "et l'index de recherche reconstruit.",
)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer une base de données qui n'est pas vide.")
@with_appcontext
def restore_command(directory: Path, force: bool) -> None:
    """Restore the backup DIR into this instance (checked first; --force replaces a non-empty database)."""
    here = sources()
    started = time.perf_counter()
    try:
        done = restoring.restore(directory, here.engine, uploads=here.uploads, instance=here.instance, force=force)
    except BackupError as err:
        raise click.ClickException(str(err)) from err
    restored_in = time.perf_counter() - started
    found = done.manifest
    click.echo(
        f"Sauvegarde du {found.created_at} vérifiée : {len(found.files)} fichier(s), sommes de contrôle correctes."
    )
    click.echo(
        f"Base {found.database} restaurée : {sum(found.tables.values())} ligne(s) dans {len(found.tables)} table(s), "
        f"migration {found.schema_revision}."
    )
    if done.upgraded_to:
        click.echo(f"Schéma mis à jour vers la migration {done.upgraded_to}.")
    click.echo(f"Fichiers joints restaurés : {found.upload_count} dans {here.uploads}.")
    if done.set_aside:
        click.echo(f"Les fichiers joints qui s'y trouvaient ont été déplacés dans {done.set_aside}.")
    for kept in done.kept_settings:
        click.echo(f"config.py existant conservé ; celui de la sauvegarde est écrit dans {kept}.")
    click.echo(f"Sauvegarde vérifiée et restaurée en {restored_in:.1f} s ; reconstruction de l'index de recherche…")
    started = time.perf_counter()
    count = maintenance.rebuild(Database.engine(), get_backend())
    click.echo(f"Index de recherche reconstruit : {count} document(s) en {time.perf_counter() - started:.1f} s.")
