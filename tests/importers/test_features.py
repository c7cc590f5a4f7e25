"""Layer readers: the shared geo corpus, strict JSON, and hostile XML refused fast (HOSTILE_INPUTS B6)."""

from __future__ import annotations

import resource
import time

import pytest

import geodata.geometry as geo
from importers import get_importer
from importers.features import FormatError
from tests.shared import DATA

GEO = DATA / "geodata"
CORPUS = sorted(p for p in GEO.rglob("*") if p.is_file() and p.suffix != ".md" and "admin-boundaries" not in p.parts)


def read(data, fmt):
    """Read ``data`` with the layer reader of format ``fmt`` (as the upload page does)."""
    return get_importer(fmt).read(data)


def format_of(path):
    """The format a user would pick for a file of the corpus."""
    if (
        path.suffix == ".osm"
        or path.name.endswith("osm.json")
        or path.name in ("osmtogeojson_map.json", "umap_test_import_osm_relation.json")
    ):
        return "osm"
    return {".gpx": "gpx", ".kml": "kml", ".umap": "umap"}.get(path.suffix, "geojson")


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_corpus_file_is_read_or_refused_with_a_message(path):
    try:
        layer = read(path.read_bytes(), format_of(path))
    except FormatError as error:
        assert error.message and error.message[0].isupper()
        return
    for ref, message in layer.errors:
        assert ref and message
    for feature in layer.features:
        try:
            geo.clean(feature.geometry, repair=True)
        except geo.GeometryError as error:
            assert error.message


def test_corpus_contents_are_what_the_files_hold():
    umap = read((GEO / "umap/umap_test_upload_data.umap").read_bytes(), "umap")
    assert len(umap.features) == 3 and all(not k.startswith("_umap") for f in umap.features for k in f.properties)
    wpt = read((GEO / "kml-gpx/togeojson_wpt.gpx").read_bytes(), "gpx")
    assert len(wpt.features) == 40 and wpt.features[0].geometry["type"] == "Point"
    kml = read((GEO / "kml-gpx/togeojson_extended_data.kml").read_bytes(), "kml")
    assert kml.features[0].properties.get("foo") == "bar"
    osm = read((GEO / "osm/osmtogeojson_relation.osm").read_bytes(), "osm")
    assert {f.geometry["type"] for f in osm.features} >= {"Polygon"} or {f.geometry["type"] for f in osm.features} >= {
        "MultiPolygon"
    }
    bad = read((GEO / "kml-gpx/togeojson_bad.kml").read_bytes(), "kml")
    assert bad.errors and "illisibles" in bad.errors[0][1]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?><!DOCTYPE gpx SYSTEM "http://169.254.169.254/latest/meta-data"><gpx></gpx>"""
LAUGHS = (
    b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"""
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"""]><gpx><wpt lat="1" lon="2"><name>&lol9;</name></wpt></gpx>"""
)
XINCLUDE = b"""<?xml version="1.0"?><kml xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="http://169.254.169.254/"/></kml>"""


@pytest.mark.parametrize(
    ("data", "fmt"),
    [(XXE, "kml"), (EXTERNAL_DTD, "gpx"), (LAUGHS, "gpx"), (XXE, "osm")],
    ids=["xxe", "external_dtd", "billion_laughs", "xxe_osm"],
)
def test_dtd_entities_and_bombs_are_refused_fast_and_small(data, fmt):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    with pytest.raises(FormatError) as info:
        read(data, fmt)
    assert time.perf_counter() - began < 0.1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB
    assert "DOCTYPE" in info.value.message and "root" not in info.value.message


def test_xinclude_is_never_followed():
    layer = read(XINCLUDE, "kml")  # parsed as plain XML: the include is an unknown element
    assert layer.features == []


def test_json_duplicate_keys_bom_depth_and_constants():
    with pytest.raises(FormatError, match="deux fois"):
        read(b'{"type":"Point","type":"Polygon","coordinates":[1,2]}', "geojson")
    bom = read(b'\xef\xbb\xbf{"type":"Point","coordinates":[1,2]}', "geojson")
    assert bom.features[0].geometry["type"] == "Point"
    with pytest.raises(FormatError, match="imbriqué"):
        read(b"[" * 10_000 + b"]" * 10_000, "geojson")
    with pytest.raises(FormatError, match="NaN"):
        read(b'{"type":"Point","coordinates":[NaN,1]}', "geojson")
    with pytest.raises(FormatError, match="JSON illisible \\(ligne 1"):
        read(b'{"type":"Point","coordinates":[1,2],}', "geojson")
