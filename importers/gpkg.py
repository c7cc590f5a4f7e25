"""GeoPackage layers: ``features_from_gpkg`` and the ``gpkg`` importer (``lieudit import gpkg FILE [--layer NAME]``).

A GeoPackage (OGC 12-128) is an SQLite database. The reader writes the bytes
to a temporary file and opens it read-only and immutable with the standard
``sqlite3``; it reads nothing but the GeoPackage tables ``gpkg_contents``,
``gpkg_geometry_columns`` and ``gpkg_spatial_ref_sys``, the layer table's
column list and the layer table itself (a real table: a view, which would run
the file's own SQL, is refused). A progress handler bounds the work.

Each row becomes a :class:`~importers.features.Feature`: its geometry read
from the GeoPackage binary header then WKB (:func:`geometry_from_blob`), its
other columns as properties (binary columns are left out, with a warning).
A layer in another CRS than WGS 84 (Lambert-93, EPSG:2154, for most French
data) is reprojected with ``pyproj``. Several feature layers: ``layer``
chooses one; without it the file is refused with their names.

Pure (no Flask, no database of ours).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

import numpy as np
import shapely
import shapely.wkb

from importers.features import MAX_FEATURES
from importers.features import TOO_MANY
from importers.features import Feature
from importers.features import FormatError
from importers.features import Layer
from importers.layers import LayerImporter
from importers.sniff import SQLITE
from importers.sniff import not_this

if TYPE_CHECKING:  # pyproj (80 ms to import) is loaded by the first GeoPackage read, not by every process
    import pyproj

MAX_BYTES = 200_000_000
#: SQLite virtual-machine steps between two looks at the clock, and the time a file may take to read.
PROGRESS_STEPS = 100_000
MAX_SECONDS = 120.0
MAX_SRS_DEFINITION = 20_000
#: Bytes of the envelope after the header, by the "envelope contents indicator" of the flags.
ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
#: ``srs_id`` values the GeoPackage standard reserves: undefined geographic (0) and cartesian (-1) systems.
UNDEFINED_GEOGRAPHIC, UNDEFINED_CARTESIAN = 0, -1
GPKG_TABLES = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys")
Reproject = Callable[[Any], Any]


class GeometryBlobError(ValueError):
    """One feature's geometry blob cannot be read; ``str()`` says why, in French."""


def geometry_from_blob(blob: Any, reproject: Reproject | None = None) -> dict[str, Any] | None:
    """Read a GeoPackage geometry blob ("GP" header, then WKB) as a GeoJSON geometry, 2D; None when empty.

    :raises GeometryBlobError: not a GeoPackage geometry, an unknown version or envelope, or unreadable WKB.
    """
    if blob is None:
        return None
    if not isinstance(blob, bytes):
        raise GeometryBlobError("géométrie illisible : ce n'est pas une géométrie GeoPackage (données binaires).")
    if len(blob) < 8 or blob[:2] != b"GP":
        raise GeometryBlobError("géométrie illisible : en-tête GeoPackage (« GP ») absent.")
    version, flags = blob[2], blob[3]
    if version != 0:
        raise GeometryBlobError(f"géométrie illisible : version {version} du format GeoPackage inconnue.")
    if flags & 0b0010_0000:
        raise GeometryBlobError("géométrie d'un type étendu (GeoPackageBinary « X ») non prise en charge.")
    envelope = (flags >> 1) & 0b111
    if envelope not in ENVELOPE_BYTES:
        raise GeometryBlobError(f"géométrie illisible : type d'enveloppe {envelope} inconnu.")
    start = 8 + ENVELOPE_BYTES[envelope]
    if flags & 0b0001_0000 or len(blob) <= start:  # the "empty geometry" flag
        return None
    try:
        shape = shapely.force_2d(shapely.wkb.loads(blob[start:]))
    except (shapely.errors.ShapelyError, ValueError, TypeError) as error:
        raise GeometryBlobError(f"géométrie illisible (WKB) : {str(error)[:80]}.") from None
    if shape.is_empty:
        return None
    if reproject is not None:
        shape = shapely.transform(shape, reproject)
        if not np.isfinite(shapely.get_coordinates(shape)).all():
            raise GeometryBlobError("coordonnées hors du domaine de la projection du fichier.")
    geometry: dict[str, Any] = json.loads(shapely.to_geojson(shape))
    return geometry


