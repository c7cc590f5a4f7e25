"""Importers: bring outside data (files, feeds, other wikis) into Lieudit, one module per source format.

This package owns every reader of an outside format and the import job
(:mod:`importers.base`): each format's module holds a pure ``*_from_*``
reader and an :class:`~importers.base.Importer` subclass, registered here by
name. The command line (``lieudit import``, ``lieudit zones import``) and the
moderators' screens (``/carte/importer``, ``/agenda/importer``) find
importers in this one registry.

Nothing outside this package imports it, except ``create_app``, which calls
:func:`init_app`. Importers reach the wiki only through its kernel, pure
modules and services (never a wiki ``models.py`` or ``views.py``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from flask import Flask

    from importers.base import Importer

#: Importer name -> ``"module:Class"``; a module is imported only when its importer is used.
REGISTRY: dict[str, str] = {
    "ics": "importers.ics:IcsImporter",
    "geojson": "importers.geojson:GeojsonImporter",
    "umap": "importers.umap:UmapImporter",
    "kml": "importers.kml:KmlImporter",
    "gpx": "importers.gpx:GpxImporter",
    "osm": "importers.osm:OsmImporter",
    "zones": "importers.zones:ZonesImporter",
    "yeswiki": "importers.yeswiki:YeswikiImporter",
    "mediawiki": "importers.mediawiki:MediawikiImporter",
    "table": "importers.table:TableImporter",
    "openagenda": "importers.openagenda:OpenagendaImporter",
    "gpkg": "importers.gpkg:GpkgImporter",
}


#: Other names people give a format on the command line (CONTRACT.md names ``csv``).
ALIASES: dict[str, str] = {"csv": "table", "tsv": "table", "xlsx": "table", "ods": "table", "geopackage": "gpkg"}


def resolve_name(name: str) -> str:
    """The registered name behind ``name`` (itself, or the importer an alias stands for)."""
    return ALIASES.get(name.lower(), name.lower())


def available() -> list[str]:
    """Return the names of the registered importers, sorted."""
    return sorted(REGISTRY)


def importer_class(name: str) -> type[Importer]:
    """Return the class registered as ``name``.

    :raises KeyError: no importer has that name.
    """
    module, _, attribute = REGISTRY[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


def get_importer(name: str, **options: Any) -> Importer:
    """Return a new importer ``name`` with its options (``mapping=`` for layers, ``level=`` for zones…).

    :raises KeyError: no importer has that name.
    """
    return importer_class(name)(**options)


def init_app(app: Flask) -> None:
    """Register ``lieudit import``, ``lieudit zones import`` and the moderators' import screens."""
    from importers import cli
    from importers import job_views
    from importers import table_views  # noqa: F401 - its routes join views.bp
    from importers import views
    from importers import zones

    app.cli.add_command(cli.import_command)
    app.cli.add_command(zones.zones_cli)
    app.register_blueprint(views.bp)
    app.register_blueprint(job_views.bp)
