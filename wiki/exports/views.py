"""Open-data routes: the catalog, dataset pages, and every download through one function.

Addresses are stable (they are a public contract): ``/donnees/<form>.csv``,
``.tableur.csv``, ``.json``, ``.geojson``, ``.ics``, ``.xlsx``, ``.ods``,
``/donnees/<form>/datapackage.json``, ``/donnees/<form>/schema.json``, ``/donnees/<form>.atom``,
``/donnees/pages.zip``, ``/donnees/catalog.jsonld`` and ``.ttl``; the
iCalendar feeds ``/agenda.ics`` (the subscription feed: one-off events over
for more than a year are left out, while ``/donnees/<form>.ics`` has them all)
and ``/agenda/evenements/<id>.ics`` keep the ``calendar_feeds`` endpoints the
agenda links to. Every download goes
through :func:`serve`: it is the same for everyone (the anonymous public
projection, whoever asks), carries ``ETag`` and ``Last-Modified``, answers
``304`` to a matching conditional request, takes ``?since=`` where its format
does, allows any origin (CORS), and either sends the file generated once for
the dataset's version (a full dataset: :mod:`wiki.exports.filecache`, with
``Range``) or streams its body in a free export slot (:mod:`wiki.hostslots`,
shared by every process of the host). What each format serves is in
:mod:`wiki.exports.formats`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterator
from typing import Any

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import jsonify
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BaseConverter
from werkzeug.wsgi import FileWrapper

from wiki import hostslots as slots
from wiki.activity.views import change_url
from wiki.agenda import occurrences
from wiki.agenda import projection
from wiki.auth import permissions
from wiki.db import Database
from wiki.db import get_session
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.exports import calendar
from wiki.exports import filecache
from wiki.exports import formats
from wiki.exports import rows
from wiki.exports import services
from wiki.exports.constants import FREQUENCIES
from wiki.exports.constants import LICENSES
from wiki.exports.datasets import Dataset
from wiki.exports.downloads import Ask
from wiki.exports.formats import Format
from wiki.exports.rows import ExportState
from wiki.exports.rows import Prepared

bp = Blueprint("exports", __name__)
#: The iCalendar feeds outside ``/donnees`` (endpoint names the agenda's pages use).
calendar_bp = Blueprint("calendar_feeds", __name__)
logger = logging.getLogger(__name__)


class FormKeyConverter(BaseConverter):
    """A form key in an address: no dot, so ``<key>.csv`` and ``<key>.tableur.csv`` never clash."""

    regex = r"[a-z][a-z0-9_]{0,63}"


def _settings() -> services.Settings:
    config = current_app.config
    return services.Settings(
        publisher_name=config["DATA_PUBLISHER"] or config["SITE_NAME"],
        publisher_url=config["DATA_PUBLISHER_URL"],
        contact_email=config["DATA_CONTACT_EMAIL"],
        license=config["DATA_LICENSE"],
        site_name=config["SITE_NAME"],
        timezone=config["DEFAULT_TIMEZONE"],
    )


def _urls() -> dict[str, str]:
    return {
        "base_url": url_for("exports.index", _external=True).rstrip("/"),
        "site_url": url_for("pages.home", _external=True).rstrip("/"),
    }


def _dataset(key: str) -> Dataset:
    return services.get_dataset(get_session(), key, _settings(), **_urls())


def export_files(app: Any) -> filecache.FileCache:
    """The generated export files of ``app``'s instance (and the export cap they share with live downloads)."""
    return app.extensions["lieudit.export_files"]


