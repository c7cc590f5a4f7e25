"""Territory zones from a GeoJSON or GeoPackage file: the ``zones`` importer and ``lieudit zones import``.

A GeoPackage (IGN's ADMIN EXPRESS is published as one, with a layer per
level) is read with :func:`importers.gpkg.features_from_gpkg`: reprojected to
WGS 84, one layer chosen with ``--layer`` when it holds several.

Each feature with a code (INSEE, SIREN…) that fits the level, a name
property and a usable polygon becomes a zone of that level through
:func:`geodata.zones.save_zone` (invalid boundaries are repaired with
``make_valid``); the others are refused one by one with a French message and
the rest is still loaded. Once the zones are saved, every located record is
re-attached to them.

Idempotency: by level and code, in the zones table itself (``save_zone``
updates the zone of that level with that code, never a zone of another
level that shares the code), not in the importers' ``import_items``.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.orm import Session

import geodata.geometry as geo
from geodata import placement
from geodata import zones
from geodata.levels import CODE_HINTS
from geodata.levels import CODE_PATTERNS
from geodata.levels import LEVELS
from importers import sniff
from importers.base import Batch
from importers.base import Importer
from importers.base import Item
from importers.base import Job
from importers.base import Link
from importers.base import Refused
from importers.base import Written
from importers.features import Feature
from importers.features import FormatError
from importers.features import Layer
from importers.geojson import features_from_geojson
from importers.report import ImportResult
from importers.report import RowError
from wiki.db import Database

#: Largest zone boundary accepted (communes of the IGN data are far below).
ZONE_MAX_VERTICES = 200_000
ZONE_MAX_BYTES = 5_000_000


class ZonesImporter(Importer):
    """Features of a GeoJSON or GeoPackage file become zones of one level (communes by default)."""

    name = "zones"
    label = "Zones (GeoJSON ou GeoPackage)"
    keeps_links = False  # a zone's level and code are its identity (see the module docstring)

    def __init__(
        self, *, level: str = "commune", code_field: str = "code", name_field: str = "nom", layer: str | None = None
    ) -> None:
        self.level, self.code_field, self.name_field, self.layer = level, code_field, name_field, layer

    def accepts(self, kind: sniff.Kind) -> bool:
        """GeoJSON (a uMap export's layers too) and GeoPackage."""
        return kind.importer in ("geojson", "umap", "gpkg")

    def advice(self, kind: sniff.Kind) -> str:
        """Zones come only from polygons: convert other files rather than choose another importer."""
        return "convertissez-le en GeoJSON ou en GeoPackage (QGIS, ogr2ogr) : des polygones avec un code et un nom"

    def prepare(self, db: Session, form: str | None) -> None:
        """Check the level (zones go to no form)."""
        if self.level not in LEVELS:
            raise Refused(f"Niveau inconnu : {self.level} (niveaux : {', '.join(LEVELS)}).")

    def parse(self, data: bytes | Layer) -> Batch:
        """Read a GeoJSON or GeoPackage file (or take features already read)."""
        try:
            if isinstance(data, Layer):
                layer = data
            elif data.startswith(sniff.SQLITE):
                from importers.gpkg import features_from_gpkg  # shapely: only for a GeoPackage (issue 19)

                layer = features_from_gpkg(data, layer=self.layer)
            else:
                layer = features_from_geojson(data)
        except FormatError as error:
            raise Refused(error.message) from None
        return Batch(list(layer.features), errors=[RowError(ref, message) for ref, message in layer.errors])

    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """The code, name and repaired boundary of each feature."""
        for feature in batch.things:
            item = Item(feature.ref, parsed=feature)
            code = str(feature.properties.get(self.code_field) or "").strip().upper()[:16]
            name = str(feature.properties.get(self.name_field) or "").strip()
            item.remote_id = code or None
            if not code or not name:
                item.refused = f"propriété « {self.code_field} » ou « {self.name_field} » manquante."
                yield item
                continue
            if not CODE_PATTERNS[self.level].fullmatch(code):
                item.refused = f"code « {code} » invalide au niveau {self.level} : {CODE_HINTS[self.level]} attendu."
                yield item
                continue
            try:
                cleaned = geo.clean(feature.geometry, ("Polygon", "MultiPolygon"), repair=True,
                                    max_vertices=ZONE_MAX_VERTICES, max_bytes=ZONE_MAX_BYTES)  # fmt: skip
            except geo.GeometryError as error:
                item.refused = error.message
                yield item
                continue
            if cleaned is None:
                item.refused = "zone sans contour."
            else:
                item.values = {"code": code, "name": name, "geometry": cleaned.geometry}
            yield item

    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Create or update the zone of the importer's level with this code (other levels are never touched)."""
        try:
            status = zones.save_zone(job.db, level=self.level, **item.values)
        except geo.GeometryError as error:
            raise Refused(error.message) from None
        return Written(status)

    def finish(self, job: Job) -> None:
        """Re-attach every located record to the zones, and place records by commune that now can be."""
        job.db.flush()
        placement.reattach_all(job.db)
        placement.sync_unlocated(job.db)


def import_zones(db: Session, features: Iterable[Feature], *, level: str, code_field: str,
                 name_field: str) -> ImportResult:  # fmt: skip
    """Load zones from features already read (``.properties`` and ``.geometry``), then re-attach every record."""
    importer = ZonesImporter(level=level, code_field=code_field, name_field=name_field)
    return importer.run(db, Layer(features=list(features)))


# --- lieudit zones import ---------------------------------------------------------------------

zones_cli = AppGroup(
    "zones", help="Gérer les zones du territoire (communes, cantons, intercommunalités, départements, régions…)."
)


@zones_cli.command(
    "import",
    help="Charger des zones depuis un fichier GeoJSON ou GeoPackage, puis y rattacher chaque fiche localisée.",
)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="commune",
    show_default=True,
    help="Niveau des zones du fichier (les codes sont uniques par niveau ; les autres niveaux ne sont pas touchés).",
)
@click.option("--code-field", default="code", show_default=True, help="Propriété qui porte le code (INSEE, SIREN…).")
@click.option("--name-field", default="nom", show_default=True, help="Propriété qui porte le nom.")
@click.option("--layer", default=None, help="Couche d'un GeoPackage qui en a plusieurs (ex. commune, epci).")
def import_command(path: Path, level: str, code_field: str, name_field: str, layer: str | None) -> None:
    """Load zones from a GeoJSON or GeoPackage file, then attach every located record to them."""
    importer = ZonesImporter(level=level, code_field=code_field, name_field=name_field, layer=layer)
    session = Database.new_session()
    try:
        result = importer.run(session, path.read_bytes(), source=str(path)[:300], log="cli")
        session.commit()  # the zones, or only the import log's entry of a refused file
        if result.error:
            raise click.ClickException(result.error)
    finally:
        session.close()
    for ref, message in result.errors:
        click.echo(f"  refusé — {ref} : {message}", err=True)
    click.echo(
        f"Zones de niveau {level} : {result.created} créée(s), {result.updated} mise(s) à jour, "
        f"{result.unchanged} inchangée(s), {len(result.errors)} refusée(s)."
    )
