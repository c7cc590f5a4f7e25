"""The ``lieudit`` command: Lieudit's commands, in the language of the environment.

``lieudit init`` creates or upgrades the database and ``--demo`` loads the demo
territory; ``lieudit db upgrade`` applies migrations after a backup;
``lieudit run`` serves with gunicorn (one worker per core and then some), as
in production; ``lieudit run --dev`` is Flask's reloading development server.
Domains add their own groups (``lieudit user …``) to ``app.cli`` in their
``init_app``; ``lieudit dump``/``load`` come from ``wiki.portability``, ``lieudit backup``/``restore``
from ``wiki.backup``.

:class:`LieuditGroup` is a Flask CLI group without Flask's options for picking
an application (``--app``, ``--env-file``, ``--debug``): Lieudit always runs
``wiki.create_app``, configured by ``LIEUDIT_*`` variables. Flask's ``shell``
and ``routes`` are left out too: they serve developers, who have ``flask --app
wiki shell``, while an operator's tools are Lieudit's commands (a shell would
write around the services: no revision, no signal, no permission check). The
group hands out commands translated by :mod:`wiki.cli_language`: help texts
are French in the source, English from the catalog when the locale is English.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import FlaskGroup
from flask.cli import ScriptInfo
from flask.cli import pass_script_info
from flask.cli import with_appcontext

from wiki import migrate
from wiki import signals
from wiki.cli_language import N_
from wiki.cli_language import LocalizedContext
from wiki.cli_language import localized
from wiki.cli_language import translate_for
from wiki.db import Database

#: Flask's group options left out of ``lieudit`` (by parameter name).
FLASK_OPTIONS = frozenset({"app", "env_file", "debug", "version"})
db_cli = AppGroup("db", help="Gérer le schéma de la base de données.")


def _upgrade() -> None:
    """Back the instance up into ``<instance>/backups``, then migrate; a failure leaves the previous version."""
    from wiki.backup import cli as backup
    from wiki.backup import upgrading

    sources = backup.sources()
    try:
        done = upgrading.upgrade(sources, sources.instance / "backups")
    except upgrading.UpgradeFailed as failed:
        raise click.ClickException(str(failed)) from failed
    if done.backup:
        click.echo(f"Sauvegarde avant mise à jour : {done.backup}")
    click.echo(f"Base de données à jour (migration {migrate.head_revision()}).")


@db_cli.command(
    "upgrade",
    help="Appliquer les migrations en attente.\n\n"
    "L'instance est d'abord sauvegardée dans le dossier backups de l'instance (SQLite comme PostgreSQL) ; "
    "si une migration échoue, la base reste à la version précédente.",
)
def upgrade_command() -> None:
    """Apply pending migrations, after a backup; a failed migration leaves the previous version usable."""
    _upgrade()


@click.command(
    "init",
    help="Créer ou mettre à jour la base de données.\n\nAvec --demo, charger en plus le territoire de démonstration.",
)
@with_appcontext
@click.option("--demo", is_flag=True, help="Charger le territoire de démonstration.")
def init_command(demo: bool) -> None:
    """Create or upgrade the database; optionally load the demo territory."""
    _upgrade()
    from wiki.demo import seed

    session = Database.new_session()
    try:
        created = seed(session)
        session.commit()
    finally:
        session.close()
    # Flask types current_app as the app itself, so the proxy's method is unknown to the checker.
    signals.instance_upgraded.send(current_app._get_current_object(), echo=click.echo)  # type: ignore[attr-defined]
    if any(created[name] for name in ("forms", "choice_lists", "themes")):
        click.echo(
            f"Formulaires intégrés : {created['forms']}, listes : {created['choice_lists']}, thématiques : {created['themes']}."
        )
    if created["upgraded_forms"]:
        click.echo(f"Formulaires intégrés mis à jour : {created['upgraded_forms']} (voir leur historique).")
    if demo:
        _load_demo()


def _load_demo() -> None:
    from wiki.demo import load_demo
    from wiki.demo.data import DemoDataError

    session = Database.new_session()
    try:
        created = load_demo(session)
        session.commit()
    except DemoDataError as error:  # a data file edited by hand: say which and why, no traceback
        raise click.ClickException(str(error)) from error
    finally:
        session.close()
    click.echo(
        f"Territoire de démonstration : {created['pages']} page(s), {created['initiatives']} initiative(s) du "
        f"territoire, {created['inspirations']} inspiration(s) d’ailleurs, {created['places']} lieu(x), "
        f"{created['events']} événement(s) et {created['communes']} commune(s) "
        "créés (ce qui existait déjà est laissé tel quel)."
    )


def init_app(app: Flask) -> None:
    """Register the core commands."""
    from wiki.backup import cli as backup
    from wiki.portability import cli as portability

    app.cli.add_command(db_cli)
    app.cli.add_command(init_command)
    app.cli.add_command(portability.dump_command)
    app.cli.add_command(portability.load_command)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)


def _create_app() -> Flask:
    from wiki import create_app

    return create_app()


def default_workers() -> int:
    """Gunicorn's rule of thumb, two workers per core plus one, bounded for a small shared server."""
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def serve(host: str, port: int, workers: int, load_app: Callable[[], Flask]) -> None:
    """Serve the app ``load_app`` builds (in each worker) with gunicorn's sync workers until interrupted."""
    from gunicorn.app.base import BaseApplication

    settings = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",
        "accesslog": "-",
        # Heartbeat files in memory: a busy disk never makes the arbiter kill a healthy worker.
        "worker_tmp_dir": "/dev/shm" if Path("/dev/shm").is_dir() else None,
    }

    class _Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in settings.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Flask:
            return load_app()

    _Server().run()


