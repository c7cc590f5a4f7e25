"""Which spatial path the database offers, and the PostGIS queries that use it.

Spatial queries take one of two paths, chosen by :func:`spatial_backend`:
``postgis`` (PostgreSQL with the PostGIS tables of migration 0009: bbox
overlap through GiST indexes, point-in-zone with ``ST_Intersects`` in the
database) or ``bbox`` (SQLite, PostgreSQL without PostGIS: the bounding box
columns of ``RecordGeometry`` and an in-memory STR-tree of the zones). Both
answer the same. No request globals (STYLE R6).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.models import Zone
from geodata.models import zone_shapes
from wiki import signals
from wiki.caching import AppCache

#: The spatial path of the app's database; an upgrade may add the PostGIS tables.
_backends: AppCache[str] = AppCache("geodata.spatial_backend", maxsize=1, stale_on=(signals.instance_upgraded,))


def spatial_backend(db: Session) -> str:
    """Return ``"postgis"`` when the database has the PostGIS tables, else ``"bbox"`` (cached per app)."""
    backend = _backends.get(db, "backend")
    if backend is None:
        backend = "bbox"
        if db.get_bind().dialect.name == "postgresql":
            found = db.execute(
                select(func.to_regclass("record_shapes").is_not(None) & func.to_regclass("zone_shapes").is_not(None))
            ).scalar()
            backend = "postgis" if found else "bbox"
        _backends.put(db, "backend", backend)
    return backend


def as_shape(geometry: Mapping[str, Any]) -> Any:
    """A GeoJSON geometry as a PostGIS value in WGS 84."""
    return func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(geometry)), 4326)


def zones_touching(db: Session, geometry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(level, code)`` of the zones a geometry lies in or crosses, found by PostGIS (as ``ZoneIndex.containing``)."""
    shape = as_shape(geometry)
    rows = db.execute(
        select(Zone.level, Zone.code)
        .join(zone_shapes, zone_shapes.c.zone_id == Zone.id)
        .where(zone_shapes.c.geom.intersects(shape), func.ST_Intersects(zone_shapes.c.geom, shape))
    )
    return sorted((level, code) for level, code in rows)
