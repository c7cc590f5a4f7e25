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
  each event's VEVENTs, cached per app) and ``vevents`` (the stored VEVENTs,
  written when events change);
- ``formats``: the registry of download formats;
- ``views``: ``/donnees`` and the iCalendar feeds, every download served by
  one function.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the form-key URL converter, the export slots, the views, and the VEVENT store's subscribers."""
    import threading

    from wiki import signals
    from wiki.exports import calendar
    from wiki.exports import vevents
    from wiki.exports import views

    app.extensions["lieudit.export_slots"] = threading.BoundedSemaphore(int(app.config["EXPORT_CONCURRENCY"]))
    app.url_map.converters["formkey"] = views.FormKeyConverter
    # Stored in the save's transaction, then forgotten from memory; written for every event after an upgrade.
    signals.agenda_event_synced.connect(vevents.on_event_synced)
    signals.agenda_event_synced.connect(calendar.forget_event)
    signals.instance_upgraded.connect(vevents.store_after_upgrade, sender=app)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.calendar_bp)
