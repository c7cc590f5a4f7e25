"""Validate and describe the geometry of a record field (GeoJSON, RFC 7946).

Pure: the rules are those of :mod:`geodata.geometry` (shapely), whose errors
become the field errors of :mod:`wiki.records.values`; no flask, no sqlalchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geodata.geometry as geo
from wiki.records import values

GEOMETRY_KINDS = geo.KINDS
MAX_VERTICES = geo.MAX_VERTICES
MAX_GEOMETRY_BYTES = geo.MAX_GEOMETRY_BYTES
MAX_TEXT_BYTES = geo.MAX_TEXT_BYTES
_DEPTHS = geo.DEPTHS
_NAMES = {"Point": "Point", "LineString": "Ligne", "Polygon": "Polygone",
          "MultiPoint": "Multipoint", "MultiLineString": "Multiligne", "MultiPolygon": "Multipolygone"}  # fmt: skip


def clean_geometry(raw: Any, kinds: tuple[str, ...] | list[str] = GEOMETRY_KINDS) -> dict[str, Any] | None:
    """Validate a GeoJSON geometry (dict or JSON text) and return it normalised.

    The rules live in :func:`geodata.geometry.clean` (RFC 7946, caps, WGS 84
    bounds, ring closure and winding); a record form refuses invalid polygons
    rather than repairing them behind the contributor's back.
    """
    try:
        cleaned = geo.clean(raw, kinds)
    except geo.GeometryError as error:
        raise values.FieldError(error.message) from None
    return cleaned.geometry if cleaned else None


def format_geometry(value: Mapping[str, Any]) -> str:
    """Describe a geometry: ``Point (47.65, -2.08)`` (latitude first) or ``Polygone (12 sommets)``."""
    kind, coordinates = value["type"], value["coordinates"]
    if kind == "Point":
        lon, lat = (f"{c:.6f}".rstrip("0").rstrip(".") for c in coordinates[:2])
        return f"Point ({lat}, {lon})"
    depth = _DEPTHS[kind]
    parts = [coordinates] if depth == 2 else coordinates if depth == 3 else [r for p in coordinates for r in p]
    closed = kind in ("Polygon", "MultiPolygon")
    count = sum(len(part) - (1 if closed else 0) for part in parts)
    return f"{_NAMES[kind]} ({count} {'point' if kind == 'MultiPoint' else 'sommet'}{'s' if count > 1 else ''})"
