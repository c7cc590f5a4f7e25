"""Import a map layer into a form: GeoJSON, uMap, KML, GPX and OpenStreetMap files.

The service behind ``lieudit import geojson|kml|gpx|umap|osm`` (see
``importers.geo_layers``) and the moderators' upload page (``/carte/importer``).

Features are read by :mod:`importers.formats` (hardened XML, strict JSON,
caps), their geometry validated by :mod:`geodata.geometry` (invalid polygons
repaired with a notice), and each becomes a record of the form (``lieu`` by
default) through the record services, like a record typed in the browser.
Properties are mapped to fields: by default ``name``/``title``/``nom`` go to
the title field, ``description``/``desc`` to the description, and any
property named like a field's key to that field; ``mapping`` overrides this
(field key -> property name). Re-importing the same file updates the
records of features that carry an id instead of duplicating them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import geodata.geometry as geo
from geodata.models import LayerSource
from importers import formats
from wiki.errors import LieuditError
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import form_services
from wiki.records import services
from wiki.records import taxonomy
from wiki.records.models import Record

DEFAULT_FORM = "lieu"
FORMATS = formats.FORMATS


@dataclass
class LayerImport:
    """The outcome of a layer import: counts, per-feature refusals and notices, or why the whole file was refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


TITLE_NAMES = ("name", "title", "nom", "titre", "Name", "NAME", "Title", "label")
DESCRIPTION_NAMES = ("description", "desc", "Description", "popupContent", "note")
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
    if isinstance(raw, (dict, list)):
        return None
    return raw


def preview(
    data: bytes, fmt: str, form: Any, mapping: Mapping[str, str] | None = None, *, limit: int = 20
) -> dict[str, Any]:
    """Read a layer without writing: properties found, the proposed mapping, the first rows and the refusals.

    :raises formats.FormatError: the source cannot be read.
    """
    layer = formats.read(data, fmt)
    properties = sorted({k for f in layer.features for k in f.properties})
    chosen = dict(mapping) if mapping is not None else default_mapping(form, properties)
    rows = [
        {
            "ref": f.ref,
            "values": {k: _value(f.properties.get(p)) for k, p in chosen.items()},
            "kind": f.geometry.get("type") if isinstance(f.geometry, dict) else None,
        }
        for f in layer.features[:limit]
    ]
    return {
        "properties": properties,
        "mapping": chosen,
        "rows": rows,
        "count": len(layer.features),
        "errors": layer.errors,
    }


def import_layer(
    db: Session,
    data: bytes,
    fmt: str,
    *,
    form: str | None,
    author: Any,
    mapping: Mapping[str, str] | None = None,
) -> LayerImport:
    """Import every feature of a layer as a record of ``form`` (by key, ``lieu`` by default); never commits."""
    result = LayerImport()
    try:
        target = form_services.get_form(db, form or DEFAULT_FORM)
    except NotFound:
        result.error = f"formulaire inconnu : {form or DEFAULT_FORM}."
        return result
    gfield = next((d for d in form_services.form_fields(target) if d.type == "geometry"), None)
    if gfield is None:
        result.error = f"le formulaire {target.key} n'a pas de champ géométrie."
        return result
    try:
        layer = formats.read(data, fmt)
    except formats.FormatError as error:
        result.error = error.message
        return result
    result.errors.extend(layer.errors)
    if not layer.features and not layer.errors:
        result.error = "aucun objet géographique dans ce fichier."
        return result
    properties = sorted({k for f in layer.features for k in f.properties})
    chosen = dict(mapping) if mapping is not None else default_mapping(target, properties)
    kinds = tuple(gfield.options.get("kinds") or geo.KINDS)
    ctx = taxonomy.cleaning_context(db)
    known = {row.source_id: row for row in db.scalars(select(LayerSource).where(LayerSource.form_id == target.id))}
    for feature in layer.features:
        if feature.notice:
            result.warnings.append(f"{feature.ref} : {feature.notice}")
        try:
            cleaned = geo.clean(feature.geometry, kinds, repair=True)
        except geo.GeometryError as error:
            result.errors.append((feature.ref, error.message))
            continue
        if cleaned is None:
            result.errors.append((feature.ref, "objet sans géométrie : rien à placer sur la carte."))
            continue
        if cleaned.notice:
            result.warnings.append(f"{feature.ref} : {cleaned.notice}")
        values = {key: _value(feature.properties.get(prop)) for key, prop in chosen.items()}
        values = {
            k: (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
            for k, v in values.items()
            if v not in (None, "")
        }
        if not values.get(target.title_field):
            values[target.title_field] = f"{feature.ref} ({fmt})"[:200]
            result.warnings.append(f"{feature.ref} : sans nom, titre provisoire « {values[target.title_field]} ».")
        values[gfield.key] = cleaned.geometry
        source_id = f"{fmt}:{feature.id}"[:200] if feature.id else None
        link = known.get(source_id) if source_id else None
        record = db.get(Record, link.record_id) if link else None
        try:
            with db.begin_nested():
                if record is not None and record.deleted_at is None:
                    current = {d.key: record.data.get(d.id) for d in form_services.form_fields(target)}
                    outcome = services.update_record(
                        db,
                        record,
                        current | values,
                        actor=author,
                        policy="account",
                        base_revision=None,
                        ctx=ctx,
                        comment=f"Import {fmt}",
                    )
                    result.updated += outcome.changed
                    result.unchanged += not outcome.changed
                else:
                    created = services.create_record(
                        db,
                        target,
                        values,
                        actor=author,
                        policy="account",
                        ctx=ctx,
                        status="published",
                        comment=f"Import {fmt}",
                    )
                    if source_id:
                        if link is not None:
                            link.record_id = created.id
                        else:
                            link = LayerSource(form_id=target.id, source_id=source_id, record_id=created.id)
                            db.add(link)
                            known[source_id] = link
                    result.created += 1
        except ValidationError as error:
            details = " ; ".join(f"{k} : {v}" for k, v in (error.errors or {}).items()) or error.message
            result.errors.append((feature.ref, details))
        except LieuditError as error:
            result.errors.append((feature.ref, error.message or "refusé."))
    return result
