"""GeoJSON map layers: ``features_from_geojson`` and the ``geojson`` importer.

The reader is pure (no Flask, no database): a FeatureCollection, a Feature or
a bare geometry, in WGS 84 only (RFC 7946; a projected ``crs`` is refused).
A uMap export saved as ``.json`` is read as uMap; an Overpass export is sent
to the ``osm`` importer with a clear message.
"""

from __future__ import annotations

from importers.features import FormatError
from importers.features import Layer
from importers.features import collect_geojson
from importers.features import load_json
from importers.layers import LayerImporter
from importers.umap import features_from_umap


def features_from_geojson(data: bytes) -> Layer:
    """Read a GeoJSON FeatureCollection, Feature or bare geometry.

    :raises FormatError: not GeoJSON, or not readable.
    """
    obj = load_json(data)
    if isinstance(obj, dict) and obj.get("type") == "umap":
        return features_from_umap(data)
    if isinstance(obj, dict) and "elements" in obj:
        raise FormatError("Ce fichier est un export OpenStreetMap (Overpass) : importez-le avec le format osm.")
    layer = Layer()
    collect_geojson(obj, layer)
    return layer


class GeojsonImporter(LayerImporter):
    """``lieudit import geojson``: the features of a GeoJSON file become records."""

    name = "geojson"
    label = "GeoJSON"

    def read(self, data: bytes) -> Layer:
        """Read the GeoJSON features (:func:`features_from_geojson`)."""
        return features_from_geojson(data)
