"""Geometry rules: RFC 7946 validation, repair policy, caps, bbox, simplification, zone lookup."""

from __future__ import annotations

import json
import time

import pytest
import shapely.geometry

import geodata.geometry as geo
from geodata.zone_index import ZoneIndex
from tests.shared import DATA

COMMUNES_35 = DATA / "geodata/admin-boundaries/communes-35-ille-et-vilaine.geojson"
BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
CLOCKWISE = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}


def refused(raw, **kw):
    with pytest.raises(geo.GeometryError) as info:
        geo.clean(raw, **kw)
    return info.value.message


@pytest.mark.parametrize(
    ("raw", "start"),
    [
        pytest.param({"type": "Point", "coordinates": [999, -999]}, "Longitude hors limites", id="out_of_range"),
        pytest.param(
            {"type": "Point", "coordinates": [float("nan"), 1]}, "Géométrie invalide : les coordonnées", id="nan"
        ),
        pytest.param(
            {"type": "Point", "coordinates": ["1", "2"]}, "Géométrie invalide : les coordonnées", id="strings"
        ),
        pytest.param({"type": "Point", "coordinates": [1, 2, 3, 4]}, "Géométrie invalide : chaque point", id="4d"),
        pytest.param({"type": "Point", "coordinates": []}, "Géométrie vide", id="empty"),
        pytest.param({"type": "LineString", "coordinates": [[1, 2]]}, "Ligne invalide", id="one_point_line"),
        pytest.param(
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "Contour non fermé", id="unclosed"
        ),
        pytest.param(BOWTIE, "Géométrie invalide : polygone invalide", id="self_intersecting"),
        pytest.param(
            {"type": "Point", "coordinates": [1, 2], "crs": {"type": "name", "properties": {"name": "EPSG:2154"}}},
            "Projection non prise en charge",
            id="exotic_crs",
        ),
        pytest.param({"type": "Point", "coordinates": 10**400}, "Géométrie invalide", id="huge_int"),
    ],
)
def test_bad_geometries_are_refused_with_a_french_message(raw, start):
    assert refused(raw).startswith(start)


def test_nested_geometry_collection_is_refused_shallowly():
    raw: dict = {"type": "GeometryCollection", "geometries": []}
    for _ in range(10_000):
        raw = {"type": "GeometryCollection", "geometries": [raw]}
    began = time.perf_counter()
    assert "GeometryCollection" in refused(raw)
    assert time.perf_counter() - began < 0.1


def test_coordinate_bomb_is_capped_before_any_work(monkeypatch):
    line = {"type": "LineString", "coordinates": [[0.0, 0.0]] * 5_000_000}
    visited = []
    position = geo._position
    monkeypatch.setattr(geo, "_position", lambda raw, *args: visited.append(raw) or position(raw, *args))
    assert refused(line).startswith("Géométrie trop détaillée")
    # Refused at the first point past the cap: the other millions are never read.
    assert len(visited) == geo.MAX_VERTICES + 1


def test_wgs84_crs_is_accepted_and_altitude_dropped():
    cleaned = geo.clean(
        {
            "type": "Point",
            "coordinates": [-2.08, 47.65, 12.0],
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        }
    )
    assert cleaned.geometry == {"type": "Point", "coordinates": [-2.08, 47.65]}


def test_french_lat_lon_text_becomes_a_lon_lat_point():
    assert geo.clean("47,6559 ; -2,0802").geometry == {"type": "Point", "coordinates": [-2.0802, 47.6559]}


def test_rings_are_wound_per_rfc_7946():
    cleaned = geo.clean(CLOCKWISE).geometry
    ring = shapely.geometry.LinearRing(cleaned["coordinates"][0])
    assert ring.is_ccw
    assert shapely.geometry.shape(cleaned).area == pytest.approx(1.0)


def test_invalid_polygon_is_repaired_with_a_notice_when_asked():
    cleaned = geo.clean(BOWTIE, repair=True)
    shape = shapely.geometry.shape(cleaned.geometry)
    assert shape.is_valid and shape.area == pytest.approx(0.5)
    assert cleaned.notice.startswith("Polygone corrigé")


def test_overlapping_outlines_are_merged_and_not_said_corrected():
    overlapping = {
        "type": "MultiPolygon",
        "coordinates": [[[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]], [[[1, 1], [3, 1], [3, 3], [1, 3], [1, 1]]]],
    }
    cleaned = geo.clean(overlapping, repair=True)
    shape = shapely.geometry.shape(cleaned.geometry)
    assert shape.is_valid and shape.area == pytest.approx(7.0)  # their union: the overlap is kept, not cut out
    assert cleaned.notice == ""  # the same ground as drawn: nothing for a contributor to check


def test_disallowed_kind_is_refused():
    assert "non autorisé" in refused({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, kinds=("Point",))


def test_bbox_and_bbox_parameter():
    assert geo.bbox({"type": "LineString", "coordinates": [[-2.2, 47.6], [-2.0, 47.7]]}) == (-2.2, 47.6, -2.0, 47.7)
    assert geo.parse_bbox("-2.3,47.5,-1.8,47.8") == (-2.3, 47.5, -1.8, 47.8)
    assert geo.parse_bbox(None) is None
    for bad in ("1,2,3", "a,b,c,d", "nan,1,2,3", "3,1,2,4"):
        with pytest.raises(geo.GeometryError):
            geo.parse_bbox(bad)


def test_simplify_keeps_the_shape_valid_and_lighter():
    communes = json.loads(COMMUNES_35.read_bytes())
    redon = next(f for f in communes["features"] if f["properties"]["code"] == "35236")
    boundary = geo.clean(redon["geometry"], repair=True, max_vertices=200_000, max_bytes=5_000_000).geometry
    simple = geo.simplify(boundary, 0.002)
    assert shapely.geometry.shape(simple).is_valid
    assert len(json.dumps(simple)) < len(json.dumps(boundary))
    assert geo.simplify({"type": "Point", "coordinates": [1, 2]}, 1) == {"type": "Point", "coordinates": [1, 2]}


def test_zone_index_finds_the_commune_of_real_points():
    communes = json.loads(COMMUNES_35.read_bytes())
    index = ZoneIndex((f["properties"]["code"], f["geometry"]) for f in communes["features"])
    assert index.containing({"type": "Point", "coordinates": [-2.0850, 47.6520]}) == [
        "35236"
    ]  # Redon, near the station
    assert index.points([(-2.0850, 47.6520), (-1.6778, 48.1173), (-3.0, 47.0)]) == [
        ["35236"],
        ["35238"],
        [],
    ]  # Redon, Rennes, the sea
    crossing = index.containing({"type": "LineString", "coordinates": [[-2.085, 47.652], [-2.075, 47.716]]})
    assert "35236" in crossing and "35013" in crossing  # Redon to Bains-sur-Oust


def test_points_found_together_lie_where_each_alone_lies():
    communes = json.loads(COMMUNES_35.read_bytes())
    index = ZoneIndex((f["properties"]["code"], f["geometry"]) for f in communes["features"])
    redon = next(f for f in communes["features"] if f["properties"]["code"] == "35236")["geometry"]
    corner = redon["coordinates"][0][0] if redon["type"] == "Polygon" else redon["coordinates"][0][0][0]
    points = [[-2.0850, 47.6520], [-1.6778, 48.1173], [-3.0, 47.0], list(corner)]  # the last on a boundary: touching
    alone = [index.containing({"type": "Point", "coordinates": p}) for p in points]
    assert index.containing_points(points) == alone and alone[3] and index.containing_points([]) == []
