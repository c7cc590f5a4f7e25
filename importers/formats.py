"""Read map layers into features: GeoJSON, uMap, KML, GPX, OSM (Overpass JSON and XML).

Pure (no Flask, no database). Every reader returns a :class:`Layer`: the
features it could read (raw geometries, to be validated by
:func:`geodata.geometry.clean`) and a French message per feature it could not.
A source that cannot be read at all raises :class:`FormatError`.

Hostile input (HOSTILE_INPUTS B6): JSON is parsed strictly (duplicate keys
refused, a UTF-8 BOM tolerated, nesting and size capped); XML goes through
defusedxml with DTDs forbidden, so entity bombs, external entities, external
DTDs and XInclude are refused before any expansion and nothing referenced by
the file is ever fetched. Sizes, feature counts and vertices are capped;
a track longer than the vertex cap is thinned with an explicit notice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from geodata.geometry import MAX_VERTICES

MAX_BYTES = 20_000_000
MAX_FEATURES = 50_000
MAX_JSON_DEPTH = 64
FORMATS = ("geojson", "umap", "kml", "gpx", "osm")


class FormatError(ValueError):
    """The whole source is refused; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Feature:
    """One feature read from a source: where it was, its id, properties and raw geometry."""

    ref: str
    properties: dict[str, Any]
    geometry: Any
    id: str | None = None
    notice: str = ""


@dataclass
class Layer:
    """Features read from one source, and the features refused while reading."""

    features: list[Feature] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    name: str = ""


# --- JSON -------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise FormatError(f"JSON invalide : la clé « {key[:40]} » apparaît deux fois dans le même objet.")
        out[key] = value
    return out


def _depth_ok(text: str) -> bool:
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return False
        elif char in "]}":
            depth -= 1
    return True


