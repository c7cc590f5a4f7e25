"""Open data: every public form is a dataset, with its downloads, catalog and feeds.

Pure converters (one module per format: ``csv_format``, ``json_format``,
``spreadsheet``, ``ods``, ``tableschema``, ``dcat``, ``pages_archive``,
``ical``) turn public values into bytes; ``formats`` is the registry of
distributions; ``services`` reads the database (public projection only) and
``views`` serves ``/donnees``. Domains never import this package: it reads
them, like ``wiki.activity`` and ``wiki.search`` do.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the form-key URL converter, the export slots and the ``/donnees`` views."""
    import threading

    from wiki.exports import views

    app.extensions["lieudit.export_slots"] = threading.BoundedSemaphore(int(app.config["EXPORT_CONCURRENCY"]))
    app.url_map.converters["formkey"] = views.FormKeyConverter
    app.register_blueprint(views.bp)
