"""Open-data routes under ``/donnees``: the catalog, dataset pages, downloads, DCAT and feeds.

Addresses are stable (they are a public contract): ``/donnees/<form>.csv``,
``.tableur.csv``, ``.json``, ``.xlsx``, ``.ods``, ``/donnees/<form>/datapackage.json``,
``/donnees/<form>.atom``, ``/donnees/pages.zip``, ``/donnees/catalog.jsonld`` and
``.ttl``. Every download is the same for everyone (the anonymous public
projection, whoever asks), carries ``ETag`` and ``Last-Modified``, answers
``304`` to a matching conditional request and streams its body.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from flask import Blueprint
from flask import Response
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

from wiki.activity.views import change_url
from wiki.auth import permissions
from wiki.db import Database
from wiki.db import get_session
from wiki.errors import Forbidden
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.exports import columns as cols
from wiki.exports import dcat
from wiki.exports import services
from wiki.exports import spreadsheets
from wiki.exports import tableschema
from wiki.exports import tabular
from wiki.exports.constants import FREQUENCIES
from wiki.exports.constants import LICENSES
from wiki.exports.constants import PAGES_KEY
from wiki.exports.datasets import PAGES_ARCHIVE
from wiki.exports.datasets import Dataset
from wiki.exports.datasets import find_distribution
from wiki.exports.pages_archive import pages_to_zip

bp = Blueprint("exports", __name__)
logger = logging.getLogger(__name__)
#: Downloads cached by clients and proxies for a minute, then revalidated with the ETag.
CACHE_CONTROL = "public, max-age=60"


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
    )


def _urls() -> dict[str, str]:
    return {
        "base_url": url_for("exports.index", _external=True).rstrip("/"),
        "site_url": url_for("pages.home", _external=True).rstrip("/"),
    }


def _dataset(key: str) -> Dataset:
    return services.get_dataset(get_session(), key, _settings(), **_urls())


def _since() -> Any:
    return services.parse_since(request.args.get("since"))


def _not_modified(state: services.ExportState) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(state.etag)
    since = request.if_modified_since
    return bool(since and state.last_modified and state.last_modified.replace(microsecond=0) <= since)


def export_slots(app: Any) -> threading.BoundedSemaphore:
    """The slots of this worker process for downloads being streamed (``EXPORT_CONCURRENCY``)."""
    return app.extensions["lieudit.export_slots"]


class _Stream:
    """A download's body: it reads through a read-only session of its own and
    frees its export slot exactly once, when the body ends or is closed.

    The request's session is closed when the view returns, before the body is
    sent, so the body opens (lazily, on the first chunk) and closes its own.
    WSGI servers always call ``close()``, also when the client goes away; a
    body never started opens no session and only gives its slot back.
    """

    def __init__(self, body: Callable[[Any], Iterator[bytes]], slots: threading.BoundedSemaphore, app: Any) -> None:
        self._slots = slots
        self._chunks = self._run(body, app)
        self._released = False

    @staticmethod
    def _run(body: Callable[[Any], Iterator[bytes]], app: Any) -> Iterator[bytes]:
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
                self._slots.release()

    def __del__(self) -> None:
        if not self._released:
            self._released = True
            self._slots.release()


def _busy() -> Response:
    """Answer 503 with Retry-After when every export slot is taken (HOSTILE_INPUTS B8-76)."""
    message = _("Trop de téléchargements sont en cours : réessayez dans un instant.")
    response = make_response(render_template("errors/error.html", status=503, message=message), 503)
    response.headers["Retry-After"] = "30"
    return response


def _download(
    state: services.ExportState, body: Callable[[Any], Iterator[bytes]], mimetype: str, filename: str | None = None
) -> Response:
    """Answer 304 when the client has this version, else stream ``body(session)`` with validators."""
    if _not_modified(state):
        response = Response(status=304)
    else:
        # Big exports of many reusers at once must not starve the wiki: a
        # fixed number stream at a time per worker, the others retry later.
        slots = export_slots(current_app)
        if not slots.acquire(blocking=False):
            return _busy()
        response = Response(_Stream(body, slots, current_app._get_current_object()), mimetype=mimetype)  # type: ignore[attr-defined]
        if filename:
            # Keys are [a-z0-9_] only, so the name needs no RFC 6266 encoding (B8-77).
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.set_etag(state.etag, weak=True)
    if state.last_modified:
        response.last_modified = state.last_modified
    response.headers["Cache-Control"] = CACHE_CONTROL
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


@bp.route("/donnees/<formkey:key>.<any(csv, json, xlsx, ods):ext>")
@bp.route("/donnees/<formkey:key>.tableur.csv", defaults={"ext": "tableur.csv"})
def download(key: str, ext: str) -> Any:
    """One download of a form's dataset, in constant memory; ``?since=`` for incremental sync."""
    db = get_session()
    form = services.get_form(db, key)
    dist = find_distribution(ext)
    if dist is None:
        raise NotFound(_("Ce format n’existe pas."))
    since = _since()
    urls = _urls()
    state = services.export_state(db, form, variant=f"{ext}|{since}|{urls['base_url']}")
    columns = services.dataset_columns(db, form)
    header = [c.name for c in columns]

    def _text_rows(session: Any) -> Iterator[list[str]]:
        for row in services.iter_rows(session, form, since=since):
            yield [cols.cell_text(c, v) for c, v in zip(columns, cols.row_values(columns, row), strict=True)]

    def _typed_rows(session: Any) -> Iterator[list[Any]]:
        for row in services.iter_rows(session, form, since=since):
            values = cols.row_values(columns, row)
            yield [
                v if v is None or isinstance(v, (bool, int, float)) else cols.cell_text(c, v)
                for c, v in zip(columns, values, strict=True)
            ]

    if ext in ("csv", "tableur.csv"):
        spreadsheet = ext != "csv"
        filename = f"{key}-tableur.csv" if spreadsheet else f"{key}.csv"
        return _download(
            state,
            lambda session: tabular.rows_to_csv(header, _text_rows(session), spreadsheet=spreadsheet),
            "text/csv; charset=utf-8",
            filename,
        )
    if ext == "json":
        fields = services.public_fields(form)
        dataset = _dataset(key)
        # A personal field says which box publishes it: its value is null wherever that box is unticked.
        meta = {"key": form.key, "title": dataset.title, "url": dataset.landing_url, "license": dataset.license.url,
                "since": since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else None,
                "fields": [{"key": f.key, "type": f.type, "label": f.label} | ({"personal": True, "consent_field": f.consent_field} if f.personal else {})
                           for f in fields]}  # fmt: skip

        def _body(session: Any) -> Iterator[bytes]:
            objects = (
                cols.record_object(fields, row, f"{urls['site_url']}/fiches/{row['id']}")
                for row in services.iter_rows(session, form, since=since)
            )
            deleted = (lambda: services.removed_since(session, form, since)) if since else None
            yield from tabular.records_to_json(meta, objects, deleted)

        return _download(state, _body, "application/json")
    if ext == "ods":
        return _download(
            state,
            lambda session: spreadsheets.rows_to_ods(form.title, header, _typed_rows(session)),
            dist.media_type,
            f"{key}.ods",
        )

    return _download(
        state,
        lambda session: spreadsheets.rows_to_xlsx(form.title, header, _typed_rows(session)),
        dist.media_type,
        f"{key}.xlsx",
    )


