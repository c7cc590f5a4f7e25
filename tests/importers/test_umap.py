"""The uMap reader: every data layer, uMap options dropped, broken layers named."""

from __future__ import annotations

import json

import pytest

from importers.features import FormatError
from importers.umap import features_from_umap


def test_layers_are_read_and_named_in_refs():
    export = {"type": "umap", "layers": [
        {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "A", "_umap_options": {}},
                                                    "geometry": {"type": "Point", "coordinates": [1, 2]}}]},
        {"type": "Feature"}]}  # fmt: skip
    layer = features_from_umap(json.dumps(export).encode())
    assert [(f.ref, f.properties) for f in layer.features] == [("calque 1, objet 1", {"name": "A"})]
    assert layer.errors == [("calque 2", "calque sans objets (FeatureCollection attendue).")]


def test_plain_geojson_is_accepted_and_anything_else_refused():
    assert len(features_from_umap(b'{"type": "Feature", "properties": {}, "geometry": null}').features) == 1
    with pytest.raises(FormatError, match="uMap invalide"):
        features_from_umap(b'{"type": "Point", "coordinates": [1, 2]}')