class _Stream:
    """A download's body: it reads through a read-only session of its own and
    frees its export slot exactly once, when the body ends or is closed.

    The request's session is closed when the view returns, before the body is
    sent, so the body opens (lazily, on the first chunk) and closes its own.
    WSGI servers always call ``close()``, also when the client goes away; a
    body never started opens no session and only gives its slot back.
    """

    def __init__(self, body: Callable[[Any], Iterator[bytes]], slot: slots.Slot, app: Any) -> None:
        self._slot = slot
        self._chunks = self._run(body, app)
        self._released = False

    @staticmethod
    def _run(body: Callable[[Any], Iterator[bytes]], app: Any) -> Generator[bytes, None, None]:
        session = Database.new_read_session(app)
        try:
            yield from body(session)
        finally:
            try:
                session.close()
            except Exception:  # a body dropped late (garbage collected) may find its connection gone
                logger.warning("could not close the session of an export", exc_info=True)

    def __iter__(self) -> _Stream:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop reading and give the slot back (idempotent)."""
        try:
            self._chunks.close()
        finally:
            if not self._released:
                self._released = True
                self._slot.release()

    def __del__(self) -> None:
        if not self._released:
            self._released = True
            self._slot.release()


# --- the one download function ----------------------------------------------------


def _not_modified(state: ExportState) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(state.etag)
    since = request.if_modified_since
    return bool(since and state.last_modified and state.last_modified.replace(microsecond=0) <= since)


def _busy(message: str | None = None) -> Response:
    """Answer 503 with Retry-After when every export slot is taken (HOSTILE_INPUTS B8-76)."""
    message = message or _("Trop de téléchargements sont en cours : réessayez dans un instant.")
    response = make_response(render_template("errors/error.html", status=503, message=message), 503)
    response.headers["Retry-After"] = "30"
    return response


def _ask(key: str, fmt: Format) -> Ask:
    """Read what a download is asked for from the request (``?since=`` only where the format takes it)."""
    urls = _urls()
    prefix = url_for("records.show", record_id=1, _external=True)[:-1]
    return Ask(
        key=key,
        since_arg=request.args.get("since") if fmt.incremental else None,
        args=request.args,
        base_url=urls["base_url"],
        site_url=urls["site_url"],
        site_name=current_app.config["SITE_NAME"],
        record_url=lambda record_id: f"{prefix}{record_id}",
        dataset=lambda: _dataset(key),
        render=lambda template, **context: render_template(template, change_url=change_url, **context),
        to_json=lambda document: jsonify(document).get_data(),
    )


class _ClosingFileWrapper(FileWrapper):
    """Werkzeug's file wrapper, which also closes its file once read to the end or dropped (a server without
    ``wsgi.file_wrapper``, such as the test client, may never call ``close()``)."""

    def __next__(self) -> bytes:
        try:
            return super().__next__()
        except StopIteration:
            self.close()
            raise

    def __del__(self) -> None:
        self.close()


def _send_file(fmt: Format, found: filecache.ExportFile) -> Response:
    """Send a generated file (``sendfile`` under gunicorn) with its own validator; ``Range`` and 304 apply."""
    wrapper = request.environ.get("wsgi.file_wrapper", _ClosingFileWrapper)
    response = Response(wrapper(found.file, 64 * 1024), mimetype=fmt.media_type, direct_passthrough=True)
    response.content_length = found.size
    response.set_etag(found.etag, weak=True)  # the validator of the live download, unchanged for clients
    if found.last_modified:
        response.last_modified = found.last_modified
    try:
        response.make_conditional(request.environ, accept_ranges=True, complete_length=found.size)
    except Exception:
        found.file.close()
        raise
    return response


def serve(
    fmt: Format, download: Prepared, filename: str | None, *, cached_as: str | None = None, ask: Ask | None = None
) -> Response:
    """Answer 304 when the client has this version, else send its file or stream its body; the same headers.

    ``cached_as``: the dataset whose generated file serves this download (:mod:`wiki.exports.filecache`);
    ``ask``: what it was asked, to build it again after a change.
    """
    state = download.state
    files = export_files(current_app)
    if _not_modified(state):
        response = Response(status=304)
        response.set_etag(state.etag, weak=True)
        if state.last_modified:
            response.last_modified = state.last_modified
    elif cached_as is not None:
        if ask is not None and fmt.extension in filecache.REFRESHED_EXTENSIONS:
            files.remember(cached_as, fmt.extension, lambda db: fmt.build(db, ask))
        found = files.obtain(cached_as, fmt.extension, download)
        if found is None:
            return _busy(_("Ce fichier est en cours de préparation : réessayez dans un instant."))
        response = _send_file(fmt, found)
    else:
        # Big exports of many reusers at once must not starve the wiki: a fixed
        # number stream at a time on the host, the others retry later.
        slot = slots.take(files.slot_folder, files.limit)
        if slot is None:
            return _busy()
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        response = Response(_Stream(download.body, slot, app), mimetype=fmt.media_type)
        response.set_etag(state.etag, weak=True)
        if state.last_modified:
            response.last_modified = state.last_modified
    if filename and response.status_code != 304:
        # Keys are [a-z0-9_] only, so the name needs no RFC 6266 encoding (B8-77).
        response.headers["Content-Disposition"] = f'{fmt.disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = fmt.cache_control
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- HTML ------------------------------------------------------------------------


@bp.route("/donnees")
def index() -> Any:
    """List every dataset with its downloads, licence, size and freshness."""
    datasets = services.list_datasets(get_session(), _settings(), **_urls())
    return render_template("exports/index.html", datasets=datasets, frequencies=FREQUENCIES)


@bp.route("/donnees/<formkey:key>")
def show(key: str) -> Any:
    """A dataset's page: description, metadata, downloads and data dictionary."""
    dataset = _dataset(key)
    labels = {} if dataset.is_pages else services.choice_labels(get_session(), services.get_form(get_session(), key))
    return render_template("exports/show.html", dataset=dataset, labels=labels, frequencies=FREQUENCIES)