def load_json(data: bytes) -> Any:
    """Parse JSON strictly: UTF-8 (BOM tolerated), no duplicate keys, bounded size and nesting.

    :raises FormatError: unreadable, too big or too deep.
    """
    if len(data) > MAX_BYTES:
        raise FormatError(f"Fichier trop gros : {MAX_BYTES // 1_000_000} Mo au plus.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FormatError("Fichier illisible : le JSON doit être encodé en UTF-8.") from None
    if not _depth_ok(text):
        raise FormatError(f"JSON trop imbriqué : {MAX_JSON_DEPTH} niveaux au plus.")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except FormatError:
        raise
    except json.JSONDecodeError as error:
        raise FormatError(
            f"JSON illisible (ligne {error.lineno}, colonne {error.colno}) : ce fichier n'est pas du JSON valide."
        ) from None
    except (ValueError, RecursionError):
        raise FormatError("JSON illisible : ce fichier n'est pas du JSON valide.") from None


def _refuse_constant(name: str) -> Any:
    raise FormatError(f"JSON invalide : {name} n'est pas un nombre JSON.")


def _feature_id(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    if value is None and isinstance(raw.get("properties"), dict):
        value = raw["properties"].get("id")
    return str(value)[:200] if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) else None


def _geojson_features(obj: Any, layer: Layer, prefix: str = "") -> None:
    if not isinstance(obj, dict):
        raise FormatError("GeoJSON invalide : un objet est attendu (FeatureCollection, Feature ou géométrie).")
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise FormatError("GeoJSON invalide : « features » doit être une liste.")
        if len(features) > MAX_FEATURES:
            raise FormatError(f"Trop d'objets : {MAX_FEATURES} au plus par fichier.")
        if obj.get("crs") is not None:
            crs = obj["crs"]
            name = (
                crs.get("properties", {}).get("name")
                if isinstance(crs, dict) and isinstance(crs.get("properties"), dict)
                else None
            )
            from geodata.geometry import WGS84_NAMES

            if name not in WGS84_NAMES:
                raise FormatError(
                    "Projection non prise en charge : GeoJSON est toujours en WGS 84 (longitude, latitude) ; reprojetez le fichier."
                )
        for number, raw in enumerate(features, 1):
            ref = f"{prefix}objet {number}"
            if not isinstance(raw, dict) or raw.get("type") != "Feature":
                layer.errors.append((ref, "objet GeoJSON « Feature » attendu."))
                continue
            props = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
            layer.features.append(
                Feature(
                    ref,
                    {str(k): v for k, v in props.items() if not str(k).startswith("_umap")},
                    raw.get("geometry"),
                    _feature_id(raw),
                )
            )
    elif kind == "Feature":
        props = obj.get("properties") if isinstance(obj.get("properties"), dict) else {}
        layer.features.append(Feature(f"{prefix}objet 1", dict(props), obj.get("geometry"), _feature_id(obj)))
    elif kind in (
        "Point",
        "LineString",
        "Polygon",
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
    ):
        layer.features.append(Feature(f"{prefix}objet 1", {}, obj))
    else:
        raise FormatError("GeoJSON invalide : type FeatureCollection, Feature ou géométrie attendu.")


def read_geojson(data: bytes) -> Layer:
    """Read a GeoJSON FeatureCollection, Feature or bare geometry."""
    obj = load_json(data)
    if isinstance(obj, dict) and obj.get("type") == "umap":
        return read_umap(data)
    if isinstance(obj, dict) and "elements" in obj:
        raise FormatError("Ce fichier est un export OpenStreetMap (Overpass) : importez-le avec le format osm.")
    layer = Layer()
    _geojson_features(obj, layer)
    return layer


def read_umap(data: bytes) -> Layer:
    """Read a uMap export (``.umap``): every data layer's features; styles and remote layers ignored."""
    obj = load_json(data)
    if not isinstance(obj, dict) or obj.get("type") != "umap":
        if isinstance(obj, dict) and obj.get("type") in ("FeatureCollection", "Feature"):
            layer = Layer()
            _geojson_features(obj, layer)
            return layer
        raise FormatError("Export uMap invalide : un objet de type « umap » avec des « layers » est attendu.")
    layers = obj.get("layers")
    if not isinstance(layers, list):
        raise FormatError("Export uMap invalide : « layers » doit être une liste.")
    out = Layer(
        name=str((obj.get("properties") or {}).get("name") or "")[:200]
        if isinstance(obj.get("properties"), dict)
        else ""
    )
    for number, raw in enumerate(layers, 1):
        options = raw.get("_umap_options") if isinstance(raw, dict) else None
        name = options.get("name") if isinstance(options, dict) else None
        prefix = f"calque {name or number}, "
        if not isinstance(raw, dict) or raw.get("type") != "FeatureCollection":
            out.errors.append((prefix.rstrip(", "), "calque sans objets (FeatureCollection attendue)."))
            continue
        _geojson_features(raw, out, prefix)
    return out


# --- XML ------------------------------------------------------------------------------------


def parse_xml(data: bytes) -> Element:
    """Parse XML with DTDs, entities and external references refused.

    :raises FormatError: too big, malformed, or carrying a DTD (XXE, entity bombs).
    """
    if len(data) > MAX_BYTES:
        raise FormatError(f"Fichier trop gros : {MAX_BYTES // 1_000_000} Mo au plus.")
    if not data.strip():
        raise FormatError("Fichier vide.")
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FormatError("XML refusé : les déclarations DOCTYPE et les entités sont interdites (sécurité).") from None
    except SafeET.ParseError as error:
        raise FormatError(f"XML illisible : {str(error)[:120]}.") from None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: Element, name: str) -> Iterator[Element]:
    return (child for child in element if _local(child.tag) == name)


def _child_text(element: Element, name: str) -> str:
    child = next(_children(element, name), None)
    return (child.text or "").strip() if child is not None else ""


def _descendants(element: Element, name: str) -> Iterator[Element]:
    return (node for node in element.iter() if _local(node.tag) == name)


