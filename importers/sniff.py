"""Name a file's real kind from its first bytes, in French, for the readers' refusals.

Pure (standard library only). A reader that cannot read a file (JSON that is
not JSON, XML that is not XML, an SQLite file that is no GeoPackage) says what
the file really is — « ceci est un fichier GeoPackage (base SQLite) » — and,
when Lieudit has an importer for that kind, which format to choose, rather
than an encoding error about a file that was never meant to be text.

Only the first :data:`HEAD` bytes are looked at: magic numbers for binary
formats, then the first characters of text (XML root, iCalendar, JSON, SQL
dump, CSV). Nothing is decoded beyond that, nothing is executed.
"""

from __future__ import annotations

import csv
import re
from pathlib import PurePath
from typing import NamedTuple

HEAD = 8192
#: SQLite's header string, and GeoPackage's ``application_id`` ("GPKG", big-endian, at byte 68).
SQLITE = b"SQLite format 3\x00"
GPKG_ID = b"GPKG"
_XML_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")
_SQL = re.compile(r"^\s*(?:--|/\*|CREATE\s+TABLE|INSERT\s+INTO|DROP\s+TABLE|SET\s+\w+\s*=|BEGIN\s+TRANSACTION)",
                  re.IGNORECASE | re.MULTILINE)  # fmt: skip
#: The start of a JSON object or array (not a ``{{template}}`` of wiki text).
_JSON_START = re.compile(r'\{\s*(?:"|\}|$)|\[\s*(?:[-\d"{\[\]]|true|false|null|$)')
_CSV_SEPARATORS = (",", ";", "\t", "|")


class Kind(NamedTuple):
    """A file's kind: its French name (« un document PDF »), the importer that reads it, and its syntax."""

    label: str
    importer: str | None = None
    #: ``json``, ``xml``, ``sqlite``… : a reader of that syntax has better to say than « ceci est ».
    syntax: str = ""
    #: What to do with it when no importer reads it.
    advice: str = ""
    #: Named from a magic number, an XML root or a first line no other kind has (not from a guess at
    #: JSON keys or CSV columns): an importer may refuse such a file before reading it.
    sure: bool = True


GPKG = Kind("un fichier GeoPackage (base SQLite)", "gpkg", "sqlite")
SQLITE_DB = Kind("une base de données SQLite (sans table GeoPackage)", None, "sqlite")
ZIP = Kind(
    "une archive ZIP (tableur XLSX/ODS, KMZ ou Shapefile)",
    advice="décompressez-la ou choisissez le format de son contenu",
    sure=False,
)
XLSX = Kind("un tableur XLSX (archive ZIP)", "table")
ODS = Kind("un tableur ODS (archive ZIP)", "table")
KMZ = Kind("une archive KMZ (KML compressé)", advice="décompressez-la et importez le fichier .kml")
SHAPEFILE = Kind("un Shapefile (ESRI)", advice="convertissez-le en GeoPackage ou en GeoJSON (QGIS, ogr2ogr)")
JSON = Kind("un document JSON", None, "json", sure=False)
GEOJSON = Kind("un document GeoJSON", "geojson", "json", sure=False)
UMAP = Kind("une carte uMap (JSON)", "umap", "json", sure=False)
OPENAGENDA = Kind("un export OpenAgenda (JSON)", "openagenda", "json", sure=False)
OVERPASS = Kind("un export OpenStreetMap (JSON Overpass)", "osm", "json", sure=False)
XML = Kind("un document XML (KML/GPX/OSM/MediaWiki…)", None, "xml", sure=False)
ICAL = Kind("un calendrier iCalendar", "ics")
CSV = Kind("un fichier CSV", "table", sure=False)
SQL = Kind("un dump SQL", advice="un dump de YesWiki s'importe avec le format yeswiki")
GZIP = Kind("une archive compressée gzip", advice="décompressez-la et choisissez le format de son contenu")
BZIP2 = Kind("une archive compressée bzip2", advice="décompressez-la et choisissez le format de son contenu")
IMAGE = Kind("une image")
#: Magic numbers of binary kinds, in the order they are tried.
MAGIC: tuple[tuple[bytes, Kind], ...] = (
    (b"%PDF", Kind("un document PDF")),
    (b"\x89PNG\r\n\x1a\n", IMAGE),
    (b"\xff\xd8\xff", IMAGE),
    (b"GIF87a", IMAGE),
    (b"GIF89a", IMAGE),
    (b"\x1f\x8b", GZIP),
    (b"7z\xbc\xaf\x27\x1c", Kind("une archive 7-Zip")),
    (b"Rar!", Kind("une archive RAR")),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        Kind("un document Office ancien (XLS/DOC)", advice="enregistrez-le en XLSX ou en CSV"),
    ),
    (b"\x00\x00\x27\x0a", SHAPEFILE),
)
#: XML root element (lower case) -> kind.
XML_ROOTS = {
    "kml": Kind("un document KML", "kml", "xml"),
    "gpx": Kind("un document GPX", "gpx", "xml"),
    "osm": Kind("un document OpenStreetMap (XML)", "osm", "xml"),
    "mediawiki": Kind("un export MediaWiki (XML)", "mediawiki", "xml"),
    "html": Kind("une page HTML"),
    "svg": IMAGE,
}


