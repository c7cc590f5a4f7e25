"""What the map-layer readers share: features, caps, strict JSON and hardened XML.

Pure (no Flask, no database, no project code but :mod:`geodata.geometry`'s
constants). Each source format has its own module (``geojson``, ``umap``,
``kml``, ``gpx``, ``osm``) whose ``features_from_*`` reader returns a
:class:`Layer`: the features it could read (raw geometries, to be validated
by :func:`geodata.geometry.clean`) and a French message per feature it could
not. A source that cannot be read at all raises :class:`FormatError`.

Hostile input (HOSTILE_INPUTS B6): JSON is parsed strictly (duplicate keys
refused, a UTF-8 BOM tolerated, nesting and size capped); XML goes through
defusedxml with DTDs forbidden, so entity bombs, external entities, external
DTDs and XInclude are refused before any expansion and nothing referenced by
the file is ever fetched. Sizes and feature counts are capped here; vertices
by the readers of long tracks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from geodata.geometry import WGS84_NAMES
from importers.sniff import not_this

MAX_BYTES = 20_000_000
MAX_FEATURES = 50_000
MAX_JSON_DEPTH = 64
TOO_MANY = f"Trop d'objets : {MAX_FEATURES} au plus par fichier."
GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon",
                  "GeometryCollection")  # fmt: skip


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
    #: What was left out of the whole layer (a column that cannot be kept…), in French.
    warnings: list[str] = field(default_factory=list)


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


def _refuse_constant(name: str) -> Any:
    raise FormatError(f"JSON invalide : {name} n'est pas un nombre JSON.")


def load_json(data: bytes) -> Any:
    """Parse JSON strictly: UTF-8 (BOM tolerated), no duplicate keys, bounded size and nesting.

    :raises FormatError: unreadable, too big or too deep.
    """
    if len(data) > MAX_BYTES:
        raise FormatError(f"Fichier trop gros : {MAX_BYTES // 1_000_000} Mo au plus.")
    if wrong := not_this(data, "du JSON", "json"):  # a GeoPackage, a PDF… : say so, not « JSON illisible »
        raise FormatError(f"JSON illisible : {wrong}")
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


# --- GeoJSON objects (GeoJSON files and the layers of a uMap export) --------------------------


def _feature_id(raw: dict[str, Any]) -> str | None:
    value = raw.get("id")
    if value is None and isinstance(raw.get("properties"), dict):
        value = raw["properties"].get("id")
    return str(value)[:200] if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value) else None


def _properties(raw: dict[str, Any]) -> dict[str, Any]:
    props = raw.get("properties")
    return props if isinstance(props, dict) else {}


def _check_crs(obj: dict[str, Any]) -> None:
    crs = obj["crs"]
    props = crs.get("properties") if isinstance(crs, dict) else None
    if (props.get("name") if isinstance(props, dict) else None) not in WGS84_NAMES:
        raise FormatError(
            "Projection non prise en charge : GeoJSON est toujours en WGS 84 (longitude, latitude) ; reprojetez le fichier."
        )


def collect_geojson(obj: Any, layer: Layer, prefix: str = "") -> None:
    """Add the features of a GeoJSON FeatureCollection, Feature or bare geometry to ``layer``.

    uMap properties (``_umap…``) are dropped; ``prefix`` names the uMap layer in refs.

    :raises FormatError: not a GeoJSON object, too many features, or a projected CRS.
    """
    if not isinstance(obj, dict):
        raise FormatError("GeoJSON invalide : un objet est attendu (FeatureCollection, Feature ou géométrie).")
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, list):
            raise FormatError("GeoJSON invalide : « features » doit être une liste.")
        if len(features) > MAX_FEATURES:
            raise FormatError(TOO_MANY)
        if obj.get("crs") is not None:
            _check_crs(obj)
        for number, raw in enumerate(features, 1):
            ref = f"{prefix}objet {number}"
            if not isinstance(raw, dict) or raw.get("type") != "Feature":
                layer.errors.append((ref, "objet GeoJSON « Feature » attendu."))
                continue
            kept = {str(k): v for k, v in _properties(raw).items() if not str(k).startswith("_umap")}
            layer.features.append(Feature(ref, kept, raw.get("geometry"), _feature_id(raw)))
    elif kind == "Feature":
        layer.features.append(
            Feature(f"{prefix}objet 1", dict(_properties(obj)), obj.get("geometry"), _feature_id(obj))
        )
    elif kind in GEOMETRY_TYPES:
        layer.features.append(Feature(f"{prefix}objet 1", {}, obj))
    else:
        raise FormatError("GeoJSON invalide : type FeatureCollection, Feature ou géométrie attendu.")


# --- XML ------------------------------------------------------------------------------------


def parse_xml(data: bytes) -> Element:
    """Parse XML with DTDs, entities and external references refused.

    :raises FormatError: too big, malformed, or carrying a DTD (XXE, entity bombs).
    """
    if len(data) > MAX_BYTES:
        raise FormatError(f"Fichier trop gros : {MAX_BYTES // 1_000_000} Mo au plus.")
    if not data.strip():
        raise FormatError("Fichier vide.")
    if wrong := not_this(data, "du XML", "xml"):
        raise FormatError(f"XML illisible : {wrong}")
    try:
        return SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FormatError("XML refusé : les déclarations DOCTYPE et les entités sont interdites (sécurité).") from None
    except SafeET.ParseError as error:
        raise FormatError(f"XML illisible : {str(error)[:120]}.") from None


def local_name(tag: Any) -> str:
    """The tag without its namespace (``{http://…}Placemark`` -> ``Placemark``)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: Element, name: str) -> Iterator[Element]:
    """The direct children of ``element`` named ``name`` (any namespace)."""
    return (child for child in element if local_name(child.tag) == name)


def child_text(element: Element, name: str) -> str:
    """The stripped text of the first child named ``name`` ("" when there is none)."""
    child = next(children(element, name), None)
    return (child.text or "").strip() if child is not None else ""


def descendants(element: Element, name: str) -> Iterator[Element]:
    """Every element named ``name`` under ``element`` (itself included)."""
    return (node for node in element.iter() if local_name(node.tag) == name)
