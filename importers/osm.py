"""OpenStreetMap data: ``features_from_osm`` and the ``osm`` importer.

The reader is pure (no Flask, no database): Overpass JSON (``elements``) or
``.osm`` XML (through :func:`importers.features.parse_xml`). An element is
a feature when a tag describes it (:func:`describes`: any tag but
``created_by``, ``source``… alone): nodes become points (a crossing or a
bench that is a vertex of a way included), ways lines (closed ways with
area tags polygons), multipolygon and boundary relations (multi)polygons
assembled by :mod:`importers.osm_areas`. The elements left out for want of
such a tag (the vertices of ways, the member ways of a relation…) are
counted in one warning; those that cannot be read are refused with their
reason. Each feature's id is ``node/123``, ``way/456``…, so a re-import
updates its record.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

import shapely.geometry

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
from importers.osm_areas import assemble
from importers.osm_areas import join_rings
from importers.osm_areas import to_geojson
from importers.osm_areas import valid_area
from importers.osm_areas import way_names

#: Closed ways with these tags are areas (a simplified version of the OSM wiki's rules).
AREA_KEYS = frozenset(
    {"building", "landuse", "leisure", "natural", "amenity", "place", "boundary", "area", "shop", "tourism", "water"}
)
#: Tags that say nothing of what an element is: alone, they make no feature (``source:…`` neither).
UNINTERESTING = frozenset({"created_by", "source", "source_ref", "history", "attribution", "odbl", "odbl:note",
                           "fixme", "FIXME", "tiger:county", "tiger:tlid", "tiger:upload_uuid"})  # fmt: skip


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


def describes(tags: dict[str, Any]) -> bool:
    """True when ``tags`` say what the element is: any tag but :data:`UNINTERESTING` and ``source:…``."""
    return any(key not in UNINTERESTING and not str(key).startswith("source:") for key in tags)


class _Index:
    """Node coordinates and way node lists of a set of elements, the nodes ways use and the ways relations use."""

    def __init__(self, elements: list[Any]) -> None:
        self.nodes: dict[str, list[float]] = {}
        self.ways: dict[str, list[str]] = {}
        self.members: set[str] = set()
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
            elif item.get("type") == "relation" and isinstance(item.get("members"), list):
                self.members.update(str(m.get("ref")) for m in item["members"]
                                    if isinstance(m, dict) and m.get("type") == "way")  # fmt: skip
        self.used = {ref for refs in self.ways.values() for ref in refs}

    def way(self, osm_id: str, tags: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """A way as a line, or a polygon when closed and tagged as an area; and its repair notice."""
        refs = self.ways.get(osm_id, [])
        if len(refs) < 2 or any(r not in self.nodes for r in refs):
            raise ValueError("chemin incomplet : des nœuds manquent dans le fichier.")
        coords = [self.nodes[r] for r in refs]
        closed = refs[0] == refs[-1] and len(refs) >= 4
        if closed and (set(tags) & AREA_KEYS) and tags.get("area") != "no":
            shape, notice = valid_area(shapely.geometry.Polygon(coords))
            return to_geojson(shape), notice
        return {"type": "LineString", "coordinates": coords}, ""

    def relation(self, item: dict[str, Any], tags: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """A multipolygon (or boundary) relation as a polygon or multipolygon, and its notice (see osm_areas)."""
        if tags.get("type") not in ("multipolygon", "boundary"):
            raise ValueError(f"relation de type « {str(tags.get('type', '?'))[:40]} » non prise en charge "
                             "(seuls les multipolygones le sont).")  # fmt: skip
        members = item.get("members")
        roles: dict[str, dict[str, list[str]]] = {"outer": {}, "inner": {}}
        missing = []
        for member in members if isinstance(members, list) else []:
            if not isinstance(member, dict) or member.get("type") != "way":
                continue  # an admin centre, a label, a subarea: not part of the outline
            ref = str(member.get("ref"))
            if ref not in self.ways:
                missing.append(ref)
            else:
                roles["inner" if member.get("role") == "inner" else "outer"][ref] = self.ways[ref]
        if missing:
            verb = "manque" if len(missing) == 1 else "manquent"
            raise ValueError(f"multipolygone incomplet : {way_names(missing)} {verb} dans le fichier "
                             "(téléchargez la relation complète).")  # fmt: skip
        unplaced = [ref for ways in roles.values() for ref, nodes in ways.items()
                    if len(nodes) < 2 or any(n not in self.nodes for n in nodes)]  # fmt: skip
        if unplaced:
            raise ValueError(f"multipolygone incomplet : des nœuds de {way_names(unplaced)} manquent dans le fichier "
                             "(téléchargez la relation complète).")  # fmt: skip
        if not roles["outer"]:
            raise ValueError("multipolygone sans contour extérieur : aucun de ses chemins n'a le rôle « outer ».")
        outers, inners = ([[self.nodes[n] for n in ring] for ring in join_rings(list(roles[role].items()))]
                          for role in ("outer", "inner"))  # fmt: skip
        shape, notice = assemble(outers, inners)
        return to_geojson(shape), notice


#: How the report names the elements left out, one and many.
SKIPPED = {
    "vertex": ("nœud sommet d'un chemin (sa position reste dans le tracé du chemin)",
               "nœuds sommets de chemins (leur position reste dans le tracé des chemins)"),
    "node": ("nœud hors de tout chemin", "nœuds hors de tout chemin"),
    "member": ("chemin membre d'une relation (son tracé reste dans celui de la relation)",
               "chemins membres de relations (leur tracé reste dans celui des relations)"),
    "way": ("chemin", "chemins"),
    "relation": ("relation", "relations"),
}  # fmt: skip


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class _Skipped:
    """The elements left out for want of a tag that describes them, counted for one warning."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(("vertex", "node", "member", "way", "relation"), 0)

    def add(self, kind: str, osm_id: str, index: _Index) -> None:
        """Count an element left out."""
        if kind == "node":
            kind = "vertex" if osm_id in index.used else "node"
        elif kind == "way" and osm_id in index.members:
            kind = "member"
        self.counts[kind] += 1

    def warning(self) -> str | None:
        """The French warning naming what was left out and why (None when nothing was)."""
        parts = [_plural(n, *SKIPPED[kind]) for kind, n in self.counts.items() if n]
        if not parts:
            return None
        return ("Non importés, faute de tag qui les décrive (aucun, ou seulement created_by, source…) : "
                + ", ".join(parts) + ".")  # fmt: skip