_COORD_SPLIT = re.compile(r"\s+")


def _kml_coords(text: str) -> list[list[float]]:
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


def _kml_geometry(element: Element) -> dict[str, Any] | None:
    name = _local(element.tag)
    if name == "Point":
        coords = _kml_coords(_child_text(element, "coordinates"))
        return {"type": "Point", "coordinates": coords[0] if coords else []}
    if name == "LineString":
        return {"type": "LineString", "coordinates": _kml_coords(_child_text(element, "coordinates"))}
    if name == "Polygon":
        rings = []
        for boundary_name in ("outerBoundaryIs", "innerBoundaryIs"):
            for boundary in _children(element, boundary_name):
                for ring in _descendants(boundary, "LinearRing"):
                    rings.append(_kml_coords(_child_text(ring, "coordinates")))
        return {"type": "Polygon", "coordinates": rings}
    if name in ("MultiGeometry", "MultiTrack"):
        parts = [g for child in element if (g := _kml_geometry(child))]
        kinds = {p["type"] for p in parts}
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if kinds == {"Point"}:
            return {"type": "MultiPoint", "coordinates": [p["coordinates"] for p in parts]}
        if kinds == {"LineString"}:
            return {"type": "MultiLineString", "coordinates": [p["coordinates"] for p in parts]}
        if kinds == {"Polygon"}:
            return {"type": "MultiPolygon", "coordinates": [p["coordinates"] for p in parts]}
        return {"type": "GeometryCollection", "geometries": parts}
    if name == "Track":
        coords = [[float(v) for v in (c.text or "").split()[:2]] for c in _children(element, "coord")]
        return {"type": "LineString", "coordinates": coords}
    return None


def read_kml(data: bytes) -> Layer:
    """Read the placemarks of a KML document: name, description, extended data, geometry."""
    root = parse_xml(data)
    if _local(root.tag) != "kml":
        raise FormatError("KML invalide : l'élément racine doit être <kml>.")
    layer = Layer()
    for number, placemark in enumerate(_descendants(root, "Placemark"), 1):
        if number > MAX_FEATURES:
            raise FormatError(f"Trop d'objets : {MAX_FEATURES} au plus par fichier.")
        props: dict[str, Any] = {}
        for key in ("name", "description", "address"):
            if text := _child_text(placemark, key):
                props[key] = text
        for data_el in _descendants(placemark, "Data"):
            if data_el.get("name"):
                props[data_el.get("name", "")] = _child_text(data_el, "value")
        for simple in _descendants(placemark, "SimpleData"):
            if simple.get("name"):
                props[simple.get("name", "")] = (simple.text or "").strip()
        ref = f"repère {number}" + (f" « {props['name'][:60]} »" if props.get("name") else "")
        geometry = None
        try:
            for child in placemark:
                geometry = _kml_geometry(child)
                if geometry:
                    break
        except ValueError as error:
            layer.errors.append((ref, str(error)))
            continue
        layer.features.append(Feature(ref, props, geometry, placemark.get("id")))
    return layer


def _gpx_points(element: Element, name: str) -> list[list[float]]:
    out = []
    for point in _children(element, name):
        try:
            out.append([float(point.get("lon", "")), float(point.get("lat", ""))])
        except ValueError:
            raise ValueError("point GPX sans latitude ou longitude lisible.") from None
    return out


