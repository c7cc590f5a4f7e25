"""The KML reader: placemarks with their extended data and geometries."""

from __future__ import annotations

import io
import re

from geodata.geometry import MAX_VERTICES
from importers import get_importer
from importers.kml import features_from_kml
from tests.factories import PASSWORD

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


#: A Google export as they come: Location History placemarks (an empty <Point> beside the gx:Track that holds
#: the positions), a gx:MultiTrack, a My Maps MultiGeometry with an empty point, ExtendedData and SchemaData.
GOOGLE = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>Historique des positions 2024-05-18</name>
<Schema name="Sortie" id="sortie"><SimpleField type="string" name="Mode"/><SimpleField type="double" name="Distance"/></Schema>
<Placemark><name>Vélo Redon - Bains-sur-Oust</name>
  <ExtendedData><Data name="Category"><value>Cycling</value></Data><Data name="Distance"><value>8421</value></Data></ExtendedData>
  <Point><coordinates></coordinates></Point>
  <gx:Track><altitudeMode>clampToGround</altitudeMode>
    <when>2024-05-18T08:02:11Z</when><when>2024-05-18T08:10:40Z</when><when>2024-05-18T08:31:05Z</when>
    <gx:coord>-2.0853 47.6517 12</gx:coord><gx:coord>-2.0921 47.6702 18</gx:coord><gx:coord>-2.1084 47.7060 41</gx:coord>
  </gx:Track>
</Placemark>
<Placemark><name>Halte au lavoir</name>
  <Point><coordinates/></Point>
  <gx:Track><when>2024-05-18T08:40:00Z</when><gx:coord>-2.1100 47.7071 40</gx:coord></gx:Track>
</Placemark>
<Placemark><name>Retour en deux temps</name>
  <gx:MultiTrack><altitudeMode>clampToGround</altitudeMode><gx:interpolate>0</gx:interpolate>
    <gx:Track><when>2024-05-18T16:00:00Z</when><when>2024-05-18T16:20:00Z</when>
      <gx:coord>-2.1084 47.7060 41</gx:coord><gx:coord>-2.0990 47.6890 25</gx:coord></gx:Track>
    <gx:Track><when>2024-05-18T17:05:00Z</when><when>2024-05-18T17:30:00Z</when>
      <gx:coord>-2.0990 47.6890 25</gx:coord><gx:coord>-2.0853 47.6517 12</gx:coord></gx:Track>
  </gx:MultiTrack>
</Placemark>
<Placemark><name>Chemin de halage</name><description>Le long de la Vilaine</description>
  <MultiGeometry><Point><coordinates>  </coordinates></Point>
    <LineString><tessellate>1</tessellate><coordinates>
      -2.0830,47.6480,0
      -2.0790,47.6400,0
    </coordinates></LineString></MultiGeometry>
</Placemark>
<Placemark><name>Marché de Redon</name>
  <ExtendedData><Data name="Horaires"><displayName>Horaires</displayName><value>lundi matin</value></Data></ExtendedData>
  <Point><coordinates>
    -2.0853,47.6517,0
  </coordinates></Point>
</Placemark>
<Placemark><name>Port de Redon</name>
  <ExtendedData><SchemaData schemaUrl="#sortie"><SimpleData name="Mode">à pied</SimpleData>
    <SimpleData name="Distance">1200</SimpleData></SchemaData></ExtendedData>
  <Point><coordinates>-2.0870,47.6495</coordinates></Point>
</Placemark>
<Placemark><name>Position inconnue</name>
  <TimeStamp><when>2024-05-18T12:00:00Z</when></TimeStamp>
  <Point><coordinates></coordinates></Point>
</Placemark>
</Document></kml>""".encode()


def test_google_exports_read_tracks_and_leave_empty_geometries_aside():
    layer = features_from_kml(GOOGLE)
    by_name = {f.properties["name"]: f for f in layer.features}
    assert len(layer.features) == 6
    assert layer.errors == [("repère 7 « Position inconnue »", "géométrie vide : ce repère n'a aucune coordonnée.")]
    velo = by_name["Vélo Redon - Bains-sur-Oust"]
    assert velo.geometry == {"type": "LineString",
                             "coordinates": [[-2.0853, 47.6517], [-2.0921, 47.6702], [-2.1084, 47.706]]}  # fmt: skip
    assert velo.properties == {"name": "Vélo Redon - Bains-sur-Oust", "Category": "Cycling", "Distance": "8421",
                               "debut": "2024-05-18T08:02:11Z", "fin": "2024-05-18T08:31:05Z"}  # fmt: skip
    halte = by_name["Halte au lavoir"]
    assert halte.geometry == {"type": "Point", "coordinates": [-2.11, 47.7071]}
    assert halte.properties["debut"] == halte.properties["fin"] == "2024-05-18T08:40:00Z"
    retour = by_name["Retour en deux temps"]
    assert retour.geometry["type"] == "MultiLineString" and len(retour.geometry["coordinates"]) == 2
    assert (retour.properties["debut"], retour.properties["fin"]) == ("2024-05-18T16:00:00Z", "2024-05-18T17:30:00Z")
    assert by_name["Chemin de halage"].geometry == {"type": "LineString",
                                                    "coordinates": [[-2.083, 47.648], [-2.079, 47.64]]}  # fmt: skip
    assert by_name["Marché de Redon"].properties["Horaires"] == "lundi matin"
    assert by_name["Port de Redon"].properties == {"name": "Port de Redon", "Mode": "à pied", "Distance": "1200"}


def test_an_unreadable_track_position_is_refused_in_french():
    kml = b"""<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"><Placemark>
    <gx:Track><when>2024-05-18T08:00:00Z</when><gx:coord>-2.08 nord 0</gx:coord></gx:Track></Placemark></kml>"""
    layer = features_from_kml(kml)
    assert not layer.features and layer.errors == [("repère 1", "position gx:Track illisible : « -2.08 nord 0 ».")]


def test_a_long_track_is_thinned_with_a_notice():
    coords = "".join(f"<gx:coord>{-2 + i / 100000} 47.6 0</gx:coord>" for i in range(MAX_VERTICES + 500))
    kml = f"""<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
    <Placemark><gx:Track>{coords}</gx:Track></Placemark></kml>""".encode()
    (feature,) = features_from_kml(kml).features
    assert len(feature.geometry["coordinates"]) <= MAX_VERTICES and "allégé" in feature.notice


def test_a_google_export_imports_all_but_the_placemark_without_position(app, db, author):
    result = get_importer("kml").run(db, GOOGLE, form=None, author=author, dry_run=False)
    assert result.error is None and result.created == 6
    assert [(e.ref, e.message) for e in result.errors] == [
        ("repère 7 « Position inconnue »", "géométrie vide : ce repère n'a aucune coordonnée.")
    ]
    db.rollback()


def test_the_upload_screen_previews_and_imports_a_google_export(client, db, moderator):
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    shown = client.post("/carte/importer", data={"form": "lieu", "file": (io.BytesIO(GOOGLE), "historique.kml")},
                        content_type="multipart/form-data")  # fmt: skip
    assert shown.status_code == 200 and "Halte au lavoir" in shown.text and "géométrie vide" in shown.text
    token = re.search(r'name="token" value="([0-9a-f]{32})"', shown.text).group(1)
    db.rollback()  # end the test's read transaction before the request writes
    done = client.post("/carte/importer", data={"form": "lieu", "format": "kml", "token": token, "action": "confirm"})
    assert done.status_code == 200 and "6 fiche(s) créée(s)" in done.text and "géométrie vide" in done.text