# --- the database --------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _opened(data: bytes) -> Iterator[sqlite3.Connection]:
    """The bytes as a read-only, immutable SQLite database in a temporary file, removed afterwards."""
    handle, path = tempfile.mkstemp(suffix=".gpkg", prefix="lieudit-import-")
    con = None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        uri = f"file:{urllib.parse.quote(path)}?mode=ro&immutable=1"
        con = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        deadline = time.monotonic() + MAX_SECONDS
        con.set_progress_handler(lambda: int(time.monotonic() > deadline), PROGRESS_STEPS)
        con.execute("PRAGMA trusted_schema = OFF")
        yield con
    finally:
        if con is not None:
            con.close()
        os.unlink(path)


def _tables(con: sqlite3.Connection) -> set[str]:
    return {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _layers(con: sqlite3.Connection) -> dict[str, tuple[str, int]]:
    """Feature layers: table name -> (geometry column, srs_id)."""
    rows = con.execute(
        "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c "
        "JOIN gpkg_geometry_columns g ON g.table_name = c.table_name "
        "WHERE c.data_type = 'features' ORDER BY c.table_name"
    )
    return {str(name): (str(column), int(srs)) for name, column, srs in rows}


def _choose(layers: dict[str, tuple[str, int]], wanted: str | None) -> str:
    names = ", ".join(f"« {name[:60]} »" for name in list(layers)[:30])
    if wanted is not None:
        if wanted not in layers:
            raise FormatError(f"Couche « {wanted[:60]} » absente de ce GeoPackage (couches : {names}).")
        return wanted
    if not layers:
        raise FormatError(
            "Ce GeoPackage ne contient aucune couche d'objets géographiques (seulement des tuiles ou des tables)."
        )
    if len(layers) > 1:
        raise FormatError(
            f"Ce GeoPackage contient {len(layers)} couches : {names} ; choisissez-en une (--layer NOM, ou le champ « Couche » de l’écran d’import)."
        )
    return next(iter(layers))


def _crs(con: sqlite3.Connection, srs_id: int) -> pyproj.CRS | None:
    """The layer's CRS (None when the coordinates are already WGS 84 longitudes and latitudes)."""
    if srs_id == UNDEFINED_GEOGRAPHIC:
        return None
    if srs_id == UNDEFINED_CARTESIAN:
        raise FormatError("Projection non définie dans ce GeoPackage (srs_id -1) : impossible de placer ses objets.")
    row = con.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if row is None:
        raise FormatError(f"Projection inconnue : srs_id {srs_id} absent de gpkg_spatial_ref_sys.")
    organization, code, definition = row
    import pyproj
    from pyproj.exceptions import CRSError

    try:
        if str(organization or "").upper() == "EPSG" and isinstance(code, int):
            crs = pyproj.CRS.from_epsg(code)
        elif isinstance(definition, str) and 0 < len(definition) <= MAX_SRS_DEFINITION:
            crs = pyproj.CRS.from_wkt(definition)
        else:
            raise CRSError("no definition")
    except CRSError:
        raise FormatError(
            f"Projection non reconnue : {str(organization)[:20]}:{str(code)[:20]} (srs_id {srs_id})."
        ) from None
    return None if crs.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True) else crs


def _reprojector(crs: pyproj.CRS | None) -> Reproject | None:
    if crs is None:
        return None
    import pyproj

    transformer = pyproj.Transformer.from_crs(crs, pyproj.CRS.from_epsg(4326), always_xy=True)

    def reproject(coordinates: Any) -> Any:
        """Longitudes and latitudes of an (n, 2) array of the layer's coordinates."""
        lon, lat = transformer.transform(coordinates[:, 0], coordinates[:, 1], errcheck=False)
        return np.column_stack([lon, lat])

    return reproject