def _layer(elements: list[Any]) -> Layer:
    layer = Layer()
    index = _Index(elements)
    skipped = _Skipped()
    count = 0
    for item in elements:
        if not isinstance(item, dict) or item.get("type") not in ("node", "way", "relation"):
            continue
        kind, osm_id = item["type"], str(item.get("id"))
        tags: dict[str, Any] = item["tags"] if isinstance(item.get("tags"), dict) else {}
        if not describes(tags):
            skipped.add(kind, osm_id, index)
            continue
        count += 1
        if count > MAX_FEATURES:
            raise FormatError(TOO_MANY)
        ref = f"{kind} {osm_id}" + (f" « {str(tags['name'])[:60]} »" if tags.get("name") else "")
        notice = ""
        try:
            if kind == "node":
                if osm_id not in index.nodes:
                    raise ValueError("nœud sans coordonnées.")
                geometry: Any = {"type": "Point", "coordinates": index.nodes[osm_id]}
            elif kind == "way":
                geometry, notice = index.way(osm_id, tags)
            else:
                geometry, notice = index.relation(item, tags)
        except ValueError as error:
            layer.errors.append((ref, str(error)))
            continue
        props = {str(k): str(v) for k, v in tags.items()}
        layer.features.append(Feature(ref, props, geometry, f"{kind}/{osm_id}", notice=notice))
    if warning := skipped.warning():
        layer.warnings.append(warning)
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
