"""Import a map layer into a form: what the GeoJSON, uMap, KML, GPX and OpenStreetMap importers share.

Behind ``lieudit import geojson|umap|kml|gpx|osm`` and the moderators' upload
page (``/carte/importer``). Each format's module holds its pure reader
(``features_from_*``, see :mod:`importers.features`) and a
:class:`LayerImporter` subclass naming it; this module does the rest.

Each feature's geometry is validated by :mod:`geodata.geometry` (invalid
polygons repaired with a notice), and each feature becomes a record of the
form (``lieu`` by default) through the record services, like a record typed
in the browser. Properties are mapped to fields: by default
``name``/``title``/``nom`` go to the title field, ``description``/``desc``
to the description, and any property named like a field's key to that
field; the ``mapping`` option overrides this (field key -> property name).
A property no field receives is never dropped: it is kept in the record's
« autres propriétés » (``extra``, shown on its page) and named once in the
import's warnings; the preview lists those properties too.
Re-importing into the same form updates the records of features that carry
an id instead of duplicating them (an uploaded file has no lasting identity:
links are kept per destination form, see :meth:`LayerImporter.scope`).
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from sqlalchemy.orm import Session

import geodata.geometry as geo
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
from importers.record_items import save_record
from importers.report import RowError
from wiki.errors import NotFound
from wiki.records import fields as F
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy

DEFAULT_FORM = "lieu"
#: The map-layer importers, in the order the upload page offers them.
FORMATS = ("geojson", "umap", "kml", "gpx", "osm", "gpkg")
#: The format a file's extension suggests on the upload page.
EXTENSIONS = {".geojson": "geojson", ".json": "geojson", ".umap": "umap", ".kml": "kml", ".gpx": "gpx", ".osm": "osm",
              ".gpkg": "gpkg"}  # fmt: skip
TITLE_NAMES = ("name", "title", "nom", "titre", "Name", "NAME", "Title", "label")
DESCRIPTION_NAMES = ("description", "desc", "Description", "popupContent", "note")
#: Longest text kept of a property that maps to no field.
EXTRA_MAX = 2000
#: Field types a property is mapped to without being asked (others need an explicit mapping).
AUTO_TYPES = ("text", "longtext", "url", "email", "phone", "number", "boolean")


def default_mapping(form: Any, properties: list[str]) -> dict[str, str]:
    """Propose field key -> property name for the properties found in a layer."""
    defs = form_services.form_fields(form)
    present = set(properties)
    mapping: dict[str, str] = {}
    title = next((name for name in TITLE_NAMES if name in present), None)
    if title:
        mapping[form.title_field] = title
    description_field = next((d for d in defs if d.key == "description" and d.type == "longtext"), None)
    description = next((name for name in DESCRIPTION_NAMES if name in present), None)
    if description_field and description:
        mapping[description_field.key] = description
    lowered = {p.lower(): p for p in properties}
    for d in defs:
        if d.key not in mapping and d.type in AUTO_TYPES and d.key.lower() in lowered:
            mapping[d.key] = lowered[d.key.lower()]
    return mapping


def _value(raw: Any) -> Any:
    return None if isinstance(raw, (dict, list)) else raw


def _properties(features: list[Feature]) -> list[str]:
    return sorted({k for f in features for k in f.properties})


def kept_properties(properties: Mapping[str, Any], taken: set[str]) -> dict[str, Any]:
    """The properties no field took, for the record's « autres propriétés » (nested values as JSON text)."""
    kept: dict[str, Any] = {}
    for name, value in properties.items():
        if name in taken or value is None or value == "":
            continue
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False, default=str)
        kept[name] = value[:EXTRA_MAX] if isinstance(value, str) else value
    return kept


@dataclass
class Mapped:
    """A feature and its properties that no field takes."""

    feature: Feature
    extra: dict[str, Any]


@dataclass
class Target:
    """Where a layer goes: the form, its geometry field, the field mapping and the validation context."""

    form: Any
    geometry: F.FieldDef
    kinds: tuple[str, ...]
    ctx: F.Context
    mapping: dict[str, str] | None = None


