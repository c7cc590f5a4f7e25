"""GeoPackage layers: files built here with sqlite3, reprojection, several layers, broken and foreign files."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import pytest
import shapely
import shapely.wkb
from shapely.geometry import Point
from shapely.geometry import Polygon
from sqlalchemy import select

from importers import get_importer
from importers.features import FormatError
from importers.gpkg import GeometryBlobError
from importers.gpkg import GpkgImporter
from importers.gpkg import features_from_gpkg
from importers.gpkg import geometry_from_blob
from importers.layers import EXTENSIONS
from importers.layers import FORMATS
from tests.shared import DATA
from wiki.records.models import Record

#: Redon's town hall in Lambert-93 (EPSG:2154).
REDON_L93 = (318511.92, 6740212.31)
LAMBERT93_WKT = 'PROJCS["RGF93 / Lambert-93",GEOGCS["RGF93",DATUM["Reseau_Geodesique_Francais_1993"]]]'


def blob(shape, *, srs_id=4326, envelope=1, empty=False, little=True) -> bytes:
    """A GeoPackage geometry: the "GP" header (with an envelope when asked) then WKB."""
    order = "<" if little else ">"
    flags = (1 if little else 0) | (envelope << 1) | (0b10000 if empty else 0)
    header = b"GP" + bytes([0, flags]) + struct.pack(f"{order}i", srs_id)
    if envelope and shape is not None:
        west, south, east, north = shape.bounds
        header += struct.pack(f"{order}4d", west, east, south, north) + bytes((0, 0, 16, 16, 32)[envelope])
    return header + (shapely.wkb.dumps(shape, byte_order=1 if little else 0) if shape is not None else b"")


def make_gpkg(path: Path, layers: dict[str, tuple[int, list[tuple[dict, bytes | None]]]]) -> Path:
    """Write a GeoPackage: layer name -> (srs_id, [(properties, geometry blob)])."""
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA application_id = 1196444487")
        con.execute(
            "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, organization TEXT,"
            " organization_coordsys_id INTEGER, definition TEXT, description TEXT)"
        )
        con.executemany(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, '')",
            [("WGS 84", 4326, "EPSG", 4326, "GEOGCS[...]"), ("Undefined geographic", 0, "NONE", 0, "undefined"),
             ("Undefined cartesian", -1, "NONE", -1, "undefined"), ("RGF93 / Lambert-93", 2154, "EPSG", 2154, LAMBERT93_WKT),
             ("Local", 99999, "NONE", 99999, "not a CRS")],
        )  # fmt: skip
        con.execute(
            "CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT, identifier TEXT, srs_id INTEGER)"
        )
        con.execute(
            "CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, geometry_type_name TEXT,"
            " srs_id INTEGER, z INTEGER, m INTEGER)"
        )
        for name, (srs_id, rows) in layers.items():
            con.execute("INSERT INTO gpkg_contents VALUES (?, 'features', ?, ?)", (name, name, srs_id))
            con.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'GEOMETRY', ?, 0, 0)", (name, srs_id))
            columns = sorted({key for properties, _ in rows for key in properties})
            quoted = "".join(f', "{c}"' for c in columns)
            con.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB{quoted})')
            for properties, geometry in rows:
                values = [geometry, *(properties.get(c) for c in columns)]
                marks = ", ".join("?" for _ in values)
                con.execute(f'INSERT INTO "{name}" (geom{quoted}) VALUES ({marks})', values)
    return path


@pytest.fixture
def redon(tmp_path):
    return make_gpkg(
        tmp_path / "mairies.gpkg",
        {"mairies": (2154, [({"nom": "Mairie de Redon", "insee": "35236", "habitants": 9000},
                              blob(Point(*REDON_L93), srs_id=2154))])},
    )  # fmt: skip


def test_a_lambert93_point_is_reprojected_to_wgs84(redon):
    layer = features_from_gpkg(redon.read_bytes())
    (feature,) = layer.features
    lon, lat = feature.geometry["coordinates"]
    assert lon == pytest.approx(-2.0853, abs=1e-4) and lat == pytest.approx(47.6517, abs=1e-4)
    assert feature.properties == {"nom": "Mairie de Redon", "insee": "35236", "habitants": 9000}
    assert feature.id == "mairies:1" and layer.name == "mairies" and layer.errors == []


def test_a_wgs84_polygon_layer_with_every_envelope_and_byte_order(tmp_path):
    square = Polygon([(-2.1, 47.6), (-2.0, 47.6), (-2.0, 47.7), (-2.1, 47.7)])
    rows = [({"nom": f"zone {e}"}, blob(square, envelope=e, little=e % 2 == 0)) for e in range(5)]
    layer = features_from_gpkg(make_gpkg(tmp_path / "zones.gpkg", {"zones": (4326, rows)}).read_bytes())
    assert [f.properties["nom"] for f in layer.features] == [f"zone {e}" for e in range(5)]
    for feature in layer.features:
        assert feature.geometry["type"] == "Polygon"
        assert feature.geometry["coordinates"][0][0] == pytest.approx([-2.1, 47.6])


def test_several_layers_need_a_choice(tmp_path):
    point = blob(Point(-2.08, 47.65))
    path = make_gpkg(tmp_path / "two.gpkg", {"ecoles": (4326, [({"nom": "École"}, point)]),
                                              "gares": (4326, [({"nom": "Gare"}, point)])})  # fmt: skip
    with pytest.raises(FormatError, match="2 couches : « ecoles », « gares » ; choisissez-en une"):
        features_from_gpkg(path.read_bytes())
    assert features_from_gpkg(path.read_bytes(), layer="gares").features[0].properties == {"nom": "Gare"}
    with pytest.raises(FormatError, match="Couche « mairies » absente"):
        features_from_gpkg(path.read_bytes(), layer="mairies")


def test_empty_null_and_broken_geometries_are_reported_one_by_one(tmp_path):
    point = Point(-2.08, 47.65)
    rows = [
        ({"nom": "vide"}, blob(None, empty=True, envelope=0)),
        ({"nom": "nulle"}, None),
        ({"nom": "sans GP"}, b"XX" + blob(point)[2:]),
        ({"nom": "version 3"}, b"GP\x03" + blob(point)[3:]),
        ({"nom": "enveloppe 7"}, b"GP\x00" + bytes([1 | (7 << 1)]) + blob(point)[4:]),
        ({"nom": "WKB coupé"}, blob(point)[:-5]),
        ({"nom": "bon"}, blob(point)),
    ]
    layer = features_from_gpkg(make_gpkg(tmp_path / "broken.gpkg", {"lieux": (4326, rows)}).read_bytes())
    assert [f.properties["nom"] for f in layer.features] == ["vide", "nulle", "bon"]
    assert layer.features[0].geometry is None and layer.features[1].geometry is None
    messages = dict(layer.errors)
    assert "en-tête GeoPackage" in messages["lieux n° 3"] and "version 3" in messages["lieux n° 4"]
    assert "enveloppe 7" in messages["lieux n° 5"] and "WKB" in messages["lieux n° 6"]


def test_geometry_from_blob_rejects_what_is_no_geopackage_geometry():
    with pytest.raises(GeometryBlobError):
        geometry_from_blob("POINT (1 2)")
    with pytest.raises(GeometryBlobError, match="type étendu"):
        geometry_from_blob(b"GP\x00" + bytes([0b100001]) + bytes(4) + shapely.wkb.dumps(Point(1, 2)))
    assert geometry_from_blob(blob(Point(1, 2, 3)))["coordinates"] == [1.0, 2.0]  # altitude dropped


def test_crs_undefined_or_unknown(tmp_path):
    point = blob(Point(-2.08, 47.65))
    for srs_id, message in ((-1, "Projection non définie"), (99999, "Projection non reconnue"), (1234, "absent")):
        path = make_gpkg(tmp_path / f"srs{srs_id}.gpkg", {"lieux": (srs_id, [({}, point)])})
        with pytest.raises(FormatError, match=message):
            features_from_gpkg(path.read_bytes())
    undefined = make_gpkg(tmp_path / "srs0.gpkg", {"lieux": (0, [({}, point)])})  # undefined geographic: lon/lat
    assert features_from_gpkg(undefined.read_bytes()).features[0].geometry["coordinates"] == [-2.08, 47.65]


def test_foreign_and_corrupt_files_are_refused_by_their_real_kind(tmp_path):
    plain = tmp_path / "plain.sqlite"
    with sqlite3.connect(plain) as con:
        con.execute("CREATE TABLE t (a)")
    with pytest.raises(FormatError, match="base de données SQLite, pas un fichier GeoPackage"):
        features_from_gpkg(plain.read_bytes())
    geojson = (DATA / "geodata/umap/umap_test_upload_data.json").read_bytes()
    with pytest.raises(FormatError, match="Ceci est un document GeoJSON, pas un fichier GeoPackage : choisissez"):
        features_from_gpkg(geojson)
    with pytest.raises(FormatError, match="Ceci est un calendrier iCalendar"):
        features_from_gpkg((DATA / "icalendar/recurring-ical-events/fablab_cottbus.ics").read_bytes())
    with pytest.raises(FormatError, match="GeoPackage illisible"):
        features_from_gpkg(b"SQLite format 3\x00" + bytes(200))


def test_a_view_is_never_read(tmp_path):
    path = make_gpkg(tmp_path / "view.gpkg", {"lieux": (4326, [({}, blob(Point(1, 2)))])})
    with sqlite3.connect(path) as con:
        con.execute("ALTER TABLE lieux RENAME TO lieux_table")
        con.execute("CREATE VIEW lieux AS SELECT * FROM lieux_table")
    with pytest.raises(FormatError, match="ce n'est pas une table"):
        features_from_gpkg(path.read_bytes())


def test_binary_columns_are_left_out_with_a_warning(tmp_path):
    rows = [({"nom": "Gare", "photo": b"\x89PNG"}, blob(Point(-2.08, 47.65)))]
    layer = features_from_gpkg(make_gpkg(tmp_path / "photos.gpkg", {"gares": (4326, rows)}).read_bytes())
    assert layer.features[0].properties == {"nom": "Gare"} and layer.warnings == ["Colonnes binaires ignorées : photo."]


def test_the_upload_screen_offers_geopackage():
    assert "gpkg" in FORMATS and EXTENSIONS[".gpkg"] == "gpkg"
    importer = get_importer("gpkg", layer="gares", mapping={"title": "nom"})
    assert isinstance(importer, GpkgImporter) and importer.layer == "gares" and importer.mapping == {"title": "nom"}
    assert GpkgImporter.options == frozenset({"mapping", "layer"})


def test_import_into_the_lieu_form_twice_and_a_dry_run(app, db, author, redon):
    data = redon.read_bytes()
    dry = get_importer("gpkg").run(db, data, author=author, dry_run=True, source="mairies.gpkg")
    assert dry.created == 1 and db.scalar(select(Record).where(Record.title == "Mairie de Redon")) is None
    first = get_importer("gpkg").run(db, data, author=author, source="mairies.gpkg")
    db.commit()
    second = get_importer("gpkg").run(db, data, author=author, source="mairies.gpkg")
    db.commit()
    assert (first.created, second.created, second.unchanged) == (1, 0, 1)
    record = db.scalar(select(Record).where(Record.title == "Mairie de Redon"))
    geometry = next(v for v in record.data.values() if isinstance(v, dict) and v.get("type") == "Point")
    assert geometry["coordinates"] == pytest.approx([-2.0853, 47.6517], abs=1e-4)


def test_a_json_file_given_as_gpkg_on_the_command_line(app, db, author):
    data = (DATA / "geodata/umap/umap_test_upload_data.json").read_bytes()
    result = get_importer("gpkg").run(db, data, author=author)
    assert result.error and result.error.startswith("Ceci est un document GeoJSON, pas un fichier GeoPackage")


def test_moderators_upload_a_geopackage_and_choose_its_layer(client, db, moderator, tmp_path):
    import io
    import re

    from tests.factories import PASSWORD

    point = blob(Point(-2.08, 47.65))
    data = make_gpkg(tmp_path / "two.gpkg", {"ecoles": (4326, [({"nom": "École"}, point)]),
                                              "gares": (4326, [({"nom": "Gare de Redon"}, point)])}).read_bytes()  # fmt: skip
    client.post("/-/connexion", data={"name": "Modo", "password": PASSWORD})
    page = client.get("/carte/importer").text
    assert ".gpkg" in page and 'value="gpkg"' in page
    db.rollback()
    refused = client.post("/carte/importer", data={"form": "lieu", "file": (io.BytesIO(data), "couches.gpkg")},
                          content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 400 and "« ecoles », « gares »" in refused.text
    shown = client.post("/carte/importer", data={"form": "lieu", "layer": "gares",
                                                 "file": (io.BytesIO(data), "couches.gpkg")},
                        content_type="multipart/form-data")  # fmt: skip
    assert shown.status_code == 200 and "Gare de Redon" in shown.text
    token = re.search(r'name="token" value="([0-9a-f]{32})"', shown.text).group(1)
    db.rollback()
    done = client.post("/carte/importer", data={"form": "lieu", "format": "gpkg", "layer": "gares", "token": token,
                                                "action": "confirm"})  # fmt: skip
    assert done.status_code == 200 and "1 fiche(s) créée(s)" in done.text
    assert db.scalar(select(Record).where(Record.title == "Gare de Redon")) is not None


def test_command_line_layer_choice_mapping_and_kept_columns(app, runner, db, author, tmp_path):
    point = blob(Point(*REDON_L93), srs_id=2154)
    path = make_gpkg(tmp_path / "bdtopo.gpkg", {
        "gares": (2154, [({"toponyme": "Gare de Redon", "nature": "Gare voyageurs", "cleabs": "GARE0001"}, point)]),
        "ecoles": (2154, [({"toponyme": "École Notre-Dame"}, point)]),
    })  # fmt: skip
    several = runner.invoke(args=["import", "gpkg", str(path)])
    assert several.exit_code == 1 and "2 couches : « ecoles », « gares »" in several.output
    done = runner.invoke(args=["import", "gpkg", str(path), "--layer", "gares", "--champ", "toponyme=title"])
    assert done.exit_code == 0 and "1 créé(s)" in done.output, done.output
    assert "autres propriétés" in done.output and "cleabs, nature" in done.output
    record = db.scalar(select(Record).where(Record.title == "Gare de Redon"))
    assert record.extra == {"nature": "Gare voyageurs", "cleabs": "GARE0001"}
