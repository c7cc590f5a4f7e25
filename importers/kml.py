"""KML map layers: ``features_from_kml`` and the ``kml`` importer.

The reader is pure (no Flask, no database) and reads XML through
:func:`importers.features.parse_xml` (no DTD, no entity, nothing fetched).
Each Placemark becomes a feature: its name, description, address and
extended data (``Data`` and ``SchemaData``/``SimpleData``) as properties,
its ``TimeSpan`` as ``debut``/``fin`` and its ``TimeStamp`` as ``date``, and
its first geometry holding a position (Point, LineString, Polygon,
MultiGeometry, gx:Track, gx:MultiTrack) as GeoJSON. Google exports write an
empty ``<Point>`` beside the gx:Track that holds the positions: empty
geometries, and the empty parts of a MultiGeometry, are passed over. A
gx:Track is a line (a point when it has one position), its first and last
``<when>`` the ``debut`` and ``fin`` properties; long lines are thinned like
GPX tracks. A placemark whose geometries are all empty is refused
(« géométrie vide »), the others are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from xml.etree.ElementTree import Element

from importers.features import MAX_FEATURES
from importers.features import TOO_MANY
from importers.features import Feature
from importers.features import FormatError
from importers.features import Layer
from importers.features import child_text
from importers.features import children
from importers.features import descendants
from importers.features import local_name
from importers.features import parse_xml
from importers.gpx import thin
from importers.layers import LayerImporter

_COORD_SPLIT = re.compile(r"\s+")
#: The GeoJSON type of a KML multi-geometry whose parts all have one type.
_MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}
EMPTY = "géométrie vide : ce repère n'a aucune coordonnée."


@dataclass
class Extras:
    """What reading a geometry learnt besides it: the ``when`` of its gx:Track positions, a thinning notice."""

    times: list[str] = field(default_factory=list)
    notice: str = ""


def _coordinates(text: str) -> list[list[float]]:
    out = []
    for item in _COORD_SPLIT.split(text.strip()):
        if not item:
            continue
        parts = item.split(",")
        try:
            out.append([float(parts[0]), float(parts[1])])
        except (ValueError, IndexError):
            raise ValueError(f"coordonnées KML illisibles : « {item[:40]} ».") from None
    return out


def _line(coords: list[list[float]], extras: Extras) -> list[list[float]]:
    coords, notice = thin(coords)
    extras.notice = extras.notice or notice
    return coords


def _track(element: Element, extras: Extras) -> dict[str, Any]:
    """A gx:Track: ``<gx:coord>lon lat alt</gx:coord>`` positions (spaces, not commas), a Point when only one."""
    coords = []
    for coord in children(element, "coord"):
        text = (coord.text or "").strip()
        if not text:
            continue
        try:
            lon, lat = (float(v) for v in text.split()[:2])
        except ValueError:
            raise ValueError(f"position gx:Track illisible : « {text[:40]} ».") from None
        coords.append([lon, lat])
    extras.times += [text for when in children(element, "when") if (text := (when.text or "").strip())]
    if len(coords) == 1:
        return {"type": "Point", "coordinates": coords[0]}
    return {"type": "LineString", "coordinates": _line(coords, extras)}


def is_empty(geometry: dict[str, Any]) -> bool:
    """True for a geometry without a single position (``<Point><coordinates/></Point>``…)."""
    if geometry["type"] == "GeometryCollection":
        return all(is_empty(g) for g in geometry["geometries"])

    def positions(item: Any) -> bool:
        """True when ``item`` (a position or a nested list of them) holds at least one position."""
        return bool(item) and (not isinstance(item[0], list) or any(positions(sub) for sub in item))

    return not positions(geometry["coordinates"])


def _multi(element: Element, extras: Extras) -> dict[str, Any]:
    """A MultiGeometry or gx:MultiTrack; its empty parts are left out (an empty one is empty)."""
    parts = [g for child in element if (g := geometry_from_kml(child, extras)) and not is_empty(g)]
    if local_name(element.tag) == "MultiTrack" and any(p["type"] == "LineString" for p in parts):
        parts = [p for p in parts if p["type"] == "LineString"]  # a lone position between tracks is no track
    kinds = {p["type"] for p in parts}
    if len(parts) == 1:
        return parts[0]
    if len(kinds) == 1 and (kind := next(iter(kinds))) in _MULTI:
        return {"type": _MULTI[kind], "coordinates": [p["coordinates"] for p in parts]}
    return {"type": "GeometryCollection", "geometries": parts}


def geometry_from_kml(element: Element, extras: Extras | None = None) -> dict[str, Any] | None:
    """The GeoJSON geometry of a KML geometry element (None for anything else; see :func:`is_empty`).

    ``extras`` receives the times of gx:Track positions and the notice of a thinned line.

    :raises ValueError: unreadable coordinates (the message is French).
    """
    extras = extras if extras is not None else Extras()
    name = local_name(element.tag)
    if name == "Point":
        coords = _coordinates(child_text(element, "coordinates"))
        return {"type": "Point", "coordinates": coords[0] if coords else []}
    if name == "LineString":
        return {"type": "LineString", "coordinates": _line(_coordinates(child_text(element, "coordinates")), extras)}
    if name == "Polygon":
        rings = []
        for boundary_name in ("outerBoundaryIs", "innerBoundaryIs"):
            for boundary in children(element, boundary_name):
                for ring in descendants(boundary, "LinearRing"):
                    rings.append(_coordinates(child_text(ring, "coordinates")))
        return {"type": "Polygon", "coordinates": rings}
    if name in ("MultiGeometry", "MultiTrack"):
        return _multi(element, extras)
    if name == "Track":
        return _track(element, extras)
    return None


def _properties(placemark: Element) -> dict[str, Any]:
    props: dict[str, Any] = {}
    for key in ("name", "description", "address"):
        if text := child_text(placemark, key):
            props[key] = text
    for data_el in descendants(placemark, "Data"):
        if data_el.get("name"):
            props[data_el.get("name", "")] = child_text(data_el, "value")
    for simple in descendants(placemark, "SimpleData"):
        if simple.get("name"):
            props[simple.get("name", "")] = (simple.text or "").strip()
    for span in children(placemark, "TimeSpan"):
        for key, tag in (("debut", "begin"), ("fin", "end")):
            if text := child_text(span, tag):
                props.setdefault(key, text)
    for stamp in children(placemark, "TimeStamp"):
        if text := child_text(stamp, "when"):
            props.setdefault("date", text)
    return props


def _geometry(placemark: Element) -> tuple[dict[str, Any] | None, Extras]:
    """The placemark's first geometry that holds a position (or its empty one), and its extras.

    Google's Location History writes an empty ``<Point>`` beside the gx:Track holding the positions.
    """
    found: tuple[dict[str, Any] | None, Extras] = (None, Extras())
    for child in placemark:
        extras = Extras()
        geometry = geometry_from_kml(child, extras)
        if geometry is None:
            continue
        if not is_empty(geometry):
            return geometry, extras
        found = (geometry, extras)
    return found


def features_from_kml(data: bytes) -> Layer:
    """Read the placemarks of a KML document: name, description, extended data, times, geometry.

    A placemark whose geometry has no position is refused (« géométrie vide »), the others are read.

    :raises FormatError: not KML, unreadable XML, a DTD, or too many placemarks.
    """
    root = parse_xml(data)
    if local_name(root.tag) != "kml":
        raise FormatError("KML invalide : l'élément racine doit être <kml>.")
    layer = Layer()
    for number, placemark in enumerate(descendants(root, "Placemark"), 1):
        if number > MAX_FEATURES:
            raise FormatError(TOO_MANY)
        props = _properties(placemark)
        ref = f"repère {number}" + (f" « {props['name'][:60]} »" if props.get("name") else "")
        try:
            geometry, extras = _geometry(placemark)
        except ValueError as error:
            layer.errors.append((ref, str(error)))
            continue
        if geometry is not None and is_empty(geometry):
            layer.errors.append((ref, EMPTY))
            continue
        if extras.times:
            props.setdefault("debut", extras.times[0])
            props.setdefault("fin", extras.times[-1])
        layer.features.append(Feature(ref, props, geometry, placemark.get("id"), notice=extras.notice))
    return layer


class KmlImporter(LayerImporter):
    """``lieudit import kml``: the placemarks of a KML file become records."""

    name = "kml"
    label = "KML"

    def read(self, data: bytes) -> Layer:
        """Read the placemarks (:func:`features_from_kml`)."""
        return features_from_kml(data)
