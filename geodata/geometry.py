"""GeoJSON geometry rules (RFC 7946) on shapely: validate, repair, bound.

Pure: no Flask, no SQLAlchemy, nothing of the project. Hostile input is
bounded before any real work (HOSTILE_INPUTS B6-50..54): the nesting depth is
fixed by the geometry type (GeometryCollection is refused), vertices and
serialized size are capped, numbers must be finite and within WGS 84 bounds,
a legacy ``crs`` member naming anything but WGS 84 is refused and never looked
up. Invalid polygons follow an explicit policy: :func:`clean` refuses them
(``repair=False``, the record form) or repairs them with ``make_valid`` and
says so in :attr:`Cleaned.notice` (``repair=True``, layer imports).

shapely (and numpy beneath it: 15 MB and a third of a second) is imported by
the functions that need it, on first use: a worker that only reads pages never
loads it (issue 19). The zones' STR-tree is :mod:`geodata.zone_index`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KINDS = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")
MAX_VERTICES = 10_000
MAX_GEOMETRY_BYTES = 200_000  # the stored GeoJSON; at 7 decimals this binds from about 8,000 vertices
MAX_TEXT_BYTES = 1_000_000  # GeoJSON text as submitted, before rounding
DEPTHS = {"Point": 1, "LineString": 2, "MultiPoint": 2, "Polygon": 3, "MultiLineString": 3, "MultiPolygon": 4}
#: Names of WGS 84 accepted in a legacy ``crs`` member (anything else is refused).
WGS84_NAMES = frozenset(
    {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"}
)
_LATLON_RES = (  # "47.65, -2.08" / "47.65 -2.08", or decimal commas: "47,65 ; -2,08"
    re.compile(r"(-?[0-9]{1,3}\.[0-9]+) *(?:[,;] *| +)(-?[0-9]{1,3}\.[0-9]+)"),
    re.compile(r"(-?[0-9]{1,3},[0-9]+) *(?:; *| +)(-?[0-9]{1,3},[0-9]+)"),
)

Bbox = tuple[float, float, float, float]


class GeometryError(ValueError):
    """A geometry is refused; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Cleaned:
    """A normalised geometry, and the notice of a repair when one was made."""

    geometry: dict[str, Any]
    notice: str = ""