def _thin(coords: list[list[float]]) -> tuple[list[list[float]], str]:
    if len(coords) <= MAX_VERTICES:
        return coords, ""
    step = -(-len(coords) // (MAX_VERTICES - 1))
    thinned = coords[::step]
    if thinned[-1] != coords[-1]:
        thinned.append(coords[-1])
    return thinned, f"tracé allégé : {len(coords)} points ramenés à {len(thinned)}."


def read_gpx(data: bytes) -> Layer:
    """Read the waypoints, routes and tracks of a GPX file (long tracks are thinned, with a notice)."""
    root = parse_xml(data)
    if _local(root.tag) != "gpx":
        raise FormatError("GPX invalide : l'élément racine doit être <gpx>.")
    layer = Layer()
    count = 0
    for kind, label in (("wpt", "point"), ("rte", "itinéraire"), ("trk", "trace")):
        for number, element in enumerate(_children(root, kind), 1):
            count += 1
            if count > MAX_FEATURES:
                raise FormatError(f"Trop d'objets : {MAX_FEATURES} au plus par fichier.")
            props = {key: text for key in ("name", "desc", "cmt", "type") if (text := _child_text(element, key))}
            if "desc" in props:
                props["description"] = props.pop("desc")
            ref = f"{label} {number}" + (f" « {props['name'][:60]} »" if props.get("name") else "")
            notice = ""
            try:
                if kind == "wpt":
                    geometry: Any = {
                        "type": "Point",
                        "coordinates": [float(element.get("lon", "")), float(element.get("lat", ""))],
                    }
                elif kind == "rte":
                    coords, notice = _thin(_gpx_points(element, "rtept"))
                    geometry = {"type": "LineString", "coordinates": coords}
                else:
                    segments = []
                    for segment in _children(element, "trkseg"):
                        coords, note = _thin(_gpx_points(segment, "trkpt"))
                        notice = notice or note
                        if coords:
                            segments.append(coords)
                    geometry = (
                        None
                        if not segments
                        else {"type": "LineString", "coordinates": segments[0]}
                        if len(segments) == 1
                        else {"type": "MultiLineString", "coordinates": segments}
                    )
            except ValueError as error:
                layer.errors.append((ref, str(error) if "GPX" in str(error) else "coordonnées illisibles."))
                continue
            layer.features.append(Feature(ref, props, geometry, notice=notice))
    return layer


# --- OpenStreetMap --------------------------------------------------------------------------

#: Closed ways with these tags are areas (a simplified version of the OSM wiki's rules).
_AREA_KEYS = frozenset(
    {"building", "landuse", "leisure", "natural", "amenity", "place", "boundary", "area", "shop", "tourism", "water"}
)


def _osm_elements_from_xml(root: Element) -> list[dict[str, Any]]:
    elements = []
    for element in root:
        kind = _local(element.tag)
        if kind not in ("node", "way", "relation"):
            continue
        tags = {t.get("k", ""): t.get("v", "") for t in _children(element, "tag")}
        item: dict[str, Any] = {"type": kind, "id": element.get("id"), "tags": tags}
        if kind == "node":
            item["lat"], item["lon"] = element.get("lat"), element.get("lon")
        elif kind == "way":
            item["nodes"] = [nd.get("ref") for nd in _children(element, "nd")]
        else:
            item["members"] = [
                {"type": m.get("type"), "ref": m.get("ref"), "role": m.get("role", "")}
                for m in _children(element, "member")
            ]
        elements.append(item)
    return elements


def _osm_layer(elements: list[Any]) -> Layer:
    import shapely.geometry
    from shapely.ops import polygonize

    layer = Layer()
    nodes: dict[str, list[float]] = {}
    ways: dict[str, list[str]] = {}
    used: set[str] = set()
    for item in elements:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "node":
            try:
                nodes[str(item.get("id"))] = [float(item["lon"]), float(item["lat"])]
            except (KeyError, TypeError, ValueError):
                continue
        elif item.get("type") == "way" and isinstance(item.get("nodes"), list):
            ways[str(item.get("id"))] = [str(n) for n in item["nodes"]]
    for item in elements:
        if isinstance(item, dict) and item.get("type") == "way":
            used.update(ways.get(str(item.get("id")), []))
    count = 0
    for item in elements:
        if not isinstance(item, dict) or item.get("type") not in ("node", "way", "relation"):
            continue
        kind, osm_id = item["type"], str(item.get("id"))
        tags = item.get("tags") if isinstance(item.get("tags"), dict) else {}
        if not tags or (kind == "node" and osm_id in used and "name" not in tags):
            continue  # untagged vertices are parts of ways, not features
        count += 1
        if count > MAX_FEATURES:
            raise FormatError(f"Trop d'objets : {MAX_FEATURES} au plus par fichier.")
        ref = f"{kind} {osm_id}" + (f" « {str(tags['name'])[:60]} »" if tags.get("name") else "")
        props = {str(k): str(v) for k, v in tags.items()}
        geometry: Any = None
        if kind == "node":
            if osm_id not in nodes:
                layer.errors.append((ref, "nœud sans coordonnées."))
                continue
            geometry = {"type": "Point", "coordinates": nodes[osm_id]}
        elif kind == "way":
            refs = ways.get(osm_id, [])
            missing = [r for r in refs if r not in nodes]
            if missing or len(refs) < 2:
                layer.errors.append((ref, "chemin incomplet : des nœuds manquent dans le fichier."))
                continue
            coords = [nodes[r] for r in refs]
            closed = refs[0] == refs[-1] and len(refs) >= 4
            if closed and (set(tags) & _AREA_KEYS) and tags.get("area") != "no":
                geometry = {"type": "Polygon", "coordinates": [coords]}
            else:
                geometry = {"type": "LineString", "coordinates": coords}
        else:
            if tags.get("type") not in ("multipolygon", "boundary"):
                layer.errors.append(
                    (
                        ref,
                        f"relation de type « {str(tags.get('type', '?'))[:40]} » non prise en charge (seuls les multipolygones le sont).",
                    )
                )
                continue
            members = item.get("members") if isinstance(item.get("members"), list) else []
            lines = []
            for member in members:
                if isinstance(member, dict) and member.get("type") == "way" and str(member.get("ref")) in ways:
                    refs = ways[str(member.get("ref"))]
                    if all(r in nodes for r in refs) and len(refs) >= 2:
                        lines.append(shapely.geometry.LineString([nodes[r] for r in refs]))
            polygons = list(polygonize(lines))
            if not polygons:
                layer.errors.append(
                    (
                        ref,
                        "multipolygone incomplet : ses chemins manquent dans le fichier ou ne forment pas de contour fermé.",
                    )
                )
                continue
            shape = shapely.geometry.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
            geometry = shapely.geometry.mapping(shape)
            geometry = json.loads(json.dumps(geometry))  # tuples -> lists
        layer.features.append(Feature(ref, props, geometry, f"{kind}/{osm_id}"))
    return layer


def read_osm(data: bytes) -> Layer:
    """Read OpenStreetMap data: Overpass JSON (``elements``) or ``.osm`` XML; tagged nodes, ways and multipolygons."""
    head = data.lstrip()[:1]
    if head in (b"{", b"\xef"):
        obj = load_json(data)
        if not isinstance(obj, dict) or not isinstance(obj.get("elements"), list):
            raise FormatError("JSON OpenStreetMap invalide : une liste « elements » (format Overpass) est attendue.")
        return _osm_layer(obj["elements"])
    root = parse_xml(data)
    if _local(root.tag) != "osm":
        raise FormatError("OSM invalide : l'élément racine doit être <osm>.")
    return _osm_layer(_osm_elements_from_xml(root))


READERS = {"geojson": read_geojson, "umap": read_umap, "kml": read_kml, "gpx": read_gpx, "osm": read_osm}


def read(data: bytes, fmt: str) -> Layer:
    """Read ``data`` in format ``fmt`` (one of :data:`FORMATS`).

    :raises FormatError: unknown format, or a source that cannot be read.
    """
    reader = READERS.get(fmt)
    if reader is None:
        raise FormatError(f"Format inconnu : {fmt} (formats : {', '.join(FORMATS)}).")
    return reader(data)
