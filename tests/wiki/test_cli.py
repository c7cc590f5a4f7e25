"""The ``lieudit`` command: init, demo, db upgrade, user create; its help in French and English."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from click.testing import CliRunner
from click.testing import Result
from flask.cli import ScriptInfo
from sqlalchemy import select

from tests.conftest import base_config
from tests.support.nodes import free_port
from wiki import cli as wiki_cli
from wiki import create_app
from wiki.auth.models import User
from wiki.cli import main
from wiki.db import Database
from wiki.pages.models import Page

ROOT = Path(__file__).resolve().parents[2]
_EMPTY = Message("")


def test_init_demo_loads_the_territory(runner, db):
    result = runner.invoke(args=["init", "--demo"])
    assert result.exit_code == 0, result.output
    slugs = set(db.scalars(select(Page.slug)))
    db.rollback()
    assert {"accueil", "comment-contribuer", "organiser-une-wiki-party", "licence-et-reutilisation"} <= slugs
    # What was created, by kind, is said (issue 18: not only the pages).
    said = (
        r"[1-9]\d* page\(s\), 8 initiative\(s\) du territoire, 31 inspiration\(s\) d’ailleurs, 32 lieu\(x\), "
        r"[1-9]\d* événement\(s\) et 28 commune\(s\) créés"
    )
    assert re.search(said, result.output), result.output
    again = runner.invoke(args=["init", "--demo"])
    nothing = (
        "0 page(s), 0 initiative(s) du territoire, 0 inspiration(s) d’ailleurs, 0 lieu(x), 0 événement(s) "
        "et 0 commune(s)"
    )
    assert nothing in again.output  # idempotent


def test_init_upgrades_the_built_in_forms_of_an_older_install_once(runner, db):
    from tests.wiki.records.test_builtin import _as_installed_before_consent
    from wiki.demo import demo_author
    from wiki.records import builtin
    from wiki.records import form_services

    form_services.create_form(
        db, **builtin.FORMS[0] | {"fields": _as_installed_before_consent()}, actor=demo_author(db), builtin=True
    )
    db.commit()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert "Formulaires intégrés mis à jour : 1" in first.output and "Formulaires intégrés : 3," in first.output
    again = runner.invoke(args=["init"])
    assert again.exit_code == 0 and "mis à jour" not in again.output
    consent = {
        d.consent_field for d in form_services.form_fields(form_services.get_form(db, "initiative")) if d.personal
    }
    db.rollback()
    assert consent == {"contact_consentement"}


def test_demo_home_page_renders_with_working_links(runner, client):
    runner.invoke(args=["init", "--demo"])
    home = client.get("/")
    assert home.status_code == 200 and "Pays de Redon" in home.text
    assert client.get("/pages/comment-contribuer").status_code == 200


def test_user_create_from_stdin(runner, db):
    result = runner.invoke(
        args=["user", "create", "Maire Adjointe", "--role", "admin", "--password-stdin"], input="un mot de passe sûr\n"
    )
    assert result.exit_code == 0, result.output
    user = db.scalar(select(User).where(User.name == "Maire Adjointe"))
    assert user.role == "admin"
    db.rollback()  # end the read transaction before the next writer
    duplicate = runner.invoke(
        args=["user", "create", "maire adjointe", "--password-stdin"], input="un mot de passe sûr\n"
    )
    assert duplicate.exit_code != 0 and "déjà pris" in duplicate.output


def test_console_script_on_a_fresh_instance(tmp_path):
    """The installed ``lieudit`` entry point creates, upgrades and backs up."""
    env = os.environ | {
        "LIEUDIT_INSTANCE_PATH": str(tmp_path / "inst"),
        "LIEUDIT_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    env.pop("LIEUDIT_DATABASE_URL", None)
    exe = Path(sys.executable).with_name("lieudit")
    first = subprocess.run([exe, "init", "--demo"], env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "inst" / "lieudit.db").exists()
    assert (tmp_path / "inst" / "secret_key").stat().st_mode & 0o077 == 0
    up = subprocess.run([exe, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60)
    assert up.returncode == 0 and "à jour" in up.stdout
    help_text = subprocess.run([exe, "--help"], env=env, capture_output=True, text=True, timeout=60).stdout
    for command in ("run", "init", "db", "user"):
        assert command in help_text


# --- the lieudit group: its commands, its language ----------------------------------------

FLASK_GROUP_OPTIONS = ("--app", "--env-file", "--debug", "--no-debug", "--version")
LIEUDIT_COMMANDS = {
    "agenda", "atelier", "backup", "db", "digests", "dump", "hibernate", "import", "init", "load", "mail",
    "moderation", "privacy", "restore", "run", "search", "snapshot", "stats", "token", "user", "zones",
}  # fmt: skip


@pytest.fixture
def cli_app(tmp_path, monkeypatch):
    """An app of its own on SQLite: help needs the application's commands, not a database.

    ``FlaskGroup`` sets ``FLASK_RUN_FROM_CLI``: monkeypatch restores the environment afterwards.
    """
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")
    app = create_app(base_config(tmp_path) | {"DATABASE_URL": f"sqlite:///{tmp_path / 'lieudit.db'}"})
    yield app
    app.extensions["lieudit.search"].close()
    Database.engine(app).dispose()


@pytest.fixture
def lieudit(cli_app):
    """Invoke the ``lieudit`` group as the console script does, in a chosen locale."""

    def invoke(*args: str, lang: str = "fr_FR.UTF-8", **env: str) -> Result:
        environ = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": lang} | env
        return CliRunner().invoke(main, list(args), env=environ, obj=ScriptInfo(create_app=lambda: cli_app))

    return invoke


def _commands(help_text: str) -> set[str]:
    section = help_text.split("Commandes :\n" if "Commandes :" in help_text else "Commands:\n")[1]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ")}


def test_lieudit_help_lists_lieudit_commands_in_french_without_flask_options(lieudit):
    result = lieudit("--help")
    assert result.exit_code == 0, result.output
    assert _commands(result.output) == LIEUDIT_COMMANDS  # no shell, no routes
    assert not [option for option in FLASK_GROUP_OPTIONS if option in result.output]
    assert result.output.startswith("Utilisation : lieudit [OPTIONS] COMMANDE [ARGUMENTS]...")
    for text in ("Lieudit, le wiki contributif du territoire.", "Options :", "--help  Afficher ce message et quitter."):
        assert text in result.output
    assert "  init        Créer ou mettre à jour la base de données.\n" in result.output
    assert lieudit("--app", "wiki", "--help").exit_code == 2  # the option is gone, not ignored


def test_lieudit_help_is_english_when_the_locale_is(lieudit):
    result = lieudit("--help", lang="en_US.UTF-8")
    assert result.exit_code == 0, result.output
    assert _commands(result.output) == LIEUDIT_COMMANDS
    assert result.output.startswith("Usage: lieudit [OPTIONS] COMMAND [ARGS]...")
    for text in (
        "Lieudit, the territory's collaborative wiki.",
        "Options:",
        "Commands:",
        "Show this message and exit.",
    ):
        assert text in result.output
    assert "  init        Create or upgrade the database.\n" in result.output
    assert not re.search(r"[éèàçêô«»]|Gérer|Utilisation", result.output), result.output


@pytest.mark.parametrize(
    ("env", "english"),
    [
        ({"lang": "en_GB.UTF-8"}, True),
        ({"lang": "C.UTF-8"}, False),
        ({"lang": "", "LC_MESSAGES": "en_US.UTF-8"}, True),
        ({"lang": "en_US.UTF-8", "LANGUAGE": "fr"}, False),  # LANGUAGE comes first, as for gettext
        ({"lang": "fr_FR.UTF-8", "LC_ALL": "en_CA.UTF-8"}, True),
    ],
)
def test_the_language_comes_from_the_environment(lieudit, env, english):
    output = lieudit("user", "create", "--help", **env).output
    expected = (
        ("Usage: lieudit user create [OPTIONS] NAME", "Create an account.", "--email TEXT", "[default: contributor]")
        if english
        else (
            "Utilisation : lieudit user create [OPTIONS] NAME",
            "Créer un compte.",
            "--email TEXTE",
            "[par défaut : contributor]",
        )
    )
    assert [text for text in expected if text not in output] == [], output


def test_help_of_nested_and_foreign_commands_is_translated(lieudit):
    """Groups of other packages (geodata, importers) are translated like the wiki's own, options included."""
    zones = " ".join(lieudit("zones", "import", "--help", lang="en_US.UTF-8").output.split())  # unwrapped
    assert "Load zones from a GeoJSON or GeoPackage file" in zones
    assert "Property holding the code (INSEE, SIREN…). [default: code]" in zones
    imports = lieudit("import", "--help", lang="en_US.UTF-8").output
    assert "Usage: lieudit import [OPTIONS] FORMAT SOURCE" in imports and "Check everything, save nothing." in imports
    token = lieudit("token", "--help", lang="en_US.UTF-8").output
    assert "Print a new API token for the account NAME." in token and "Commands:" in token
    french = lieudit("token", "create", "--help").output
    assert "--expires-days ENTIER  Durée de validité en jours (sans limite par défaut)." in french


