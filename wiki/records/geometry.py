"""Validate and describe the geometry of a record field (GeoJSON, RFC 7946).

Pure and self-contained (shapely plus :mod:`wiki.records.values` for the error
type): no flask, no sqlalchemy. Hostile input is bounded before any real work
(HOSTILE_INPUTS B6): the nesting depth is fixed by the geometry type, vertices
and serialized size are capped, numbers must be finite and within WGS 84
bounds. The map issue may move these helpers to ``geodata/geometry.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

import shapely.errors
import shapely.geometry

from wiki.records import values

GEOMETRY_KINDS = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
MAX_VERTICES = 10_000
MAX_GEOMETRY_BYTES = 200_000  # the stored GeoJSON; at 7 decimals this binds from about 8,000 vertices
MAX_TEXT_BYTES = 1_000_000  # GeoJSON text as submitted, before rounding
_DEPTHS = {"Point": 1, "LineString": 2, "MultiPoint": 2, "Polygon": 3, "MultiLineString": 3, "MultiPolygon": 4}
_NAMES = {"Point": "Point", "LineString": "Ligne", "Polygon": "Polygone",
          "MultiPoint": "Multipoint", "MultiLineString": "Multiligne", "MultiPolygon": "Multipolygone"}  # fmt: skip
_LATLON_RES = (  # "47.65, -2.08" / "47.65 -2.08", or decimal commas: "47,65 ; -2,08"
    re.compile(r"(-?[0-9]{1,3}\.[0-9]+) *(?:[,;] *| +)(-?[0-9]{1,3}\.[0-9]+)"),
    re.compile(r"(-?[0-9]{1,3},[0-9]+) *(?:; *| +)(-?[0-9]{1,3},[0-9]+)"),
)


def _coordinate(raw: Any) -> float:
    try:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(float(raw)):
            raise OverflowError
        return float(raw)
    except OverflowError:
        raise values.FieldError("Géométrie invalide : les coordonnées doivent être des nombres.") from None


def _position(raw: list[Any], counter: list[int]) -> list[float]:
    if not raw:
        raise values.FieldError("Géométrie vide : aucune coordonnée.")
    if len(raw) not in (2, 3):
        raise values.FieldError("Géométrie invalide : chaque point a 2 coordonnées (longitude, latitude).")
    counter[0] += 1
    if counter[0] > MAX_VERTICES:
        raise values.FieldError(f"Géométrie trop détaillée : {MAX_VERTICES:,} sommets au plus.".replace(",", "\u202f"))
    lon, lat = (_coordinate(c) for c in raw[:2])
    if len(raw) == 3:
        _coordinate(raw[2])  # the altitude must be a number, then is dropped
    if not -180 <= lon <= 180:
        raise values.FieldError(f"Longitude hors limites : {lon:g} (de -180 à 180).")
    if not -90 <= lat <= 90:
        raise values.FieldError(f"Latitude hors limites : {lat:g} (de -90 à 90).")
    return [round(lon, 7) + 0.0, round(lat, 7) + 0.0]  # + 0.0 turns -0.0 into 0.0


def _positions(raw: Any, depth: int, counter: list[int]) -> list[Any]:
    # The nesting depth is fixed by the type, so hostile nesting fails here, shallowly.
    if not isinstance(raw, (list, tuple)):
        raise values.FieldError("Géométrie invalide : coordonnées mal formées.")
    if depth == 1:
        return _position(list(raw), counter)
    if not raw:
        raise values.FieldError("Géométrie vide : aucune coordonnée.")
    return [_positions(item, depth - 1, counter) for item in raw]


def _check_rings(kind: str, coordinates: list[Any]) -> None:
    lines = [coordinates] if kind == "LineString" else coordinates if kind == "MultiLineString" else []
    rings = coordinates if kind == "Polygon" else [r for p in coordinates for r in p] if kind == "MultiPolygon" else []
    if any(len(line) < 2 for line in lines):
        raise values.FieldError("Ligne invalide : deux points au moins.")
    if any(len(ring) < 4 for ring in rings):
        raise values.FieldError("Polygone invalide : un contour a au moins 4 points, le dernier répétant le premier.")
    if any(ring[0] != ring[-1] for ring in rings):
        raise values.FieldError("Contour non fermé : le dernier point du polygone doit répéter le premier.")


def _lat_lon(text: str) -> dict[str, Any]:
    for pattern in _LATLON_RES:
        if match := pattern.fullmatch(text):
            lat, lon = (float(g.replace(",", ".")) for g in match.groups())
            return {"type": "Point", "coordinates": [lon, lat]}
    raise values.FieldError("Coordonnées invalides : écrivez « latitude, longitude » (ex. 47.65, -2.08) ou du GeoJSON.")


def clean_geometry(raw: Any, kinds: tuple[str, ...] | list[str] = GEOMETRY_KINDS) -> dict[str, Any] | None:
    """Validate a GeoJSON geometry (dict or JSON text) and return it normalised.

    Also accepted for a point: ``{"lat": .., "lon": ..}`` and the text
    ``"47.65, -2.08"`` — latitude first, as French users copy it from map sites
    (``"47,65 ; -2,08"`` with decimal commas). Coordinates are rounded to 7
    decimals (about 1 cm), altitude is dropped; at most 10,000 vertices and
    200 KB of normalised GeoJSON (1 MB of submitted text); rings must be
    closed; polygons must be valid.
    """
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return None
        if len(text) > MAX_TEXT_BYTES:
            raise values.FieldError("Géométrie trop lourde : 1 Mo de texte au plus.")
        if not text.startswith("{"):
            raw = _lat_lon(text)
        else:
            try:
                raw = json.loads(text)
            except (ValueError, RecursionError):
                raise values.FieldError("Géométrie invalide : GeoJSON illisible.") from None
    if isinstance(raw, Mapping) and raw.get("type") == "Feature":
        raw = raw.get("geometry")
    if isinstance(raw, Mapping) and "type" not in raw and "lat" in raw:
        raw = {"type": "Point", "coordinates": [raw.get("lon", raw.get("lng")), raw["lat"]]}
    if raw is None or (isinstance(raw, Mapping) and not raw):
        return None
    if not isinstance(raw, Mapping):
        raise values.FieldError("Géométrie invalide : objet GeoJSON attendu.")
    kind = raw.get("type")
    if not isinstance(kind, str) or kind not in _DEPTHS:
        raise values.FieldError(f"Type de géométrie inconnu : {values.quote(kind)}.")
    if kind not in kinds:
        raise values.FieldError(f"Type de géométrie non autorisé ici : {kind} (autorisés : {', '.join(kinds)}).")
    coordinates = _positions(raw.get("coordinates"), _DEPTHS[kind], [0])
    _check_rings(kind, coordinates)
    geometry = {"type": kind, "coordinates": coordinates}
    if kind in ("Polygon", "MultiPolygon"):
        try:
            valid = shapely.geometry.shape(geometry).is_valid
        except (ValueError, TypeError, shapely.errors.ShapelyError):
            valid = False
        if not valid:
            raise values.FieldError("Géométrie invalide : polygone invalide (il se croise lui-même, ou ses contours se chevauchent).")
    if len(json.dumps(geometry, separators=(",", ":"))) > MAX_GEOMETRY_BYTES:
        raise values.FieldError("Géométrie trop lourde : 200 Ko au plus.")
    return geometry


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