class LayerImporter(Importer):
    """Features of a map layer become records of a form with a geometry field.

    Subclasses implement :meth:`read` with their format's pure reader.
    """

    options: ClassVar[frozenset[str]] = frozenset({"mapping"})
    #: ``mapping`` is field key -> property name here (the upload screen's choice per field).
    mapping_by_field: ClassVar[bool] = True

    def __init__(self, *, mapping: Mapping[str, str] | None = None) -> None:
        self.mapping = dict(mapping) if mapping is not None else None

    @abstractmethod
    def read(self, data: bytes) -> Layer:
        """Read the layer with the format's ``features_from_*`` reader (pure).

        :raises FormatError: the source cannot be read.
        """

    def preview(self, data: bytes, form: Any, *, limit: int = 20) -> dict[str, Any]:
        """Read a layer without writing: properties found, the proposed mapping, the first rows and the refusals.

        :raises FormatError: the source cannot be read.
        """
        layer = self.read(data)
        properties = _properties(layer.features)
        chosen = self.mapping if self.mapping is not None else default_mapping(form, properties)
        rows = [
            {
                "ref": f.ref,
                "values": {k: _value(f.properties.get(p)) for k, p in chosen.items()},
                "kind": f.geometry.get("type") if isinstance(f.geometry, dict) else None,
            }
            for f in layer.features[:limit]
        ]
        kept = sorted(set(properties) - set(chosen.values()))
        return {"properties": properties, "mapping": chosen, "rows": rows, "count": len(layer.features),
                "errors": layer.errors, "kept": kept}  # fmt: skip

    def prepare(self, db: Session, form: str | None) -> Target:
        """The destination form (``lieu`` by default) and its geometry field."""
        try:
            target = form_services.get_form(db, form or DEFAULT_FORM)
        except NotFound:
            raise Refused(f"formulaire inconnu : {form or DEFAULT_FORM}.") from None
        gfield = next((d for d in services.form_fields(target) if d.type == "geometry"), None)
        if gfield is None:
            raise Refused(f"le formulaire {target.key} n'a pas de champ géométrie.")
        kinds = tuple(gfield.options.get("kinds") or geo.KINDS)
        return Target(target, gfield, kinds, taxonomy.cleaning_context(db), self.mapping)

    def parse(self, data: bytes) -> Batch:
        """Read the layer; a file without any feature is refused."""
        try:
            layer = self.read(data)
        except FormatError as error:
            raise Refused(error.message) from None
        if not layer.features and not layer.errors:
            raise Refused("aucun objet géographique dans ce fichier.")
        errors = [RowError(ref, message) for ref, message in layer.errors]
        return Batch(list(layer.features), errors=errors, warnings=list(layer.warnings))

    def scope(self, job: Job) -> str:
        """Links are kept per destination form: an uploaded file has no lasting identity of its own."""
        return f"form:{job.target.form.key}"

    def to_items(self, job: Job, batch: Batch) -> Iterator[Item]:
        """Validate each feature's geometry and map its properties to the form's fields."""
        target: Target = job.target
        form = target.form
        chosen = target.mapping if target.mapping is not None else default_mapping(form, _properties(batch.things))
        kept: set[str] = set()
        for feature in batch.things:
            item = Item(feature.ref, remote_id=feature.id, parsed=feature)
            if feature.notice:
                item.warnings.append(feature.notice)
            try:
                cleaned = geo.clean(feature.geometry, target.kinds, repair=True)
            except geo.GeometryError as error:
                item.refused = error.message
                yield item
                continue
            if cleaned is None:
                item.refused = "objet sans géométrie : rien à placer sur la carte."
                yield item
                continue
            if cleaned.notice:
                item.warnings.append(cleaned.notice)
            values = {key: _value(feature.properties.get(prop)) for key, prop in chosen.items()}
            values = {k: (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                      for k, v in values.items() if v not in (None, "")}  # fmt: skip
            extra = kept_properties(feature.properties, {prop for key, prop in chosen.items() if key in values})
            kept.update(extra)
            item.parsed = Mapped(feature, extra)
            if not values.get(form.title_field):
                values[form.title_field] = f"{feature.ref} ({self.name})"[:200]
                item.warnings.append(f"sans nom, titre provisoire « {values[form.title_field]} ».")
            values[target.geometry.key] = cleaned.geometry
            item.values = values
            yield item
        if kept:
            names = ", ".join(sorted(kept)[:30]) + (" …" if len(kept) > 30 else "")
            job.result.warnings.append(f"Propriétés sans champ dans « {form.title} », gardées dans les « autres "
                                       f"propriétés » de chaque fiche : {names}.")  # fmt: skip

    def write(self, job: Job, item: Item, link: Link | None) -> Written:
        """Update the record this feature became last time, or create one."""
        target: Target = job.target
        extra = item.parsed.extra if isinstance(item.parsed, Mapped) else {}
        return save_record(job, target.form, item.values, link, ctx=target.ctx, comment=f"Import {self.name}",
                           extra=extra)  # fmt: skip