def test_run_serves_with_gunicorn_and_dev_keeps_the_reloader(lieudit, monkeypatch):
    import werkzeug.serving

    served = []
    monkeypatch.setattr(werkzeug.serving, "run_simple", lambda host, port, app, **kw: served.append((host, port, kw)))
    result = lieudit("run", "--dev", "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert served == [("0.0.0.0", 8123, {"use_reloader": True, "use_debugger": True})]
    french = " ".join(lieudit("run", "--help").output.split())
    assert "Servir Lieudit avec gunicorn" in french and "--port ENTIER" in french and "--workers" in french
    english = " ".join(lieudit("run", "--help", lang="en_US.UTF-8").output.split())
    assert "Serve Lieudit with gunicorn" in english and "The port to bind to." in english
    assert 3 <= wiki_cli.default_workers() <= 9


def test_run_starts_gunicorn_workers_that_answer(tmp_path):
    """The README's first command serves with the production server: a master and its workers."""
    import signal
    import subprocess
    import time
    import urllib.request

    port = free_port()
    env = {**os.environ, "LIEUDIT_INSTANCE_PATH": str(tmp_path / "instance"), "LANG": "C.UTF-8"}
    binary = Path(sys.executable).with_name("lieudit")
    subprocess.run([binary, "init"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([binary, "run", "--port", str(port), "--workers", "2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline:
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/-/health", timeout=5)
            except OSError:
                time.sleep(0.2)
        assert answer is not None and answer.status == 200
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) == 2  # the gunicorn arbiter and its two workers
    finally:
        server.send_signal(signal.SIGTERM)
        output = server.communicate(timeout=30)[0].decode()
    assert "Booting worker" in output and server.returncode == 0


def test_every_help_text_is_french_and_translated_in_the_catalog(cli_app):
    """Every command, group and option of ``lieudit`` has a French help that the English catalog translates.

    An English help (a forgotten docstring) fails here, as it is no message id.
    """
    with (ROOT / "wiki/translations/en/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    commands = dict(cli_app.cli.commands) | dict(main.commands)
    texts: dict[str, str] = {}
    while commands:
        name, command = commands.popitem()
        texts[name] = command.help or ""
        texts |= {f"{name} {p.name}": p.help or "" for p in command.params if isinstance(p, click.Option)}
        commands |= {f"{name} {sub}": c for sub, c in getattr(command, "commands", {}).items()}
    untranslated = {
        where: text for where, text in texts.items() if not (catalog.get(inspect.cleandoc(text)) or _EMPTY).string
    }
    assert untranslated == {}


def test_translating_leaves_the_commands_as_written(lieudit, cli_app):
    lieudit("user", "create", "--help", lang="en_US.UTF-8")
    create = cli_app.cli.commands["user"].commands["create"]
    assert create.help == "Créer un compte." and create.context_class is click.Context
    assert {p.help for p in create.params if p.name == "role"} == {"Rôle du compte."}
