"""Naming a file's real kind: every shared sample, binary magic numbers, and the readers' refusals."""

from __future__ import annotations

import sqlite3

import pytest

from importers.features import FormatError
from importers.features import load_json
from importers.features import parse_xml
from importers.sniff import describe
from importers.sniff import not_this
from importers.sniff import sniff
from tests.shared import DATA

#: Each family of shared samples and the kind every file of it is.
FAMILIES = {
    "csv-fr": "un fichier CSV",
    "geodata/kml-gpx": ("un document KML", "un document GPX"),
    "geodata/admin-boundaries": "un document GeoJSON",
    "icalendar": "un calendrier iCalendar",
    "mediawiki-xml": "un export MediaWiki (XML)",
}


def samples(folder: str) -> list:
    return sorted(p for p in (DATA / folder).rglob("*") if p.is_file() and p.suffix not in (".md", ".wiki", ".csvy"))


@pytest.mark.parametrize("folder", sorted(FAMILIES))
def test_every_shared_sample_of_a_family_is_named_as_its_kind(folder):
    expected = FAMILIES[folder]
    for path in samples(folder):
        assert describe(path.read_bytes()) in (expected if isinstance(expected, tuple) else (expected,)), path.name


def test_the_kind_of_single_samples():
    kinds = {
        "geodata/umap/umap_test_upload_data.umap": "une carte uMap (JSON)",
        "geodata/osm/osmtogeojson_map.json": "un export OpenStreetMap (JSON Overpass)",
        "geodata/osm/osmtogeojson_relation.osm": "un document OpenStreetMap (XML)",
        "opendata-fr/openagenda-json/events_event.json": "un export OpenAgenda (JSON)",
        "opendata-fr/dcat/udata_dcat_catalog.xml": "un document XML (KML/GPX/OSM/MediaWiki…)",
        "opendata-fr/schemas/lieux-covoiturage/schema.json": "un document JSON",
        "yeswiki/yeswiki-2020_default-content.sql": "un dump SQL",
        "yeswiki/yeswiki-2024_create-tables.sql": "un dump SQL",
        "csv-fr/data-fair/jep-2019.csv": "un fichier CSV",  # a first row longer than what is looked at
    }
    assert {name: describe((DATA / name).read_bytes()) for name in kinds} == kinds


def test_wiki_text_starting_with_a_template_is_not_json():
    for path in (DATA / "mediawiki-xml/wikitext-fr").glob("*.wiki"):
        assert sniff(path.read_bytes()) is None or sniff(path.read_bytes()).syntax != "json"


