"""``lieudit dump FILE.zip`` and ``lieudit load FILE.zip``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from wiki.config import Defaults
from wiki.db import Database
from wiki.portability import archive
from wiki.portability import dumping
from wiki.portability import loading
from wiki.portability import settings as carried
from wiki.storage_faults import FULL
from wiki.storage_faults import log_fault
from wiki.uploads import uploads_root


def _defaults() -> dict[str, object]:
    return {key: getattr(Defaults, key) for key in dir(Defaults) if key.isupper()}


def _app_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("lieudit")
    except metadata.PackageNotFoundError:
        return "0"


@click.command(
    "dump",
    help="Écrire toute l'instance dans TARGET.zip.\n\n"
    "Historique, comptes, fichiers et réglages : le dump complet contient des données personnelles et "
    "les empreintes des mots de passe, gardez-le comme une sauvegarde. --public ne garde que ce que voit "
    "un visiteur anonyme.",
)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Remplacer le fichier s'il existe.")
@click.option("--public", is_flag=True, help="Seulement ce que voit un visiteur anonyme (publiable).")
@with_appcontext
def dump_command(target: Path, force: bool, public: bool) -> None:
    """Write the whole instance (history, accounts, files, settings) into TARGET.zip.

    The full dump contains personal data and password hashes: keep it like a
    backup. ``--public`` keeps only what anonymous visitors see.
    """
    if target.exists() and not force:
        raise click.ClickException(f"{target} existe déjà (--force pour le remplacer).")
    settings = carried.public_settings(dict(current_app.config), _defaults())
    try:
        summary = dumping.dump(
            Database.engine(),
            target,
            uploads=uploads_root(),
            settings=settings,
            app_version=_app_version(),
            public=public,
        )
    except archive.ArchiveError as err:
        raise click.ClickException(str(err)) from err
    except OSError as err:
        # A full disk or a disk error: the half-written dump is removed, an earlier TARGET kept (G6).
        raise _storage_refusal(
            err,
            "lieudit dump",
            "Dump impossible : {problem} ; " + f"{target} est laissé tel qu'il était. "
            "Libérez de la place et recommencez.",
        ) from err
    rows = sum(summary.tables.values())
    click.echo(
        f"Dump écrit dans {target} : {rows} ligne(s) dans {len(summary.tables)} table(s), {summary.files} fichier(s), migration {summary.migration}."
    )
    if public:
        click.echo(
            f"Dump public : sans comptes, jetons, brouillons ni valeurs privées ; tables laissées de côté : {', '.join(summary.excluded) or 'aucune'}."
        )
    else:
        click.echo(
            "Attention : ce fichier contient des données personnelles et les empreintes des mots de passe ; ne le publiez pas."
        )


def _storage_refusal(err: OSError, operation: str, message: str) -> click.ClickException:
    """The French refusal of a command that met a full or failing disk (``{problem}`` in ``message`` says which).

    :raises OSError: ``err`` is no storage fault: it goes on as it was.
    """
    kind = log_fault(err, operation)
    if kind is None:
        raise err
    problem = "le disque est plein" if kind == FULL else "le disque a rencontré une erreur"
    return click.ClickException(message.replace("{problem}", problem))  # not format(): a path may hold braces


@click.command("load", help="Charger un dump dans cette nouvelle instance, vide (tout ou rien).")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_command(source: Path) -> None:
    """Load a dump into this new, empty instance (all or nothing)."""
    instance = Path(current_app.instance_path)
    try:
        summary = loading.load(Database.engine(), source, uploads=uploads_root())
    except archive.ArchiveError as err:
        raise click.ClickException(str(err)) from err
    except OSError as err:
        # The files are copied aside first and removed on failure: nothing is loaded, the load may run again.
        raise _storage_refusal(
            err,
            "lieudit load",
            "Chargement impossible : {problem}. Rien n'a été chargé ; libérez de la place et recommencez.",
        ) from err
    rows = sum(summary.tables.values())
    click.echo(f"Dump chargé : {rows} ligne(s) dans {len(summary.tables)} table(s), {summary.files} fichier(s).")
    settings = carried.accepted_settings(summary.settings, _defaults())
    if settings:
        config = instance / "config.py"
        if config.exists():
            listed = ", ".join(f"{k} = {v!r}" for k, v in sorted(settings.items()))
            click.echo(f"Réglages du dump non appliqués ({config} existe déjà) : {listed}")
        else:
            config.write_text(
                "# Settings carried over by `lieudit load`.\n"
                + "".join(f"{k} = {v!r}\n" for k, v in sorted(settings.items())),
                encoding="utf-8",
            )
            click.echo(f"Réglages repris dans {config} : {', '.join(sorted(settings))}.")
    click.echo("Reconstruisez l'index de recherche si votre version le propose (« lieudit search rebuild »).")
