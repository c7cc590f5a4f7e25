"""OpenStreetMap data: ``features_from_osm`` and the ``osm`` importer.

The reader is pure (no Flask, no database): Overpass JSON (``elements``) or
``.osm`` XML (through :func:`importers.features.parse_xml`). Tagged nodes
become points, ways lines (closed ways with area tags polygons), and
multipolygon or boundary relations (multi)polygons assembled from their
ways; untagged vertices are parts of ways, not features. Each feature's id
is ``node/123``, ``way/456``…, so a re-import updates its record.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element

import shapely.geometry
from shapely.ops import polygonize

from importers.features import MAX_FEATURES
from importers.features import TOO_MANY
from importers.features import Feature
from importers.features import FormatError
from importers.features import Layer
from importers.features import children
from importers.features import load_json
from importers.features import local_name
from importers.features import parse_xml
from importers.layers import LayerImporter

#: Closed ways with these tags are areas (a simplified version of the OSM wiki's rules).
AREA_KEYS = frozenset(
    {"building", "landuse", "leisure", "natural", "amenity", "place", "boundary", "area", "shop", "tourism", "water"}
)


def _elements_from_xml(root: Element) -> list[dict[str, Any]]:
    """The elements of an ``.osm`` document, shaped as Overpass JSON elements."""
    elements = []
    for element in root:
        kind = local_name(element.tag)
        if kind not in ("node", "way", "relation"):
            continue
        tags = {t.get("k", ""): t.get("v", "") for t in children(element, "tag")}
        item: dict[str, Any] = {"type": kind, "id": element.get("id"), "tags": tags}
        if kind == "node":
            item["lat"], item["lon"] = element.get("lat"), element.get("lon")
        elif kind == "way":
            item["nodes"] = [nd.get("ref") for nd in children(element, "nd")]
        else:
            item["members"] = [{"type": m.get("type"), "ref": m.get("ref"), "role": m.get("role", "")}
                               for m in children(element, "member")]  # fmt: skip
        elements.append(item)
    return elements


class _Index:
    """Node coordinates and way node lists of a set of elements, and the nodes ways use."""

    def __init__(self, elements: list[Any]) -> None:
        self.nodes: dict[str, list[float]] = {}
        self.ways: dict[str, list[str]] = {}
        for item in elements:
            if not isinstance(item, dict):
                continue
            if item.get("type") == "node":
                try:
                    self.nodes[str(item.get("id"))] = [float(item["lon"]), float(item["lat"])]
                except (KeyError, TypeError, ValueError):
                    continue
            elif item.get("type") == "way" and isinstance(item.get("nodes"), list):
                self.ways[str(item.get("id"))] = [str(n) for n in item["nodes"]]
        self.used = {ref for refs in self.ways.values() for ref in refs}

    def way(self, osm_id: str, tags: dict[str, Any]) -> dict[str, Any]:
        """A way as a line, or a polygon when closed and tagged as an area."""
        refs = self.ways.get(osm_id, [])
        if len(refs) < 2 or any(r not in self.nodes for r in refs):
            raise ValueError("chemin incomplet : des nœuds manquent dans le fichier.")
        coords = [self.nodes[r] for r in refs]
        closed = refs[0] == refs[-1] and len(refs) >= 4
        if closed and (set(tags) & AREA_KEYS) and tags.get("area") != "no":
            return {"type": "Polygon", "coordinates": [coords]}
        return {"type": "LineString", "coordinates": coords}

    def relation(self, item: dict[str, Any], tags: dict[str, Any]) -> dict[str, Any]:
        """A multipolygon (or boundary) relation as a polygon or multipolygon built from its ways."""
        if tags.get("type") not in ("multipolygon", "boundary"):
            raise ValueError(f"relation de type « {str(tags.get('type', '?'))[:40]} » non prise en charge "
                             "(seuls les multipolygones le sont).")  # fmt: skip
        members = item.get("members")
        lines = []
        for member in members if isinstance(members, list) else []:
            if isinstance(member, dict) and member.get("type") == "way" and str(member.get("ref")) in self.ways:
                refs = self.ways[str(member.get("ref"))]
                if all(r in self.nodes for r in refs) and len(refs) >= 2:
                    lines.append(shapely.geometry.LineString([self.nodes[r] for r in refs]))
        polygons = list(polygonize(lines))
        if not polygons:
            raise ValueError("multipolygone incomplet : ses chemins manquent dans le fichier ou ne forment pas de "
                             "contour fermé.")  # fmt: skip
        shape = shapely.geometry.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
        return json.loads(json.dumps(shapely.geometry.mapping(shape)))  # tuples -> lists


def _layer(elements: list[Any]) -> Layer:
    layer = Layer()
    index = _Index(elements)
    count = 0
    for item in elements:
        if not isinstance(item, dict) or item.get("type") not in ("node", "way", "relation"):
            continue
        kind, osm_id = item["type"], str(item.get("id"))
        tags = item.get("tags") if isinstance(item.get("tags"), dict) else {}
        if not tags or (kind == "node" and osm_id in index.used and "name" not in tags):
            continue  # untagged vertices are parts of ways, not features
        count += 1
        if count > MAX_FEATURES:
            raise FormatError(TOO_MANY)
        ref = f"{kind} {osm_id}" + (f" « {str(tags['name'])[:60]} »" if tags.get("name") else "")
        try:
            if kind == "node":
                if osm_id not in index.nodes:
                    raise ValueError("nœud sans coordonnées.")
                geometry: Any = {"type": "Point", "coordinates": index.nodes[osm_id]}
            elif kind == "way":
                geometry = index.way(osm_id, tags)
            else:
                geometry = index.relation(item, tags)
        except ValueError as error:
            layer.errors.append((ref, str(error)))
            continue
        props = {str(k): str(v) for k, v in tags.items()}
        layer.features.append(Feature(ref, props, geometry, f"{kind}/{osm_id}"))
    return layer


def features_from_osm(data: bytes) -> Layer:
    """Read OpenStreetMap data: Overpass JSON (``elements``) or ``.osm`` XML; tagged nodes, ways and multipolygons.

    :raises FormatError: neither format, unreadable, a DTD, or too many features.
    """
    head = data.lstrip()[:1]
    if head in (b"{", b"\xef"):
        obj = load_json(data)
        if not isinstance(obj, dict) or not isinstance(obj.get("elements"), list):
            raise FormatError("JSON OpenStreetMap invalide : une liste « elements » (format Overpass) est attendue.")
        return _layer(obj["elements"])
    root = parse_xml(data)
    if local_name(root.tag) != "osm":
        raise FormatError("OSM invalide : l'élément racine doit être <osm>.")
    return _layer(_elements_from_xml(root))


class OsmImporter(LayerImporter):
    """``lieudit import osm``: the tagged nodes, ways and multipolygons of OpenStreetMap data become records."""

    name = "osm"
    label = "OpenStreetMap"

    def read(self, data: bytes) -> Layer:
        """Read the tagged nodes, ways and multipolygons (:func:`features_from_osm`)."""
        return features_from_osm(data)