@click.command(
    "run",
    help=N_(
        "Servir Lieudit avec gunicorn, le serveur de production : plusieurs processus, "
        "deux par cœur plus un par défaut. --dev lance à la place le serveur de développement "
        "de Flask, qui se recharge quand le code change (jamais en production)."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("Adresse d'écoute."))
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535), help=N_("Port d'écoute."))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help=N_("Nombre de processus (par défaut : deux par cœur plus un, 9 au plus)."),
)
@click.option(
    "--dev", is_flag=True, help=N_("Serveur de développement : rechargement et débogueur, jamais en production.")
)
@pass_script_info
def run_command(info: ScriptInfo, host: str, port: int, workers: int | None, dev: bool) -> None:
    """Serve Lieudit: gunicorn by default, Flask's development server with ``--dev``."""
    if dev:
        from werkzeug.serving import run_simple

        run_simple(host, port, info.load_app(), use_reloader=True, use_debugger=True)
        return
    serve(host, port, workers or default_workers(), info.load_app)


class LieuditGroup(FlaskGroup):
    """The ``lieudit`` group: Lieudit's commands only, their help in the language of the environment."""

    context_class = LocalizedContext

    def __init__(self, **extra: Any) -> None:
        """Build the group on ``wiki.create_app``, with ``run`` and without Flask's app-picking options."""
        extra.setdefault("subcommand_metavar", N_("COMMANDE [ARGUMENTS]..."))
        super().__init__(
            add_default_commands=False, add_version_option=False, load_dotenv=False, create_app=_create_app, **extra
        )
        self.params = [param for param in self.params if param.name not in FLASK_OPTIONS]
        self.add_command(run_command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return the command, translated into the language of the run."""
        command = super().get_command(ctx, cmd_name)
        return None if command is None else localized(command, translate_for(ctx))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the group's own help, translated."""
        if self.help:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(translate_for(ctx)(inspect.cleandoc(self.help)))

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        """Return the usage line's pieces, the subcommand placeholder translated."""
        pieces = super().collect_usage_pieces(ctx)
        return [*pieces[:-1], translate_for(ctx)(pieces[-1])]


main = LieuditGroup(name="lieudit", help="Lieudit, le wiki contributif du territoire.")

if __name__ == "__main__":
    main()
