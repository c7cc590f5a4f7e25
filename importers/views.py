"""The moderators' import screens: ``/carte/importer`` (map layers) and ``/agenda/importer`` (iCalendar).

Both show what an import would do before anything is saved: the layer screen
reads the file and proposes a field mapping and a preview, the calendar
screen runs the import as a dry run. The uploaded file waits in the hidden
folder ``.imports`` of the uploads folder (``UPLOADS_DIR``, shared by every app
node: the confirmation may reach another node than the preview) behind a random
token until the moderator confirms; dumps leave hidden folders out.
Views parse the request, call the registry's importers and render (STYLE R5).
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any
from typing import cast

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from importers import get_importer
from importers.features import FormatError
from importers.fetch import fetch
from importers.layers import EXTENSIONS
from importers.layers import FORMATS
from importers.layers import LayerImporter
from wiki.agenda import projection
from wiki.auth import permissions
from wiki.db import get_session
from wiki.errors import ValidationError
from wiki.records import form_services
from wiki.storage_faults import write_atomically
from wiki.uploads import uploads_root

bp = Blueprint("importers", __name__)

_TOKEN = re.compile(r"[0-9a-f]{32}")
#: Largest .ics file uploaded on the calendar screen (addresses are capped by the fetcher).
ICS_MAX_BYTES = 10_000_000


def _staging() -> Path:
    """Where uploaded files wait for confirmation, rid of those left unconfirmed for a day (every screen's)."""
    folder = uploads_root() / ".imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale = time.time() - 86_400
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < stale:
            path.unlink(missing_ok=True)
    return folder


def require_moderator() -> None:
    """Abort unless a moderator (or an administrator) is logged in: every import screen is theirs."""
    if not current_user.is_authenticated:
        abort(401)
    if not permissions.has_role(current_user, "moderator"):
        abort(403)


# --- map layers ------------------------------------------------------------------------------


def _stored(token: str) -> bytes:
    if not _TOKEN.fullmatch(token or ""):
        abort(400)
    path = _staging() / f"{token}.bin"
    if not path.is_file():
        raise ValidationError(_("Le fichier envoyé a expiré : envoyez-le de nouveau."))
    return path.read_bytes()


def _layer_forms() -> list[Any]:
    return [
        f
        for f in form_services.list_forms(get_session())
        if any(d.type == "geometry" for d in form_services.form_fields(f))
    ]


def _mapping(target: Any) -> dict[str, str] | None:
    """The field mapping the moderator chose on the preview (None before the first preview)."""
    if not request.form.get("mapped"):
        return None
    return {d.key: request.form[f"map-{d.key}"] for d in form_services.form_fields(target)
            if d.type != "geometry" and request.form.get(f"map-{d.key}")}  # fmt: skip


@bp.route("/carte/importer", methods=["GET", "POST"])
def layer() -> Any:
    """Moderators import a map layer into a form: upload, mapping and preview, then confirm."""
    require_moderator()
    db = get_session()
    forms = _layer_forms()
    if request.method == "GET":
        return render_template("importers/layer.html", forms=forms, step="upload", error=None)
    form_key = request.form.get("form", "lieu")
    target = next((f for f in forms if f.key == form_key), None)
    db.commit()  # end the read transaction: reading the layer comes next, outside any transaction
    fmt = request.form.get("format", "")
    token = request.form.get("token", "")
    upload = request.files.get("file")
    filename = request.form.get("filename", "")[:200]
    error = None
    try:
        if upload is not None and upload.filename:
            data, filename = upload.read(), upload.filename[:200]
            fmt = fmt if fmt in FORMATS else EXTENSIONS.get(Path(upload.filename).suffix.lower(), "")
            token = secrets.token_hex(16)
            write_atomically(_staging() / f"{token}.bin", data)  # whole or not at all (a full disk)
        else:
            data = _stored(token)
        if target is None:
            raise ValidationError(_("Choisissez le formulaire de destination."))
        if fmt not in FORMATS:
            raise ValidationError(_("Format inconnu : choisissez GeoJSON, uMap, KML, GPX, OSM ou GeoPackage."))
        layer_name = request.form.get("layer", "").strip()[:200] or None
        options = {"layer": layer_name} if fmt == "gpkg" else {}
        importer = cast(LayerImporter, get_importer(fmt, mapping=_mapping(target), **options))
        if request.form.get("action") == "confirm":
            done = importer.run(db, data, form=target.key, author=current_user, source=filename, log="web")
            if done.error:
                db.commit()  # the import was rolled back; its entry in the import log stays
                raise ValidationError(done.error)
            db.commit()
            (_staging() / f"{token}.bin").unlink(missing_ok=True)
            return render_template("importers/layer.html", forms=forms, step="done", result=done, target=target,
                                   error=None)  # fmt: skip
        shown = importer.preview(data, target)
        defs = [d for d in form_services.form_fields(target) if d.type != "geometry"]
    except FormatError as err:
        error = err.message
    except ValidationError as err:
        error = err.message
    if error:
        if _TOKEN.fullmatch(token):  # back to the upload step: the file is sent again, never kept
            (_staging() / f"{token}.bin").unlink(missing_ok=True)
        return render_template("importers/layer.html", forms=forms, step="upload", error=error), 400
    return render_template("importers/layer.html", forms=forms, step="preview", preview=shown, target=target, fmt=fmt,
                           token=token, defs=defs, layer_name=layer_name, filename=filename, error=None)  # fmt: skip


# --- iCalendar -------------------------------------------------------------------------------


def _read_upload() -> tuple[bytes | None, str, str]:
    """The .ics bytes from the uploaded file or the address; (None, "", error) when refused."""
    upload = request.files.get("fichier")
    address = request.form.get("adresse", "").strip()
    if upload and upload.filename:
        data = upload.stream.read(ICS_MAX_BYTES + 1)
        if len(data) > ICS_MAX_BYTES:
            return None, "", _("Fichier trop volumineux : 10 Mo au plus.")
        return data, upload.filename[:200], ""
    if address:
        try:
            return fetch(address), address[:300], ""
        except Exception as error:  # noqa: BLE001 - FetchError and friends: one clear message
            return None, "", str(error)
    return None, "", _("Choisissez un fichier .ics ou indiquez une adresse.")


@bp.route("/agenda/importer", methods=["GET", "POST"])
def calendar() -> Any:
    """Moderators import an .ics file or address: a preview first (nothing saved), then the real import."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    if not permissions.has_role(current_user, "moderator"):
        abort(403)
    db = get_session()
    forms = projection.event_forms(db)
    form_key = request.form.get("formulaire") or request.args.get("formulaire") or "evenement"
    if request.method == "GET":
        return render_template("importers/calendar.html", forms=forms, form_key=form_key, result=None)
    if form_key not in {f.key for f in forms}:
        flash(_("Choisissez un formulaire d'événements."), "error")
        return render_template("importers/calendar.html", forms=forms, form_key=form_key, result=None), 400
    token = request.form.get("jeton", "")
    source = request.form.get("source", "")[:300]
    # End the read transaction (it may hold SQLite's write lock): an address is fetched next, and the
    # import reads its file before it begins its own transaction.
    db.commit()
    data: bytes | None
    if token and token.isalnum() and len(token) == 32 and (_staging() / f"{token}.ics").is_file():
        data = (_staging() / f"{token}.ics").read_bytes()
    else:
        data, source, error = _read_upload()
        if data is None:
            flash(error, "error")
            return render_template("importers/calendar.html", forms=forms, form_key=form_key, result=None), 400
        token = secrets.token_hex(16)
        write_atomically(_staging() / f"{token}.ics", data)
    dry_run = request.form.get("action") != "importer"
    result = get_importer("ics").run(db, data, form=form_key, author=current_user, dry_run=dry_run, source=source,
                                     log=None if dry_run else "web")  # fmt: skip
    if dry_run:
        db.rollback()
    elif not result.ok:
        db.commit()  # the import was rolled back; its entry in the import log stays
        (_staging() / f"{token}.ics").unlink(missing_ok=True)  # refused: nothing left to confirm
    else:
        db.commit()
        (_staging() / f"{token}.ics").unlink(missing_ok=True)
        flash(result.summary(), "success")
    return render_template("importers/calendar.html", forms=forms, form_key=form_key, result=result, token=token,
                           source=source, dry_run=dry_run)  # fmt: skip
