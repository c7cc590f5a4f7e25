"""uMap exports (``.umap``): ``features_from_umap`` and the ``umap`` importer.

The reader is pure (no Flask, no database): every data layer's features are
read as GeoJSON; styles, ``_umap…`` options and remote layers are ignored.
A plain GeoJSON file given as uMap is read as GeoJSON.
"""

from __future__ import annotations

from importers.features import FormatError
from importers.features import Layer
from importers.features import collect_geojson
from importers.features import load_json
from importers.layers import LayerImporter


def features_from_umap(data: bytes) -> Layer:
    """Read a uMap export: every data layer's features, each ref naming its layer.

    :raises FormatError: not a uMap export (nor GeoJSON), or not readable.
    """
    obj = load_json(data)
    if not isinstance(obj, dict) or obj.get("type") != "umap":
        if isinstance(obj, dict) and obj.get("type") in ("FeatureCollection", "Feature"):
            layer = Layer()
            collect_geojson(obj, layer)
            return layer
        raise FormatError("Export uMap invalide : un objet de type « umap » avec des « layers » est attendu.")
    layers = obj.get("layers")
    if not isinstance(layers, list):
        raise FormatError("Export uMap invalide : « layers » doit être une liste.")
    properties = obj.get("properties")
    out = Layer(name=str(properties.get("name") or "")[:200] if isinstance(properties, dict) else "")
    for number, raw in enumerate(layers, 1):
        options = raw.get("_umap_options") if isinstance(raw, dict) else None
        name = options.get("name") if isinstance(options, dict) else None
        prefix = f"calque {name or number}, "
        if not isinstance(raw, dict) or raw.get("type") != "FeatureCollection":
            out.errors.append((prefix.rstrip(", "), "calque sans objets (FeatureCollection attendue)."))
            continue
        collect_geojson(raw, out, prefix)
    return out


class UmapImporter(LayerImporter):
    """``lieudit import umap``: the features of every layer of a uMap export become records."""

    name = "umap"
    label = "uMap"

    def read(self, data: bytes) -> Layer:
        """Read every layer of the uMap export (:func:`features_from_umap`)."""
        return features_from_umap(data)
