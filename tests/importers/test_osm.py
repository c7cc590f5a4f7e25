"""The OpenStreetMap reader: tagged nodes, ways and multipolygons, ids kept for re-imports."""

from __future__ import annotations

import json

from importers.osm import features_from_osm

ELEMENTS = [
    {"type": "node", "id": 1, "lat": 47.0, "lon": -2.0},
    {"type": "node", "id": 2, "lat": 47.0, "lon": -2.1},
    {"type": "node", "id": 3, "lat": 47.1, "lon": -2.1},
    {"type": "node", "id": 4, "lat": 47.2, "lon": -2.2, "tags": {"amenity": "bench"}},
    {"type": "way", "id": 10, "nodes": [1, 2, 3, 1], "tags": {"landuse": "meadow"}},
    {"type": "way", "id": 11, "nodes": [1, 99], "tags": {"highway": "path"}},
    {"type": "relation", "id": 20, "members": [], "tags": {"type": "route"}},
]


def test_overpass_json_gives_points_areas_and_named_refusals():
    layer = features_from_osm(json.dumps({"elements": ELEMENTS}).encode())
    assert [(f.id, f.geometry["type"]) for f in layer.features] == [("node/4", "Point"), ("way/10", "Polygon")]
    assert [ref for ref, _ in layer.errors] == ["way 11", "relation 20"]
    assert "incomplet" in layer.errors[0][1] and "route" in layer.errors[1][1]


def test_osm_xml_reads_the_same():
    xml = b"""<osm version="0.6"><node id="4" lat="47.2" lon="-2.2"><tag k="amenity" v="bench"/></node></osm>"""
    assert [f.id for f in features_from_osm(xml).features] == ["node/4"]
