"""The GPX reader: waypoints, routes and tracks; long tracks thinned with a notice."""

from __future__ import annotations

import geodata.geometry as geo
from importers.gpx import features_from_gpx


def test_long_gpx_track_is_thinned_with_a_notice():
    points = b"".join(b'<trkpt lat="47.%06d" lon="-2.%06d"/>' % (i, i) for i in range(60_000))
    layer = features_from_gpx(
        b'<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><name>Long</name><trkseg>'
        + points
        + b"</trkseg></trk></gpx>"
    )
    feature = layer.features[0]
    assert len(feature.geometry["coordinates"]) <= geo.MAX_VERTICES
    assert "allégé" in feature.notice
    assert geo.clean(feature.geometry) is not None


def test_waypoints_routes_and_tracks_are_named_in_refs():
    layer = features_from_gpx(
        b'<gpx><wpt lat="47.6" lon="-2.1"><name>Gare</name><desc>Quai</desc></wpt>'
        b'<rte><rtept lat="47.6" lon="-2.1"/><rtept lat="47.7" lon="-2.0"/></rte>'
        b'<trk><trkseg><trkpt lat="1" lon="2"/><trkpt lat="1" lon="3"/></trkseg>'
        b'<trkseg><trkpt lat="2" lon="2"/><trkpt lat="2" lon="3"/></trkseg></trk>'
        b'<wpt lat="x" lon="1"/></gpx>'
    )
    assert [f.ref for f in layer.features] == ["point 1 « Gare »", "itinéraire 1", "trace 1"]
    assert layer.features[0].properties == {"name": "Gare", "description": "Quai"}
    assert [f.geometry["type"] for f in layer.features] == ["Point", "LineString", "MultiLineString"]
    assert layer.errors == [("point 2", "coordonnées illisibles.")]