def _coordinate(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise GeometryError("Géométrie invalide : les coordonnées doivent être des nombres.")
    try:
        value = float(raw)
    except OverflowError:
        raise GeometryError("Géométrie invalide : les coordonnées doivent être des nombres.") from None
    if not math.isfinite(value):
        raise GeometryError("Géométrie invalide : les coordonnées doivent être des nombres.")
    return value


def _position(raw: list[Any], counter: list[int], max_vertices: int) -> list[float]:
    if not raw:
        raise GeometryError("Géométrie vide : aucune coordonnée.")
    if len(raw) not in (2, 3):
        raise GeometryError("Géométrie invalide : chaque point a 2 coordonnées (longitude, latitude).")
    counter[0] += 1
    if counter[0] > max_vertices:
        raise GeometryError(f"Géométrie trop détaillée : {max_vertices:,} sommets au plus.".replace(",", "\u202f"))
    lon, lat = (_coordinate(c) for c in raw[:2])
    if len(raw) == 3:
        _coordinate(raw[2])  # the altitude must be a number, then is dropped
    if not -180 <= lon <= 180:
        raise GeometryError(f"Longitude hors limites : {lon:g} (de -180 à 180).")
    if not -90 <= lat <= 90:
        raise GeometryError(f"Latitude hors limites : {lat:g} (de -90 à 90).")
    return [round(lon, 7) + 0.0, round(lat, 7) + 0.0]  # + 0.0 turns -0.0 into 0.0


def _positions(raw: Any, depth: int, counter: list[int], max_vertices: int) -> list[Any]:
    # The nesting depth is fixed by the type, so hostile nesting fails here, shallowly.
    if not isinstance(raw, (list, tuple)):
        raise GeometryError("Géométrie invalide : coordonnées mal formées.")
    if depth == 1:
        return _position(list(raw), counter, max_vertices)
    if not raw:
        raise GeometryError("Géométrie vide : aucune coordonnée.")
    return [_positions(item, depth - 1, counter, max_vertices) for item in raw]


def _check_rings(kind: str, coordinates: list[Any]) -> None:
    lines = [coordinates] if kind == "LineString" else coordinates if kind == "MultiLineString" else []
    rings = coordinates if kind == "Polygon" else [r for p in coordinates for r in p] if kind == "MultiPolygon" else []
    if any(len(line) < 2 for line in lines):
        raise GeometryError("Ligne invalide : deux points au moins.")
    if any(len(ring) < 4 for ring in rings):
        raise GeometryError("Polygone invalide : un contour a au moins 4 points, le dernier répétant le premier.")
    if any(ring[0] != ring[-1] for ring in rings):
        raise GeometryError("Contour non fermé : le dernier point du polygone doit répéter le premier.")


def _lat_lon(text: str) -> dict[str, Any]:
    for pattern in _LATLON_RES:
        if match := pattern.fullmatch(text):
            lat, lon = (float(g.replace(",", ".")) for g in match.groups())
            return {"type": "Point", "coordinates": [lon, lat]}
    raise GeometryError("Coordonnées invalides : écrivez « latitude, longitude » (ex. 47.65, -2.08) ou du GeoJSON.")


def check_crs(obj: Mapping[str, Any]) -> None:
    """Refuse a legacy ``crs`` member that names anything but WGS 84 (never looked up)."""
    crs = obj.get("crs")
    if crs is None:
        return
    name = (
        crs.get("properties", {}).get("name")
        if isinstance(crs, Mapping) and isinstance(crs.get("properties"), Mapping)
        else None
    )
    if name not in WGS84_NAMES:
        raise GeometryError(
            "Projection non prise en charge : GeoJSON est toujours en WGS 84 (longitude, latitude) ; reprojetez le fichier."
        )


def orient(geometry: dict[str, Any]) -> dict[str, Any]:
    """Wind polygon rings per RFC 7946: exterior counter-clockwise, holes clockwise."""
    if geometry["type"] not in ("Polygon", "MultiPolygon"):
        return geometry
    import shapely.geometry  # on first use (module docstring)

    shape = shapely.geometry.shape(dict(geometry))
    oriented = (
        shapely.orient_polygons(shape, exterior_cw=False) if hasattr(shapely, "orient_polygons") else _orient_old(shape)
    )
    return _rounded(shapely.geometry.mapping(oriented))


def _orient_old(shape: Any) -> Any:
    import shapely.geometry
    from shapely.geometry.polygon import orient as orient_polygon

    if shape.geom_type == "Polygon":
        return orient_polygon(shape, 1.0)
    return shapely.geometry.MultiPolygon([orient_polygon(p, 1.0) for p in shape.geoms])


def _rounded(mapping: Mapping[str, Any]) -> dict[str, Any]:
    def walk(item: Any) -> Any:
        if isinstance(item, (list, tuple)) and item and isinstance(item[0], (int, float)):
            return [round(float(item[0]), 7) + 0.0, round(float(item[1]), 7) + 0.0]
        return [walk(sub) for sub in item]

    return {"type": mapping["type"], "coordinates": walk(mapping["coordinates"])}


def _repair(geometry: dict[str, Any], kinds: tuple[str, ...]) -> tuple[dict[str, Any], bool] | None:
    """A valid version of an invalid (multi)polygon, keeping only its areas, and whether its ground changed.

    The « structure » method keeps what the rings enclose (two outlines that overlap become their union,
    not a shape with their overlap cut out); a repair that covers the same ground as before (overlapping
    parts merged, a ring drawn twice) is no change a contributor needs to check.
    """
    import shapely.errors
    import shapely.geometry

    shape = shapely.geometry.shape(dict(geometry))
    fixed = shapely.make_valid(shape, method="structure", keep_collapsed=False)
    polygons = [
        g for g in getattr(fixed, "geoms", [fixed]) if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty
    ]
    if not polygons:
        return None
    merged = shapely.union_all(polygons)
    parts = list(getattr(shape, "geoms", [shape]))  # each outline alone may be valid, only their overlap not
    try:
        changed = not all(p.is_valid for p in parts) or not bool(shapely.union_all(parts).equals(merged))
    except shapely.errors.ShapelyError:
        changed = True
    out = _rounded(shapely.geometry.mapping(merged))
    if (
        out["type"] not in kinds
        and out["type"] == "MultiPolygon"
        and "Polygon" in kinds
        and len(out["coordinates"]) == 1
    ):
        out = {"type": "Polygon", "coordinates": out["coordinates"][0]}
    return (out, changed) if out["type"] in kinds else None


def parse_text(text: str) -> Any:
    """Read submitted text: GeoJSON, or « latitude, longitude » for a point."""
    text = text.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT_BYTES:
        raise GeometryError("Géométrie trop lourde : 1 Mo de texte au plus.")
    if not text.startswith("{"):
        return _lat_lon(text)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise GeometryError("Géométrie invalide : GeoJSON illisible.") from None


def clean(
    raw: Any,
    kinds: Iterable[str] = KINDS,
    *,
    repair: bool = False,
    max_vertices: int = MAX_VERTICES,
    max_bytes: int = MAX_GEOMETRY_BYTES,
) -> Cleaned | None:
    """Validate a GeoJSON geometry (dict or text) and return it normalised, or None when empty.

    Accepted as well: a Feature (its geometry), ``{"lat": .., "lon": ..}``
    and the text ``"47.65, -2.08"`` (latitude first, as French users copy it;
    ``"47,65 ; -2,08"`` with decimal commas). Coordinates are rounded to 7
    decimals (about 1 cm), altitude is dropped, polygon rings are wound per
    RFC 7946. An invalid polygon is refused, or repaired when ``repair``.

    :raises GeometryError: the geometry is refused; the message says why.
    """
    kinds = tuple(kinds)
    if isinstance(raw, str):
        raw = parse_text(raw)
    if isinstance(raw, Mapping) and raw.get("type") == "Feature":
        check_crs(raw)
        raw = raw.get("geometry")
    if isinstance(raw, Mapping) and "type" not in raw and "lat" in raw:
        raw = {"type": "Point", "coordinates": [raw.get("lon", raw.get("lng")), raw["lat"]]}
    if raw is None or (isinstance(raw, Mapping) and not raw):
        return None
    if not isinstance(raw, Mapping):
        raise GeometryError("Géométrie invalide : objet GeoJSON attendu.")
    check_crs(raw)
    kind = raw.get("type")
    if kind == "GeometryCollection":
        raise GeometryError(
            "Type de géométrie inconnu ici : « GeometryCollection » (une fiche a une seule géométrie : point, ligne ou polygone, simples ou multiples)."
        )
    if not isinstance(kind, str) or kind not in DEPTHS:
        shown = kind if isinstance(kind, str) else type(kind).__name__
        raise GeometryError(f"Type de géométrie inconnu : « {str(shown)[:40]} ».")
    if kind not in kinds:
        raise GeometryError(f"Type de géométrie non autorisé ici : {kind} (autorisés : {', '.join(kinds)}).")
    coordinates = _positions(raw.get("coordinates"), DEPTHS[kind], [0], max_vertices)
    _check_rings(kind, coordinates)
    geometry: dict[str, Any] = {"type": kind, "coordinates": coordinates}
    notice = ""
    if kind in ("Polygon", "MultiPolygon"):
        import shapely.errors
        import shapely.geometry

        try:
            valid = shapely.geometry.shape(dict(geometry)).is_valid
        except (ValueError, TypeError, shapely.errors.ShapelyError):
            valid = False
        if not valid:
            fixed = _repair(geometry, kinds) if repair else None
            if fixed is None:
                raise GeometryError(
                    "Géométrie invalide : polygone invalide (il se croise lui-même, ou ses contours se chevauchent)."
                )
            geometry, changed = fixed
            if changed:
                notice = "Polygone corrigé automatiquement (son contour se croisait) : vérifiez son tracé."
        geometry = orient(geometry)
    if len(json.dumps(geometry, separators=(",", ":"))) > max_bytes:
        raise GeometryError(f"Géométrie trop lourde : {max_bytes // 1000} Ko au plus.")
    return Cleaned(geometry, notice)


def bbox(geometry: Mapping[str, Any]) -> Bbox:
    """Return ``(west, south, east, north)`` of a clean geometry."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(item: Any) -> None:
        if item and isinstance(item[0], (int, float)):
            xs.append(item[0])
            ys.append(item[1])
        else:
            for sub in item:
                walk(sub)

    walk(geometry["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys))


def parse_bbox(text: str | None) -> Bbox | None:
    """Read ``?bbox=west,south,east,north``; None when absent.

    :raises GeometryError: malformed, out of WGS 84 bounds or inverted.
    """
    if text is None or not text.strip():
        return None
    parts = text.split(",")
    if len(parts) != 4 or len(text) > 200:
        raise GeometryError("bbox attendu : ouest,sud,est,nord (ex. -2.3,47.5,-1.8,47.8).")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise GeometryError("bbox attendu : ouest,sud,est,nord (ex. -2.3,47.5,-1.8,47.8).") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise GeometryError("bbox : nombres finis attendus.")
    west, east = max(west, -180.0), min(east, 180.0)
    south, north = max(south, -90.0), min(north, 90.0)
    if west > east or south > north:
        raise GeometryError("bbox : l'ouest doit être inférieur à l'est et le sud au nord.")
    return (west, south, east, north)


def centre(geometry: Mapping[str, Any]) -> tuple[float, float]:
    """Return a representative point ``(lon, lat)`` lying on the geometry."""
    import shapely.geometry

    point = shapely.geometry.shape(dict(geometry)).representative_point()
    return (round(point.x, 7), round(point.y, 7))


def simplify(geometry: Mapping[str, Any], tolerance: float) -> dict[str, Any]:
    """Simplify for display (topology kept); points come back unchanged."""
    if geometry["type"] in ("Point", "MultiPoint") or tolerance <= 0:
        return dict(geometry)
    import shapely.geometry

    shape = shapely.geometry.shape(dict(geometry)).simplify(tolerance, preserve_topology=True)
    if shape.is_empty:
        return dict(geometry)
    return _rounded(shapely.geometry.mapping(shape))
