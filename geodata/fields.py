"""Validate and describe the geometry of a record field (GeoJSON, RFC 7946).

Pure: the rules are those of :mod:`geodata.geometry` (shapely), whose errors
become the field errors of :mod:`wiki.records.values`; no flask, no sqlalchemy.
"""

from __future__ import annotations

import math
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


def outline_path(value: Mapping[str, Any], width: int = 200, height: int = 150) -> str:
    """An SVG path drawing a line or an area in a ``width`` × ``height`` box (north up), or ``""`` for points.

    For a static outline where no map is drawn (no JavaScript); longitudes are
    scaled by the cosine of the latitude so shapes keep their proportions.
    """
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind not in ("LineString", "Polygon", "MultiLineString", "MultiPolygon") or not coordinates:
        return ""
    depth = _DEPTHS[kind]
    parts = [coordinates] if depth == 2 else coordinates if depth == 3 else [r for p in coordinates for r in p]
    points = [pt for part in parts for pt in part]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    squeeze = math.cos(math.radians((south + north) / 2))
    span = max((east - west) * squeeze / width, (north - south) / height, 1e-9)
    closed = kind in ("Polygon", "MultiPolygon")

    def _xy(point: Any) -> str:
        return f"{(point[0] - west) * squeeze / span:.1f},{(north - point[1]) / span:.1f}"

    return " ".join("M" + " L".join(_xy(p) for p in part) + (" Z" if closed else "") for part in parts)