@bp.route("/donnees/<formkey:key>/modifier", methods=["GET", "POST"])
def edit(key: str) -> Any:
    """Moderators edit a dataset's catalog metadata; a refused save gives the input back."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    dataset = _dataset(key)
    if request.method == "POST":
        try:
            services.save_dataset_meta(get_session(), key, request.form.to_dict(), actor=current_user)
        except ValidationError as err:
            get_session().rollback()
            return render_template("exports/edit.html", dataset=dataset, values=request.form, errors=err.errors, message=err.message,
                                   licenses=LICENSES, frequencies=FREQUENCIES), 400  # fmt: skip
        get_session().commit()
        flash(_("Les métadonnées du jeu de données sont enregistrées."), "success")
        return redirect(url_for("exports.show", key=key))
    if not permissions.has_role(current_user, "moderator"):
        raise Forbidden(_("Seuls les modérateurs peuvent modifier la fiche d’un jeu de données."))
    values = {
        "title": dataset.custom_title, "description": dataset.custom_description, "license": dataset.license.key,
        "frequency": dataset.frequency, "contact_name": dataset.contact_name if dataset.meta_revision else "",
        "contact_email": dataset.contact_email if dataset.meta_revision else "", "contact_url": dataset.contact_url if dataset.meta_revision else "",
        "keywords": ", ".join(dataset.keywords),
    }  # fmt: skip
    return render_template(
        "exports/edit.html",
        dataset=dataset,
        values=values,
        errors={},
        message="",
        licenses=LICENSES,
        frequencies=FREQUENCIES,
    )


# --- downloads -------------------------------------------------------------------


@bp.route("/donnees/<formkey:key>.<any(csv, json, geojson, ics, xlsx, ods, atom):ext>")
@bp.route("/donnees/<formkey:key>.tableur.csv", defaults={"ext": "tableur.csv"})
@bp.route("/donnees/<formkey:key>/datapackage.json", defaults={"ext": "datapackage.json"})
@bp.route("/donnees/<formkey:key>/schema.json", defaults={"ext": "schema.json"})
@bp.route("/donnees/pages.zip", defaults={"key": "pages", "ext": "zip"})
def download(key: str, ext: str) -> Any:
    """One download of a dataset, in constant memory; ``?since=`` for incremental sync."""
    fmt = formats.find_format(ext)
    if fmt is None:
        raise NotFound(_("Ce format n’existe pas."))
    ask = _ask(key, fmt)
    download = fmt.build(get_session(), ask)
    cached = key if filecache.cacheable(ext, request.query_string) else None
    return serve(fmt, download, fmt.filename.format(key=key) if fmt.filename else None, cached_as=cached, ask=ask)


@calendar_bp.route("/agenda.ics")
def feed() -> Response:
    """The agenda's subscription feed with the URL's filters: what ended less than a year ago and what is to come.

    Its description says so and gives the complete datasets (``/donnees/<form>.ics``, past events included).
    """
    fmt = formats.FORMATS["ics"]
    name = f"{current_app.config['SITE_NAME']} — {_('Agenda')}"
    since = rows.parse_since(request.args.get("since"))
    wanted = occurrences.parse_filters(request.args).form
    keys = [form.key for form in projection.event_forms(get_session()) if not wanted or form.key == wanted]
    datasets = [url_for("exports.download", key=key, ext="ics", _external=True) for key in keys]
    description = _(
        "Les événements terminés depuis moins d’un an et ceux à venir. Tous les événements, passés compris : %(urls)s",
        urls=", ".join(datasets) or url_for("exports.index", _external=True),
    )
    download = calendar.prepare_agenda_feed(
        get_session(), request.args, name=name, since=since, description=description
    )
    return serve(fmt, download, "agenda.ics")


@calendar_bp.route("/agenda/evenements/<int:record_id>.ics")
def event_feed(record_id: int) -> Response:
    """One event as a calendar file."""
    download = calendar.prepare_event(get_session(), record_id)
    if download is None:
        abort(404)
    return serve(formats.FORMATS["ics"], download, f"evenement-{record_id}.ics")


@bp.route("/donnees/catalog.<any(jsonld, ttl):ext>")
def catalog(ext: str) -> Any:
    """The DCAT-AP catalog of every dataset, as JSON-LD or Turtle."""
    from wiki.exports import dcat  # rdflib, loaded by the first catalog request rather than by every worker

    datasets = services.list_datasets(get_session(), _settings(), **_urls())
    settings = _settings()
    info = {
        "iri": url_for("exports.index", _external=True) + "#catalog", "title": _("%(site)s — données ouvertes", site=current_app.config["SITE_NAME"]),
        "description": _("Les jeux de données publiés par %(site)s, sous licence ouverte.", site=current_app.config["SITE_NAME"]),
        "homepage": url_for("exports.index", _external=True), "publisher_name": settings.publisher_name, "publisher_url": settings.publisher_url,
        "license_url": LICENSES[settings.license].url if settings.license in LICENSES else "",
    }  # fmt: skip
    body = dcat.serialize(dcat.catalog_to_graph(info, datasets), ext)
    response = make_response(body)
    response.mimetype = dcat.SERIALIZATIONS[ext][1]
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = formats.CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(request)
