"""``lieudit import geojson|umap|kml|gpx|osm FILE [--form F]``: map layers into a form.

The work is done by :mod:`importers.layers` (also behind the moderators'
upload page); this adapter gives it the importers' result type.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from importers.base import ImportResult
from importers.base import RowError
from importers.layers import import_layer


def _run(db: Session, data: bytes, fmt: str, form: str | None, author: Any, dry_run: bool) -> ImportResult:
    done = import_layer(db, data, fmt, form=form, author=author)
    return ImportResult(
        created=done.created,
        updated=done.updated,
        unchanged=done.unchanged,
        errors=[RowError(r, m) for r, m in done.errors],
        warnings=done.warnings,
        error=done.error,
        dry_run=dry_run,
    )


def run_geojson(db: Session, data: bytes, *, form: str | None, author: Any, dry_run: bool) -> ImportResult:
    """Import a GeoJSON FeatureCollection."""
    return _run(db, data, "geojson", form, author, dry_run)


def run_umap(db: Session, data: bytes, *, form: str | None, author: Any, dry_run: bool) -> ImportResult:
    """Import a uMap export (``.umap``)."""
    return _run(db, data, "umap", form, author, dry_run)


def run_kml(db: Session, data: bytes, *, form: str | None, author: Any, dry_run: bool) -> ImportResult:
    """Import the placemarks of a KML file."""
    return _run(db, data, "kml", form, author, dry_run)


def run_gpx(db: Session, data: bytes, *, form: str | None, author: Any, dry_run: bool) -> ImportResult:
    """Import the waypoints, routes and tracks of a GPX file."""
    return _run(db, data, "gpx", form, author, dry_run)


def run_osm(db: Session, data: bytes, *, form: str | None, author: Any, dry_run: bool) -> ImportResult:
    """Import OpenStreetMap data (Overpass JSON or ``.osm`` XML)."""
    return _run(db, data, "osm", form, author, dry_run)