@bp.route("/donnees/<formkey:key>/datapackage.json")
def datapackage(key: str) -> Any:
    """The Data Package of a form's dataset, with the Table Schema of its CSV."""
    db = get_session()
    form = services.get_form(db, key)
    state = services.export_state(db, form, variant=f"datapackage|{_urls()['base_url']}")
    body = jsonify(tableschema.dataset_to_datapackage(_dataset(key))).get_data()
    return _download(state, lambda session: iter([body]), "application/json")


@bp.route("/donnees/pages.zip")
def pages_archive() -> Any:
    """Every page as Markdown with front matter, in a streamed ZIP archive."""
    db = get_session()
    since = _since()
    state = services.export_state(db, None, variant=f"zip|{since}")
    license_url = _dataset(PAGES_KEY).license.url
    site = _urls()["site_url"]

    def _body(session: Any) -> Iterator[bytes]:
        yield from pages_to_zip(
            services.iter_pages(session, since=since), page_url=lambda slug: f"{site}/pages/{slug}", license=license_url
        )

    return _download(state, _body, PAGES_ARCHIVE.media_type, "pages.zip")


@bp.route("/donnees/catalog.<any(jsonld, ttl):ext>")
def catalog(ext: str) -> Any:
    """The DCAT-AP catalog of every dataset, as JSON-LD or Turtle."""
    datasets = services.list_datasets(get_session(), _settings(), **_urls())
    settings = _settings()
    info = {
        "url": url_for("exports.catalog", ext=ext, _external=True), "title": _("%(site)s — données ouvertes", site=current_app.config["SITE_NAME"]),
        "description": _("Les jeux de données publiés par %(site)s, sous licence ouverte.", site=current_app.config["SITE_NAME"]),
        "homepage": url_for("exports.index", _external=True), "publisher_name": settings.publisher_name, "publisher_url": settings.publisher_url,
        "license_url": LICENSES[settings.license].url if settings.license in LICENSES else "",
    }  # fmt: skip
    body = dcat.serialize(dcat.catalog_to_graph(info, datasets), ext)
    response = make_response(body)
    response.mimetype = dcat.SERIALIZATIONS[ext][1]
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/donnees/<formkey:key>.atom")
def feed(key: str) -> Any:
    """Atom feed of the latest public changes of one dataset."""
    dataset = _dataset(key)
    items = services.dataset_changes(get_session(), key)
    body = render_template("exports/feed.atom.xml", dataset=dataset, items=items, change_url=change_url)
    response = make_response(body)
    response.mimetype = "application/atom+xml"
    response.charset = "utf-8"
    return response
