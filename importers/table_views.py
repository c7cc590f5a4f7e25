"""The moderators' spreadsheet import screen: ``/tableur/importer`` (routes on :data:`importers.views.bp`).

Upload a CSV, XLSX or ODS file and choose the form; the file waits under
``<instance>/imports/`` behind a random token while the moderator chooses,
column by column, the field each one fills, looking at a preview of the
first rows exactly as they will be stored and at every refused row with its
reason (:mod:`importers.table_preview`: nothing is written). The mapping can
be downloaded as JSON for ``lieudit import table --mapping`` and uploaded
again with another file. Confirming runs the import (logged at
``/-/imports``) and shows its report, downloadable as CSV
(:func:`importers.table.report_csv`). Plain HTML forms: no script needed.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from flask import Response
from flask import abort
from flask import flash
from flask import render_template
from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from importers import get_importer
from importers.base import Refused
from importers.table import report_csv
from importers.table_mapping import MappingError
from importers.table_mapping import mapping_from_json
from importers.table_mapping import resolve_mapping
from importers.table_mapping import targets
from importers.table_preview import preview_table
from importers.table_read import table_from_bytes
from importers.table_rows import Table
from importers.table_rows import TableError
from importers.views import _TOKEN
from importers.views import _staging
from importers.views import bp
from importers.views import require_moderator
from wiki.db import get_session
from wiki.errors import NotFound
from wiki.records import form_services
from wiki.storage_faults import log_fault
from wiki.storage_faults import write_atomically

#: Largest spreadsheet, mapping or schema uploaded here.
TABLE_MAX_BYTES = 10_000_000
SIDE_MAX_BYTES = 1_000_000
TEMPLATE = "importers/table.html"


def _upload(name: str, limit: int) -> bytes | None:
    """The bytes of an uploaded file (None when none was sent).

    :raises TableError: larger than ``limit``.
    """
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise TableError(_("fichier trop volumineux : %(mb)d Mo au plus.", mb=limit // 1_000_000))
    return data


def _staged(token: str, suffix: str) -> Path:
    if not _TOKEN.fullmatch(token or ""):
        abort(400)
    return _staging() / f"{token}.table{suffix}"


def _mapping(table: Table) -> dict[str, str] | None:
    """The mapping chosen on the screen (``col-N`` selects), or uploaded as JSON, or None (proposed one).

    :raises MappingError: an unreadable mapping file.
    """
    if request.form.get("mapped"):
        return {column: request.form.get(f"col-{index}", "") for index, column in enumerate(table.header)}
    uploaded = _upload("correspondance", SIDE_MAX_BYTES)
    return mapping_from_json(uploaded) if uploaded else None


def _schema(token: str) -> Any:
    path = _staged(token, ".schema.json")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _samples(table: Table) -> list[list[str]]:
    """Up to three values of each column, from the first rows, to recognise it."""
    samples: list[list[str]] = [[] for _ in table.header]
    for number, row in enumerate(table.rows()):
        for index, cell in enumerate(row.cells[: len(samples)]):
            if cell.strip() and len(samples[index]) < 3:
                samples[index].append(cell.strip()[:60])
        if number > 50:
            break
    return samples


def _upload_step(error: str | None, status: int = 200) -> Any:
    forms = form_services.list_forms(get_session())
    return render_template(TEMPLATE, step="upload", forms=forms, error=error), status


def _receive() -> tuple[str, bytes, str]:
    """Stage a new upload (with its optional schema), or read the staged one: token, bytes, source name.

    :raises TableError: no file, or too large.
    """
    data = _upload("fichier", TABLE_MAX_BYTES)
    if data is None:
        token = request.form.get("jeton", "")
        if not token:
            raise TableError(_("choisissez un fichier CSV, XLSX ou ODS."))
        path = _staged(token, "")
        if not path.is_file():
            raise TableError(_("le fichier envoyé a expiré : envoyez-le de nouveau."))
        return token, path.read_bytes(), request.form.get("source", "")[:300]
    token = secrets.token_hex(16)
    write_atomically(_staged(token, ""), data)  # whole or not at all: a retry never reads half a file
    schema = _upload("schema", SIDE_MAX_BYTES)
    if schema is not None:
        try:
            json.loads(schema)
        except ValueError:
            raise TableError(_("schéma illisible : ce n'est pas du JSON.")) from None
        write_atomically(_staged(token, ".schema.json"), schema)
    return token, data, Path(request.files["fichier"].filename or "tableur").name[:300]


@bp.route("/tableur/importer", methods=["GET", "POST"])
def table() -> Any:
    """Moderators import a spreadsheet into a form: upload, mapping with a preview, then confirm."""
    require_moderator()
    if request.method == "GET":
        return _upload_step(None)
    db = get_session()
    db.commit()  # end the read transaction: reading the file comes next
    try:
        token, data, source = _receive()
        sheet = table_from_bytes(data)
        form = form_services.get_form(db, request.form.get("formulaire", ""))
        given = _mapping(sheet)
    except (TableError, MappingError) as problem:
        return _upload_step(problem.message, 400)
    except NotFound:
        return _upload_step(_("Choisissez le formulaire de destination."), 400)
    action = request.form.get("action", "apercu")
    if action == "importer":
        return _confirm(db, token, data, source, form, given)
    defs = list(form_services.form_fields(form))
    shown, error = None, None
    try:
        shown = preview_table(db, sheet, form.key, given, _schema(token))
    except Refused as refused:
        error = refused.message
    chosen = shown.target.mapping if shown else resolve_mapping(sheet.header, defs, form.title_field, given)[0]
    if action == "correspondance" and shown is not None:
        return Response(shown.mapping_json(), mimetype="application/json",
                        headers={"Content-Disposition": f'attachment; filename="correspondance-{form.key}.json"'})  # fmt: skip
    return render_template(TEMPLATE, step="mapping", form=form, table=sheet, preview=shown, error=error,
                           token=token, source=source, chosen=chosen, choices=targets(defs),
                           samples=_samples(sheet)), (200 if error is None else 400)  # fmt: skip


def _confirm(db: Any, token: str, data: bytes, source: str, form: Any, given: dict[str, str] | None) -> Any:
    importer = get_importer("table", mapping=given, schema=_schema(token))
    result = importer.run(db, data, form=form.key, author=current_user, source=source, log="web")
    db.commit()  # the records, or only the log entry of a refused import
    if result.ok:
        for suffix in ("", ".schema.json"):
            _staged(token, suffix).unlink(missing_ok=True)
    try:
        write_atomically(_staged(token, ".csv"), report_csv(result).encode("utf-8"))
    except OSError as err:
        # The import is committed: a full disk only costs its downloadable report, said so, never a lost import.
        if log_fault(err, "table import report") is None:
            raise
        flash(
            _("L’import est fait, mais son rapport n’a pas pu être écrit : le disque du wiki est plein ou en erreur."),
            "error",
        )
    return render_template(TEMPLATE, step="done", form=form, result=result, token=token, source=source), (
        200 if result.ok else 400
    )


@bp.route("/tableur/importer/rapport/<token>.csv")
def table_report(token: str) -> Any:
    """The per-row report of an import just made, as CSV (line, column, status, reason)."""
    require_moderator()
    path = _staged(token, ".csv")
    if not path.is_file():
        abort(404)
    return Response(path.read_text(encoding="utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="rapport-import.csv"'})  # fmt: skip