def _read_layer(con: sqlite3.Connection, table: str, column: str, reproject: Reproject | None) -> Layer:
    layer = Layer(name=table)
    info = list(con.execute(f"PRAGMA table_info({_quote(table)})"))
    primary = next((str(row[1]) for row in info if row[5] == 1), None)
    (count,) = con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()
    if count > MAX_FEATURES:
        raise FormatError(TOO_MANY)
    skipped: set[str] = set()
    cursor = con.execute(f"SELECT rowid, * FROM {_quote(table)} ORDER BY rowid")
    names = [str(d[0]) for d in cursor.description][1:]
    for rowid, *values in cursor:
        ref = f"{table[:60]} n° {rowid}"
        properties: dict[str, Any] = {}
        blob = None
        for name, value in zip(names, values, strict=True):
            if name == column:
                blob = value
            elif name == primary:
                continue
            elif isinstance(value, bytes):
                skipped.add(name)
            else:
                properties[name] = value
        try:
            geometry = geometry_from_blob(blob, reproject)
        except GeometryBlobError as error:
            layer.errors.append((ref, str(error)))
            continue
        layer.features.append(Feature(ref, properties, geometry, f"{table[:100]}:{rowid}"))
    if skipped:
        layer.warnings.append(f"Colonnes binaires ignorées : {', '.join(sorted(skipped))}.")
    return layer


def features_from_gpkg(data: bytes, *, layer: str | None = None) -> Layer:
    """Read one feature layer of a GeoPackage, reprojected to WGS 84.

    :param layer: the table to read (required when the file has several feature layers).
    :raises FormatError: not a GeoPackage, several layers and none chosen, an unknown CRS, too many features.
    """
    if len(data) > MAX_BYTES:
        raise FormatError(f"Fichier trop gros : {MAX_BYTES // 1_000_000} Mo au plus.")
    if not data.startswith(SQLITE):
        wrong = not_this(data, "un fichier GeoPackage", "sqlite")
        raise FormatError(f"C{wrong[1:]}" if wrong else "Ce fichier n’est pas un fichier GeoPackage (base SQLite).")
    try:
        with _opened(data) as con:
            if missing := [t for t in GPKG_TABLES if t not in _tables(con)]:
                raise FormatError(
                    f"Ceci est une base de données SQLite, pas un fichier GeoPackage (table {missing[0]} absente)."
                )
            layers = _layers(con)
            table = _choose(layers, layer)
            column, srs_id = layers[table]
            if table not in _tables(con):
                raise FormatError(f"Couche « {table[:60]} » refusée : ce n'est pas une table (vue ou table absente).")
            return _read_layer(con, table, column, _reprojector(_crs(con, srs_id)))
    except sqlite3.OperationalError as error:
        if "interrupted" in str(error):
            raise FormatError(f"GeoPackage trop long à lire : plus de {MAX_SECONDS:.0f} secondes.") from None
        raise FormatError(f"GeoPackage illisible : {str(error)[:120]}.") from None
    except sqlite3.DatabaseError as error:
        raise FormatError(f"GeoPackage illisible (base SQLite endommagée) : {str(error)[:120]}.") from None


class GpkgImporter(LayerImporter):
    """``lieudit import gpkg FILE [--layer NAME]``: the features of one GeoPackage layer become records."""

    name = "gpkg"
    label = "GeoPackage"
    options: ClassVar[frozenset[str]] = frozenset({"mapping", "layer"})

    def __init__(self, *, mapping: dict[str, str] | None = None, layer: str | None = None) -> None:
        super().__init__(mapping=mapping)
        self.layer = layer

    def read(self, data: bytes) -> Layer:
        """Read the chosen layer (:func:`features_from_gpkg`)."""
        return features_from_gpkg(data, layer=self.layer)
