"""KML map layers: ``features_from_kml`` and the ``kml`` importer.

The reader is pure (no Flask, no database) and reads XML through
:func:`importers.features.parse_xml` (no DTD, no entity, nothing fetched).
Each Placemark becomes a feature: its name, description, address and
extended data (``Data`` and ``SimpleData``) as properties, its first
geometry (Point, LineString, Polygon, MultiGeometry, gx:Track) as GeoJSON.
"""

from __future__ import annotations

import re
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
from importers.layers import LayerImporter

_COORD_SPLIT = re.compile(r"\s+")
#: The GeoJSON type of a KML multi-geometry whose parts all have one type.
_MULTI = {"Point": "MultiPoint", "LineString": "MultiLineString", "Polygon": "MultiPolygon"}


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


def _multi(element: Element) -> dict[str, Any] | None:
    parts = [g for child in element if (g := geometry_from_kml(child))]
    kinds = {p["type"] for p in parts}
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if len(kinds) == 1 and (kind := next(iter(kinds))) in _MULTI:
        return {"type": _MULTI[kind], "coordinates": [p["coordinates"] for p in parts]}
    return {"type": "GeometryCollection", "geometries": parts}


def geometry_from_kml(element: Element) -> dict[str, Any] | None:
    """The GeoJSON geometry of a KML geometry element (None for anything else).

    :raises ValueError: unreadable coordinates (the message is French).
    """
    name = local_name(element.tag)
    if name == "Point":
        coords = _coordinates(child_text(element, "coordinates"))
        return {"type": "Point", "coordinates": coords[0] if coords else []}
    if name == "LineString":
        return {"type": "LineString", "coordinates": _coordinates(child_text(element, "coordinates"))}
    if name == "Polygon":
        rings = []
        for boundary_name in ("outerBoundaryIs", "innerBoundaryIs"):
            for boundary in children(element, boundary_name):
                for ring in descendants(boundary, "LinearRing"):
                    rings.append(_coordinates(child_text(ring, "coordinates")))
        return {"type": "Polygon", "coordinates": rings}
    if name in ("MultiGeometry", "MultiTrack"):
        return _multi(element)
    if name == "Track":
        coords = [[float(v) for v in (c.text or "").split()[:2]] for c in children(element, "coord")]
        return {"type": "LineString", "coordinates": coords}
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
    return props


def features_from_kml(data: bytes) -> Layer:
    """Read the placemarks of a KML document: name, description, extended data, geometry.

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
        geometry = None
        try:
            for child in placemark:
                geometry = geometry_from_kml(child)
                if geometry:
                    break
        except ValueError as error:
            layer.errors.append((ref, str(error)))
            continue
        layer.features.append(Feature(ref, props, geometry, placemark.get("id")))
    return layer


class KmlImporter(LayerImporter):
    """``lieudit import kml``: the placemarks of a KML file become records."""

    name = "kml"
    label = "KML"

    def read(self, data: bytes) -> Layer:
        """Read the placemarks (:func:`features_from_kml`)."""
        return features_from_kml(data)
