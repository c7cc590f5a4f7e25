"""Open data: every public form is a dataset, with its downloads, catalog and feeds.

A projection (like ``wiki.activity`` and ``wiki.search``): it reads the
domains through their services and models and writes only its own tables
(``models``: catalog metadata, stored VEVENTs); domains never import it, they
send signals. The modules, by layer:

- pure converters, no flask and no database (STYLE R16, R18): ``tabular``
  (CSV, JSON), ``spreadsheets`` (XLSX, ODS), ``zipstream`` and
  ``pages_archive`` (Markdown ZIP), ``geojson``, ``ical`` and ``vtimezone``
  (iCalendar), ``tableschema`` (Data Package), ``dcat`` (DCAT-AP); ``columns``
  (a form's fields as typed columns), ``datasets`` (what the catalog says of a
  dataset) and ``constants`` (licences, frequencies);
- services, no request globals: ``services`` (the catalog and its metadata),
  ``rows`` (the public rows downloads read, and their validators),
  ``downloads`` (one builder per format), ``calendar`` (feeds assembled from
  each event's VEVENTs, cached per app), ``vevents`` (the stored VEVENTs,
  written when events change), ``filecache`` (full datasets generated once per
  version into files) and ``slots`` (the export cap, across processes);
- ``formats``: the registry of download formats;
- ``views``: ``/donnees`` and the iCalendar feeds, every download served by
  one function.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from wiki.caching import AppCache

#: The app's :class:`wiki.exports.filecache.FileCache`, reachable from any session of the app (a command's too).
_files: AppCache[Any] = AppCache("wiki.exports.files", maxsize=1)


def init_app(app: Flask) -> None:
    """Register the form-key URL converter, the export files, the views, and the VEVENT store's subscribers."""
    from pathlib import Path

    from wiki import signals
    from wiki.db import Database
    from wiki.exports import calendar
    from wiki.exports import filecache
    from wiki.exports import vevents
    from wiki.exports import views

    instance = Path(app.instance_path)
    files = filecache.FileCache(
        instance / "exports",
        instance / "run" / "exports",
        int(app.config["EXPORT_CONCURRENCY"]),
        float(app.config["EXPORT_WAIT_SECONDS"]),
        lambda: Database.new_read_session(app),
        app.app_context,
    )
    app.extensions["lieudit.export_files"] = files
    _files.put(app, "files", files)
    # An erasure takes personal values out of the records: no file generated before it may be served again.
    signals.account_erased.connect(_purge_after_commit)
    # A dataset changed: its kept downloads are generated again after the commit, off the request.
    for signal in (signals.record_saved, signals.record_deleted, signals.record_redacted, signals.form_saved):
        signal.connect(_refresh_after_commit)
    app.url_map.converters["formkey"] = views.FormKeyConverter
    # Stored in the save's transaction, then forgotten from memory; written for every event after an upgrade.
    signals.agenda_event_synced.connect(vevents.on_event_synced)
    signals.agenda_event_synced.connect(calendar.forget_event)
    signals.instance_upgraded.connect(vevents.store_after_upgrade, sender=app)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.calendar_bp)


def _refresh_after_commit(sender: object, *, session: Any, **_: object) -> None:
    """Once the session's transaction commits, refresh the export files of its app (once per transaction)."""
    from sqlalchemy import event

    files = _files.get(session, "files")
    if files is not None and not session.info.get("lieudit.exports_refresh"):
        session.info["lieudit.exports_refresh"] = True

        def _refresh(done: Any) -> None:
            done.info.pop("lieudit.exports_refresh", None)
            files.refresh()

        event.listen(session, "after_commit", _refresh, once=True)


def _purge_after_commit(sender: object, *, session: Any, **_: object) -> None:
    """Purge the export files of the session's app once the erasure's transaction commits."""
    from sqlalchemy import event

    files = _files.get(session, "files")
    if files is not None:
        event.listen(session, "after_commit", lambda _session: files.purge(), once=True)
