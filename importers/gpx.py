"""GPX map layers: ``features_from_gpx`` and the ``gpx`` importer.

The reader is pure (no Flask, no database) and reads XML through
:func:`importers.features.parse_xml` (no DTD, no entity, nothing fetched).
Waypoints become points, routes lines, tracks lines (one per segment); a
route or track longer than :data:`geodata.geometry.MAX_VERTICES` is thinned,
with a notice saying so.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from geodata.geometry import MAX_VERTICES
from importers.features import MAX_FEATURES
from importers.features import TOO_MANY
from importers.features import Feature
from importers.features import FormatError
from importers.features import Layer
from importers.features import child_text
from importers.features import children
from importers.features import local_name
from importers.features import parse_xml
from importers.layers import LayerImporter

#: GPX elements read, with the word that names them in refs.
KINDS = (("wpt", "point"), ("rte", "itinéraire"), ("trk", "trace"))


def _points(element: Element, name: str) -> list[list[float]]:
    out = []
    for point in children(element, name):
        try:
            out.append([float(point.get("lon", "")), float(point.get("lat", ""))])
        except ValueError:
            raise ValueError("point GPX sans latitude ou longitude lisible.") from None
    return out


def thin(coords: list[list[float]]) -> tuple[list[list[float]], str]:
    """Keep at most MAX_VERTICES points of a line, its last one included; the notice says so ("" if untouched)."""
    if len(coords) <= MAX_VERTICES:
        return coords, ""
    step = -(-len(coords) // (MAX_VERTICES - 1))
    thinned = coords[::step]
    if thinned[-1] != coords[-1]:
        thinned.append(coords[-1])
    return thinned, f"tracé allégé : {len(coords)} points ramenés à {len(thinned)}."


def _geometry(element: Element, kind: str) -> tuple[Any, str]:
    """The GeoJSON geometry of a waypoint, route or track, and its thinning notice."""
    if kind == "wpt":
        return {"type": "Point", "coordinates": [float(element.get("lon", "")), float(element.get("lat", ""))]}, ""
    if kind == "rte":
        coords, notice = thin(_points(element, "rtept"))
        return {"type": "LineString", "coordinates": coords}, notice
    segments, notice = [], ""
    for segment in children(element, "trkseg"):
        coords, note = thin(_points(segment, "trkpt"))
        notice = notice or note
        if coords:
            segments.append(coords)
    if not segments:
        return None, notice
    if len(segments) == 1:
        return {"type": "LineString", "coordinates": segments[0]}, notice
    return {"type": "MultiLineString", "coordinates": segments}, notice


def features_from_gpx(data: bytes) -> Layer:
    """Read the waypoints, routes and tracks of a GPX file (long tracks are thinned, with a notice).

    :raises FormatError: not GPX, unreadable XML, a DTD, or too many features.
    """
    root = parse_xml(data)
    if local_name(root.tag) != "gpx":
        raise FormatError("GPX invalide : l'élément racine doit être <gpx>.")
    layer = Layer()
    count = 0
    for kind, label in KINDS:
        for number, element in enumerate(children(root, kind), 1):
            count += 1
            if count > MAX_FEATURES:
                raise FormatError(TOO_MANY)
            props = {key: text for key in ("name", "desc", "cmt", "type") if (text := child_text(element, key))}
            if "desc" in props:
                props["description"] = props.pop("desc")
            ref = f"{label} {number}" + (f" « {props['name'][:60]} »" if props.get("name") else "")
            try:
                geometry, notice = _geometry(element, kind)
            except ValueError as error:
                layer.errors.append((ref, str(error) if "GPX" in str(error) else "coordonnées illisibles."))
                continue
            layer.features.append(Feature(ref, props, geometry, notice=notice))
    return layer


class GpxImporter(LayerImporter):
    """``lieudit import gpx``: the waypoints, routes and tracks of a GPX file become records."""

    name = "gpx"
    label = "GPX"

    def read(self, data: bytes) -> Layer:
        """Read the waypoints, routes and tracks (:func:`features_from_gpx`)."""
        return features_from_gpx(data)