def test_binary_kinds_by_their_magic_numbers(tmp_path):
    gpkg = tmp_path / "layer.gpkg"
    with sqlite3.connect(gpkg) as con:
        con.execute("PRAGMA application_id = 1196444487")  # "GPKG"
        con.execute("CREATE TABLE gpkg_contents (table_name TEXT)")
    plain = tmp_path / "plain.sqlite"
    with sqlite3.connect(plain) as con:
        con.execute("CREATE TABLE t (a)")
    assert describe(gpkg.read_bytes()) == "un fichier GeoPackage (base SQLite)"
    assert describe(plain.read_bytes()) == "une base de données SQLite (sans table GeoPackage)"
    assert describe(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj") == "un document PDF"
    assert describe(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == "une image"
    assert describe(b"\xff\xd8\xff\xe0\x00\x10JFIF") == "une image"
    assert describe(b"PK\x03\x04\x14\x00\x00\x00\x08\x00doc.kml") == "une archive KMZ (KML compressé)"
    assert describe(b"PK\x03\x04\x14\x00\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheet")
    assert describe(b"PK\x03\x04\x14\x00\x00\x00\x08\x00[Content_Types].xml...xl/workbook.xml") == (
        "un tableur XLSX (archive ZIP)"
    )
    assert describe(b"PK\x03\x04\x14\x00\x00\x00\x08\x00readme.txt") == (
        "une archive ZIP (tableur XLSX/ODS, KMZ ou Shapefile)"
    )
    assert describe(b"\x00\x01\x02\x03" * 100) is None


def test_text_kinds():
    assert describe(b"\xef\xbb\xbfBEGIN:VCALENDAR\r\nVERSION:2.0\r\n") == "un calendrier iCalendar"
    assert describe("<?xml version='1.0'?><kml/>".encode("utf-16")) == "un document KML"
    assert describe(b"<!DOCTYPE html><html><body>") == "une page HTML"
    assert describe(b'<?xml version="1.0"?>\n<!-- x -->\n<gpx version="1.1">') == "un document GPX"
    assert describe(b"nom;commune\nMairie;Redon\nGare;Redon\n") == "un fichier CSV"
    assert describe(b'{"type": "Point", "coordinates": [1, 2]}') == "un document GeoJSON"
    assert describe(b"Une phrase, rien de plus.") is None
    assert describe(b"") is None


def test_not_this_names_the_kind_and_the_format_to_choose():
    kml = b"<kml><Document/></kml>"
    assert not_this(kml, "du JSON", "json") == "ceci est un document KML, pas du JSON : choisissez le format kml."
    assert not_this(kml, "du XML", "xml") is None  # the XML reader's own message is better
    assert not_this(b"\x00\x01", "du JSON", "json") is None
    shp = b"\x00\x00\x27\x0a" + bytes(96)
    assert "convertissez-le en GeoPackage" in not_this(shp, "du JSON", "json")


def test_the_layer_readers_name_the_real_kind(tmp_path):
    gpkg = tmp_path / "layer.gpkg"
    with sqlite3.connect(gpkg) as con:
        con.execute("PRAGMA application_id = 1196444487")
        con.execute("CREATE TABLE gpkg_contents (table_name TEXT)")
    with pytest.raises(FormatError, match="ceci est un fichier GeoPackage \\(base SQLite\\), pas du JSON"):
        load_json(gpkg.read_bytes())
    with pytest.raises(FormatError, match="choisissez le format gpkg"):
        parse_xml(gpkg.read_bytes())
    with pytest.raises(FormatError, match="ceci est un calendrier iCalendar, pas du XML : choisissez le format ics"):
        parse_xml((DATA / "icalendar/recurring-ical-events/fablab_cottbus.ics").read_bytes())
    with pytest.raises(FormatError, match="ceci est un document GPX, pas du JSON"):
        load_json((DATA / "geodata/kml-gpx/togeojson_wpt.gpx").read_bytes())
    with pytest.raises(FormatError, match="JSON illisible \\(ligne 1"):
        load_json(b'{"type": "Point",}')  # JSON gone wrong keeps its line and column


# --- every importer, fed a file of every other kind -------------------------------------------------


def _gpkg(tmp_path):
    from tests.importers.test_gpkg import make_gpkg

    return make_gpkg(tmp_path / "lieux.gpkg", {"lieux": (4326, [({"nom": "Mairie"}, None)])}).read_bytes()


def _xlsx(tmp_path):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["nom", "commune"])
    book.active.append(["Mairie", "Redon"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: One real file of each kind an importer may be handed by mistake (the shared samples, read in place).
KINDS = {
    "geojson": lambda _: (DATA / "geodata/admin-boundaries").glob("*.geojson").__next__().read_bytes(),
    "umap": lambda _: (DATA / "geodata/umap/umap_test_upload_data.umap").read_bytes(),
    "kml": lambda _: (DATA / "geodata/kml-gpx/togeojson_polygon.kml").read_bytes(),
    "gpx": lambda _: (DATA / "geodata/kml-gpx/togeojson_wpt.gpx").read_bytes(),
    "osm": lambda _: (DATA / "geodata/osm/osmtogeojson_relation.osm").read_bytes(),
    "overpass": lambda _: (DATA / "geodata/osm/osmtogeojson_map.json").read_bytes(),
    "ics": lambda _: (DATA / "icalendar/recurring-ical-events/fablab_cottbus.ics").read_bytes(),
    "mediawiki": lambda _: (DATA / "mediawiki-xml/mwxml_dump.xml").read_bytes(),
    "yeswiki": lambda _: (DATA / "yeswiki/yeswiki-2020_default-content.sql").read_bytes(),
    "csv": lambda _: (DATA / "csv-fr/data-fair/jep-2019.csv").read_bytes(),
    "openagenda": lambda _: (DATA / "opendata-fr/openagenda-json/events_event.json").read_bytes(),
    "gpkg": _gpkg,
    "xlsx": _xlsx,
    "pdf": lambda _: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "png": lambda _: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
}
#: (importer, kind) pairs that are read, not refused: the importer's own kinds, and the formats it also reads.
READS = {
    ("geojson", "geojson"), ("geojson", "umap"), ("umap", "umap"), ("umap", "geojson"), ("zones", "geojson"),
    ("zones", "umap"), ("zones", "gpkg"), ("kml", "kml"), ("gpx", "gpx"), ("osm", "osm"), ("osm", "overpass"), ("ics", "ics"),
    ("mediawiki", "mediawiki"), ("yeswiki", "yeswiki"), ("table", "csv"), ("table", "xlsx"), ("gpkg", "gpkg"),
    ("openagenda", "openagenda"),
}  # fmt: skip
OPTIONS = {"zones": {"level": "commune"}}


@pytest.mark.parametrize("name", sorted(__import__("importers").REGISTRY))
def test_every_importer_names_the_real_kind_of_a_file_it_does_not_read(name, tmp_path):
    import importers
    from importers.base import Refused

    importer = importers.get_importer(name, **OPTIONS.get(name, {}))
    for kind, make in KINDS.items():
        if (name, kind) in READS:
            continue
        data = make(tmp_path)
        if importer.reads_path:
            (tmp_path / "source").write_bytes(data)
            data = tmp_path / "source"
        with pytest.raises(Refused) as refused:
            importer.load(data)
        message = refused.value.message
        label = describe(data if isinstance(data, bytes) else data.read_bytes())
        assert label and label in message, (name, kind, message)
        assert "Error" not in message and "expected" not in message, (name, kind, message)


def test_a_sure_kind_is_refused_before_it_is_read_and_says_what_to_choose():
    from importers.base import Refused
    from importers.table import TableImporter

    dump = (DATA / "yeswiki/yeswiki-2020_default-content.sql").read_bytes()
    with pytest.raises(Refused, match="Ce fichier est un dump SQL ; le format choisi, Tableur .* format yeswiki"):
        TableImporter().load(dump)  # an SQL dump once read as a CSV of 77 rows
    calendar = (DATA / "icalendar/recurring-ical-events/fablab_cottbus.ics").read_bytes()
    with pytest.raises(Refused, match="Ce fichier est un calendrier iCalendar .* choisissez le format ics"):
        TableImporter().load(calendar)  # once read as 555 rows of one column


def test_a_guessed_kind_only_completes_the_readers_own_refusal():
    from importers.base import Refused
    from importers.geojson import GeojsonImporter

    agenda = (DATA / "opendata-fr/openagenda-json/events_event.json").read_bytes()
    with pytest.raises(Refused) as refused:
        GeojsonImporter().load(agenda)
    assert refused.value.message == (
        "GeoJSON invalide : type FeatureCollection, Feature ou géométrie attendu. "
        "(Ce fichier semble être un export OpenAgenda (JSON) : choisissez le format openagenda.)"
    )
