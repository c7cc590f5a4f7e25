"""``lieudit import FORMAT SOURCE [--form F] [--dry-run] [--champ a=b] [--mapping F] [--layer L] [--rapport F]``.

SOURCE is a local path or an http(s) address fetched with the SSRF guards of
:mod:`importers.fetch`. FORMAT is the name of a registered importer
(:func:`importers.available`, or an alias such as ``csv``). The import
commits every ``IMPORT_COMMIT_EVERY`` items (whole items only: an interrupted
run is completed by running it again); a dry run or a refused source writes
nothing; per-item errors are printed either way, and written as
CSV with ``--rapport``. A progress bar shows on a terminal when the writing
takes more than a second. Every run, dry and refused ones included, goes to
the import log that moderators read at ``/-/imports``. What is imported is
attributed to the wiki's system account (``wiki.auth.services.system_account``),
as the built-in content is.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from importers import available
from importers import get_importer
from importers import importer_class
from importers import resolve_name
from importers.jobs import report_csv
from importers.report import ImportResult


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


def read_mapping(path: str | None, pairs: tuple[str, ...]) -> dict[str, str] | None:
    """The mapping source name -> field key: a saved JSON file, then each ``--champ source=champ``.

    The file is a JSON object ``{"colonne ou propriété": "clé du champ"}``, or
    one with that object under ``"champs"`` (what the upload screens save).
    """
    mapping: dict[str, str] = {}
    if path:
        try:
            loaded = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise click.ClickException(f"Correspondance illisible ({path}) : {error}") from error
        loaded = loaded.get("champs", loaded) if isinstance(loaded, dict) else loaded
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            raise click.ClickException(f'{path} : attendu un objet JSON {{"colonne": "champ", …}}.')
        mapping.update({str(k): v for k, v in loaded.items()})
    for pair in pairs:
        source, sep, field = pair.partition("=")
        if not sep or not source.strip() or not field.strip():
            raise click.ClickException(f"--champ {pair} : écrivez propriété=champ (par exemple --champ nom=title).")
        mapping[source.strip()] = field.strip()
    return mapping or None


def importer_options(
    name: str, mapping: dict[str, str] | None, layer: str | None, schema: str | None
) -> dict[str, Any]:
    """The options given on the command line, checked against what importer ``name`` takes."""
    given = {"mapping": mapping, "layer": layer, "schema": schema}
    flags = {"mapping": "--champ/--mapping", "layer": "--layer", "schema": "--schema"}
    cls = importer_class(name)
    for option, value in given.items():
        if value is not None and option not in cls.options:
            raise click.ClickException(f"{flags[option]} ne s'applique pas au format {name}.")
    if mapping is not None and getattr(cls, "mapping_by_field", False):
        given["mapping"] = {field: source for source, field in mapping.items()}
    return {option: value for option, value in given.items() if value is not None}


class Progress:
    """A progress bar on stderr, shown once the writing has lasted a second (a quick import stays quiet)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        """Advance to ``done`` items of ``total``."""
        if self.bar is None:
            if time.monotonic() - self.started < 1.0:
                return
            self.bar = click.progressbar(length=total, label="Import", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.length = total
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        """Finish the bar's line, if it was shown."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def write_report(path: str, result: ImportResult) -> None:
    """Write the refused items and the warnings as CSV (``;``, UTF-8 with BOM)."""
    rows = [("", "import refusé", result.error)] if result.error else []
    rows += [(row.ref, "refusé", row.message) for row in result.errors]
    rows += [("", "attention", text) for text in result.warnings]
    Path(path).write_text(report_csv(rows, ("élément", "statut", "message")), encoding="utf-8")


@click.command("import", help="Importer SOURCE (fichier ou adresse http(s)) au format FORMAT.")
@click.argument("format_name", metavar="FORMAT")
@click.argument("source")
@click.option("--form", "form_key", default=None, help="Formulaire de destination (clé).")
@click.option("--dry-run", is_flag=True, help="Tout vérifier sans rien enregistrer.")
@click.option(
    "--champ", "pairs", multiple=True, metavar="SOURCE=CHAMP", help="Verser une colonne ou propriété dans un champ."
)
@click.option("--mapping", "mapping_file", default=None, metavar="FICHIER", help="Correspondance enregistrée (JSON).")
@click.option("--layer", default=None, metavar="NOM", help="Couche à lire (GeoPackage).")
@click.option("--schema", default=None, metavar="FICHIER", help="Table Schema à respecter (tableurs).")
@click.option("--rapport", default=None, metavar="FICHIER", help="Écrire le rapport ligne à ligne (CSV).")
@with_appcontext
def import_command(format_name: str, source: str, form_key: str | None, dry_run: bool, pairs: tuple[str, ...],
                   mapping_file: str | None, layer: str | None, schema: str | None, rapport: str | None) -> None:  # fmt: skip
    """Importer des données au format FORMAT depuis SOURCE (un fichier ou une adresse http(s))."""
    from flask import current_app

    from wiki import signals
    from wiki.auth.services import system_account
    from wiki.db import Database

    name = resolve_name(format_name)
    if name not in available():
        raise click.ClickException(f"Format inconnu : {format_name} (formats : {', '.join(available())}).")
    importer = get_importer(name, **importer_options(name, read_mapping(mapping_file, pairs), layer, schema))
    local = not source.startswith(("http://", "https://")) and Path(source).is_file()
    # An importer that streams its source (reads_path) gets the file's path: a big dump never sits in memory.
    data = Path(source) if local and importer.reads_path else read_source(source)
    session = Database.new_session()
    progress = Progress()
    # One bulk write: the search index takes what was committed at the end, before the command returns.
    with signals.bulk(current_app._get_current_object(), echo=lambda line: click.echo(line, err=True)):  # type: ignore[attr-defined]
        try:
            result = importer.run(session, data, form=form_key, author=system_account(session), dry_run=dry_run,
                                  source=source[:300], progress=progress, log="cli",
                                  commit_every=current_app.config["IMPORT_COMMIT_EVERY"])  # fmt: skip
            session.commit()  # what was imported, or only the log entry of a dry or refused run
        finally:
            progress.close()
            session.close()
    for error in result.errors:
        click.echo(f"  refusé — {error.ref} : {error.message}", err=True)
    for warning in result.warnings:
        click.echo(f"  attention — {warning}", err=True)
    if rapport:
        write_report(rapport, result)
    click.echo(result.summary())
    if not result.ok:
        raise SystemExit(1)
