"""The OpenStreetMap reader: tagged nodes, ways and multipolygons, ids kept for re-imports."""

from __future__ import annotations

import json

import shapely.geometry

import geodata.geometry as geo
from importers import get_importer
from importers.osm import features_from_osm
from tests.shared import DATA

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


def _node(osm_id, lon, lat, **tags):
    return {"type": "node", "id": osm_id, "lon": lon, "lat": lat, **({"tags": tags} if tags else {})}


def _way(osm_id, nodes, **tags):
    return {"type": "way", "id": osm_id, "nodes": nodes, **({"tags": tags} if tags else {})}


def _relation(osm_id, members, **tags):
    return {"type": "relation", "id": osm_id, "tags": {"type": "multipolygon", **tags},
            "members": [{"type": "way", "ref": ref, "role": role} for ref, role in members]}  # fmt: skip


def _read(elements):
    return features_from_osm(json.dumps({"elements": elements}).encode())


STREET = [
    _node(1, -2.086, 47.651),
    _node(2, -2.085, 47.652, highway="crossing", crossing="zebra"),  # a vertex with a meaning of its own
    _node(3, -2.084, 47.653, created_by="JOSM"),  # a vertex whose only tag says nothing of the place
    _node(4, -2.083, 47.654),
    _node(5, -2.082, 47.655, source="cadastre"),  # on no way, nothing said of it
    _way(10, [1, 2, 3, 4], highway="residential", name="Rue du Port"),
    _way(11, [1, 4]),
]


def test_tagged_vertices_are_points_and_what_is_skipped_is_said():
    layer = _read(STREET)
    assert [(f.id, f.geometry["type"]) for f in layer.features] == [("node/2", "Point"), ("way/10", "LineString")]
    assert layer.features[0].properties == {"highway": "crossing", "crossing": "zebra"}
    assert layer.errors == []
    assert layer.warnings == [
        "Non importés, faute de tag qui les décrive (aucun, ou seulement created_by, source…) : "
        "3 nœuds sommets de chemins (leur position reste dans le tracé des chemins), 1 nœud hors de tout chemin, "
        "1 chemin."
    ]


def _square(first, lon, lat, size):
    return [_node(first, lon, lat), _node(first + 1, lon + size, lat), _node(first + 2, lon + size, lat + size),
            _node(first + 3, lon, lat + size)]  # fmt: skip


WOOD = [
    *_square(100, -2.10, 47.60, 0.04),
    *_square(110, -2.09, 47.61, 0.01),
    *_square(120, -2.00, 47.60, 0.02),
    _way(30, [100, 101, 102]),  # the outer ring in two ways, the second one drawn backwards
    _way(31, [100, 103, 102]),
    _way(32, [110, 111, 112, 113, 110]),
    _way(33, [120, 121, 122, 123, 120]),
    _relation(40, [(30, "outer"), (32, "inner"), (31, "outer"), (33, "outer")], landuse="forest", name="Bois"),
]


def test_a_multipolygon_is_assembled_from_its_rings_with_its_hole_and_no_notice():
    (wood,) = _read(WOOD).features
    assert wood.id == "relation/40" and wood.notice == ""
    assert wood.geometry["type"] == "MultiPolygon"
    with_hole, island = sorted(wood.geometry["coordinates"], key=len, reverse=True)
    assert len(with_hole) == 2 and len(island) == 1
    shape = shapely.geometry.shape(wood.geometry)
    assert shape.is_valid and abs(shape.area - (0.04**2 - 0.01**2 + 0.02**2)) < 1e-9
    cleaned = geo.clean(wood.geometry, repair=True)
    assert cleaned.notice == "" and len(cleaned.geometry["coordinates"]) == 2


def test_the_sample_multipolygon_keeps_its_inner_ring_without_being_corrected():
    layer = features_from_osm((DATA / "geodata/osm/osmtogeojson_relation.osm").read_bytes())
    relation = next(f for f in layer.features if f.id == "relation/1")
    assert relation.geometry["type"] == "Polygon" and len(relation.geometry["coordinates"]) == 2
    assert relation.notice == "" and geo.clean(relation.geometry, repair=True).notice == ""


def test_only_a_geometry_actually_changed_is_said_corrected():
    bowtie = [*_square(100, -2.10, 47.60, 0.04), _way(30, [100, 101, 103, 102, 100]), _relation(40, [(30, "outer")])]
    (feature,) = _read(bowtie).features
    assert "corrigé" in feature.notice and shapely.geometry.shape(feature.geometry).is_valid
    touching = [*_square(100, -2.10, 47.60, 0.04), *_square(110, -2.06, 47.60, 0.04),
                _way(30, [100, 101, 102, 103, 100]), _way(31, [110, 111, 112, 113, 110]),
                _relation(40, [(30, "outer"), (31, "outer")])]  # fmt: skip
    (feature,) = _read(touching).features  # two outers sharing a side: one area, the same ground
    assert feature.notice == "" and shapely.geometry.shape(feature.geometry).is_valid


def test_incomplete_multipolygons_are_refused_with_the_reason():
    missing = [*WOOD[:-1], _relation(40, [(30, "outer"), (31, "outer"), (99, "inner")], name="Bois")]
    assert _read(missing).errors == [("relation 40 « Bois »", "multipolygone incomplet : le chemin 99 manque dans "
                                      "le fichier (téléchargez la relation complète).")]  # fmt: skip
    open_ring = [*WOOD[:-1], _relation(40, [(30, "outer")], name="Bois")]
    ((ref, message),) = _read(open_ring).errors
    assert ref == "relation 40 « Bois »" and "ne se referme pas" in message


def test_a_tagged_vertex_and_a_multipolygon_import_without_a_false_correction(app, db, author):
    data = json.dumps({"elements": STREET + WOOD}).encode()
    result = get_importer("osm").run(db, data, form=None, author=author, dry_run=False)
    assert result.error is None and result.created == 3 and result.errors == []
    assert not any("corrig" in w or "croisait" in w for w in result.warnings)
    assert any(w.startswith("Non importés, faute de tag") for w in result.warnings)
    db.rollback()


def test_an_inner_ring_outside_every_outer_is_left_out_with_a_notice():
    stray = [*_square(100, -2.10, 47.60, 0.04), *_square(120, -2.00, 47.60, 0.02),
             _way(30, [100, 101, 102, 103, 100]), _way(33, [120, 121, 122, 123, 120]),
             _relation(40, [(30, "outer"), (33, "inner")], landuse="forest")]  # fmt: skip
    (feature,) = _read(stray).features
    assert feature.geometry["type"] == "Polygon" and len(feature.geometry["coordinates"]) == 1
    assert "1 contour(s) intérieur(s) hors de tout contour extérieur, laissé(s) de côté." in feature.notice
