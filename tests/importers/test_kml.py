"""The KML reader: placemarks with their extended data and geometries."""

from __future__ import annotations

from importers.kml import features_from_kml

KML = """<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark id="p1"><name>Lavoir</name><ExtendedData><Data name="etat"><value>restaure</value></Data></ExtendedData>
<Point><coordinates>-2.08,47.65,0</coordinates></Point></Placemark>
<Placemark><MultiGeometry><Point><coordinates>1,2</coordinates></Point><Point><coordinates>3,4</coordinates></Point>
</MultiGeometry></Placemark>
<Placemark><name>Cassé</name><LineString><coordinates>1,2 x</coordinates></LineString></Placemark>
</Document></kml>""".encode()


def test_placemarks_become_features_with_their_data():
    layer = features_from_kml(KML)
    lavoir, pair = layer.features
    assert lavoir.id == "p1" and lavoir.properties == {"name": "Lavoir", "etat": "restaure"}
    assert lavoir.geometry == {"type": "Point", "coordinates": [-2.08, 47.65]}
    assert pair.geometry == {"type": "MultiPoint", "coordinates": [[1.0, 2.0], [3.0, 4.0]]}
    assert layer.errors == [("repère 3 « Cassé »", "coordonnées KML illisibles : « x ».")]