def sniff(data: bytes) -> Kind | None:
    """The kind of a file, from its first bytes; None when it looks like nothing known."""
    head = bytes(data[:HEAD])
    if head.startswith(SQLITE):
        return GPKG if head[68:72] == GPKG_ID or b"gpkg_contents" in head else SQLITE_DB
    if head.startswith(b"PK\x03\x04"):
        return _zip(head)
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return IMAGE
    if re.match(rb"BZh[1-9]1AY&SY", head):
        return BZIP2
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    text = _text(head)
    return _text_kind(text) if text is not None else None


def describe(data: bytes) -> str | None:
    """The French name of a file's real kind (« un fichier GeoPackage (base SQLite) »), or None."""
    kind = sniff(data)
    return kind.label if kind is not None else None


def not_this(data: bytes, expected: str, syntax: str) -> str | None:
    """« ceci est un document KML, pas du JSON : choisissez le format kml. », or None.

    None when the kind is unknown, or is of ``syntax`` (``json``, ``xml``, ``sqlite``): then the reader's own
    message (a syntax error and its line) says more.

    :param expected: what the reader wanted, as it follows « pas » (« du JSON », « un fichier GeoPackage »).
    """
    kind = sniff(data)
    if kind is None or kind.syntax == syntax:
        return None
    hint = f" : choisissez le format {kind.importer}" if kind.importer else f" : {kind.advice}" if kind.advice else ""
    return f"ceci est {kind.label}, pas {expected}{hint}."


def head_of(data: object) -> bytes | None:
    """The first :data:`HEAD` bytes of ``data`` (bytes, or a local file's path); None for anything else."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data[:HEAD])
    if isinstance(data, PurePath):
        try:
            with open(data, "rb") as stream:
                return stream.read(HEAD)
        except OSError:
            return None  # the reader says why it cannot open it
    return None


def advice(kind: Kind) -> str:
    """What to do with a file of ``kind``: « choisissez le format kml », or its advice."""
    return (
        f"choisissez le format {kind.importer}"
        if kind.importer
        else kind.advice or "Lieudit n'importe pas ce genre de fichier"
    )


def not_read(kind: Kind, chosen: str, what_to_do: str) -> str:
    """The refusal of a file of ``kind`` that the chosen format does not read, naming both and what to do."""
    return f"Ce fichier est {kind.label} ; le format choisi, {chosen}, ne le lit pas : {what_to_do}."


def named(message: str, kind: Kind | None, what_to_do: str) -> str:
    """A reader's refusal, with what the file seems to be when the message does not already say it."""
    if kind is None or kind.label in message:
        return message
    return f"{message.rstrip()} (Ce fichier semble être {kind.label} : {what_to_do}.)"


def _zip(head: bytes) -> Kind:
    if b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet" in head:
        return ODS
    if b"xl/" in head:
        return XLSX
    if b".kml" in head:
        return KMZ
    if b".shp" in head or b".dbf" in head:
        return SHAPEFILE
    return ZIP


def _text(head: bytes) -> str | None:
    """The first characters of a text file (BOM removed), or None for binary data."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, "ignore")
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", "ignore") if _mostly_utf8(head) else head.decode("cp1252", "replace")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n\f")
    return None if controls > len(text) // 50 else text


def _mostly_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 4  # only the cut at the end of the head
    return True


def _text_kind(text: str) -> Kind | None:
    stripped = text.lstrip()
    if not stripped:
        return None
    if stripped.startswith("<"):
        return _xml(stripped)
    if stripped[:7].upper() == "BEGIN:V":
        return ICAL
    if _JSON_START.match(stripped):
        return _json(stripped)
    if _SQL.search(stripped[:2000]) and re.search(r"\b(CREATE\s+TABLE|INSERT\s+INTO)\b", stripped, re.IGNORECASE):
        return SQL
    return CSV if _csv(stripped) else None


def _xml(text: str) -> Kind:
    if text[:14].lower() == "<!doctype html":
        return XML_ROOTS["html"]
    body = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>", "", text, flags=re.DOTALL).lstrip()
    match = _XML_ROOT.match(body)
    return XML_ROOTS.get(match[1].lower(), XML) if match else XML


def _json(text: str) -> Kind:
    if any(key in text for key in ('"originAgenda"', '"timings"', '"agendaUid"', '"locationSetUid"')):
        return OPENAGENDA
    if re.search(r'"type"\s*:\s*"umap"', text):
        return UMAP
    if re.search(r'"elements"\s*:\s*\[', text):
        return OVERPASS
    if re.search(r'"type"\s*:\s*"(FeatureCollection|Feature)"', text):
        return GEOJSON
    if re.match(r'\{\s*"type"\s*:\s*"(Point|LineString|Polygon|Multi\w+|GeometryCollection)"', text):
        return GEOJSON
    return JSON


def _csv(text: str) -> bool:
    """Rows that one separator cuts into the same number (two or more) of cells, quotes respected, mostly."""
    lines = text.splitlines(keepends=True)
    for separator in _CSV_SEPARATORS:
        try:
            widths = [len(row) for row in csv.reader(lines, delimiter=separator) if row]
        except csv.Error:
            continue
        widths = widths[:-1] if len(widths) > 2 else widths  # the head may cut the last row
        if len(widths) >= 2 and widths[0] >= 2 and widths.count(widths[0]) * 5 >= len(widths) * 4:
            return True
    return False
