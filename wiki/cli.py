"""The ``lieudit`` command: a Flask CLI group bound to ``create_app``.

``lieudit run`` (from Flask) serves for development; ``lieudit init`` creates
or upgrades the database and ``--demo`` loads the demo territory; ``lieudit db
upgrade`` applies migrations after a backup; ``lieudit dump``/``load`` move a
whole instance (``wiki.portability``). Domains add their own groups
(``lieudit user …``) in their ``init_app``.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import FlaskGroup
from flask.cli import with_appcontext

from wiki import migrate
from wiki import signals
from wiki.db import Database

db_cli = AppGroup("db", help="Gérer le schéma de la base de données.")


def _upgrade(backup: bool = True) -> None:
    saved = migrate.upgrade(Database.engine(), Path(current_app.instance_path), backup=backup)
    if saved:
        click.echo(f"Sauvegarde avant mise à jour : {saved}")
    click.echo(f"Base de données à jour (migration {migrate.head_revision()}).")


@db_cli.command("upgrade")
def upgrade_command() -> None:
    """Apply pending migrations (after a backup on SQLite)."""
    _upgrade()


@click.command("init")
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
    signals.instance_upgraded.send(current_app._get_current_object(), echo=click.echo)
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
    click.echo(f"Territoire de démonstration : {created} page(s) créée(s).")


def init_app(app: Flask) -> None:
    """Register the core commands."""
    from wiki.portability import cli as portability

    app.cli.add_command(db_cli)
    app.cli.add_command(init_command)
    app.cli.add_command(portability.dump_command)
    app.cli.add_command(portability.load_command)


def _create_app() -> Flask:
    from wiki import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Lieudit, le wiki contributif du territoire."""
