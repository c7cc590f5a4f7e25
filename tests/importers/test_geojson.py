"""The GeoJSON reader: WGS 84 only, uMap and Overpass files recognised."""

from __future__ import annotations

import json

import pytest

from importers.features import FormatError
from importers.geojson import features_from_geojson


def test_exotic_crs_on_a_collection_is_refused():
    data = b'{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:2154"}},"features":[]}'
    with pytest.raises(FormatError, match="WGS 84"):
        features_from_geojson(data)


def test_a_umap_export_saved_as_json_is_read_as_umap():
    umap = {"type": "umap", "properties": {"name": "Carte"}, "layers": [
        {"type": "FeatureCollection", "_umap_options": {"name": "Jardins"}, "features": [
            {"type": "Feature", "properties": {"name": "Potager"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]}]}  # fmt: skip
    layer = features_from_geojson(json.dumps(umap).encode())
    assert layer.name == "Carte" and [f.ref for f in layer.features] == ["calque Jardins, objet 1"]


def test_an_overpass_export_is_sent_to_the_osm_format():
    with pytest.raises(FormatError, match="format osm"):
        features_from_geojson(b'{"version": 0.6, "elements": []}')


def test_feature_ids_come_from_the_feature_or_its_properties():
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": 7, "properties": {}, "geometry": None},
        {"type": "Feature", "properties": {"id": "abc"}, "geometry": None},
        {"type": "Feature", "id": True, "properties": {}, "geometry": None}]}  # fmt: skip
    assert [f.id for f in features_from_geojson(json.dumps(collection).encode()).features] == ["7", "abc", None]
