"""Place records on the map and in their zones: the map projection and the point-in-zone attachment.

Records are projected into ``RecordGeometry`` and attached to zones by
:func:`sync_record`, which the subscribers call on every record save, so the
map, the zone pages and the exports never read a record's JSON to place it.
A record lies in zones of every level its geometry touches; the values of
its commune field name zones of the levels that field accepts (a field of
communes only ever names communes, whatever other level shares the code).
Only a geometry field every record shows to anyone is ever projected (public
and not personal: consent never places a record, HOSTILE_INPUTS B6-61); a
record without one but with a commune is placed, approximately, at that
commune's centre. Popups show what the record shows to anyone
(:mod:`wiki.records.disclosure`). No request globals (STYLE R6).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import and_
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy.orm import Session

import geodata.geometry as geo
from geodata.models import RecordGeometry
from geodata.models import RecordZone
from geodata.models import Zone
from geodata.models import record_shapes
from geodata.models import zone_shapes
from geodata.spatial import spatial_backend
from geodata.spatial import zones_touching
from geodata.zones import zone_index
from wiki.db import BY_KEY
from wiki.records import fields as F
from wiki.records import lookups
from wiki.records.disclosure import shows_always
from wiki.records.form_services import disclosure
from wiki.records.form_services import form_fields

if TYPE_CHECKING:
    from wiki.records.models import Form
    from wiki.records.models import Record

_SUMMARY_MARKUP = re.compile(r"[#*_`>\[\]]+|\(https?://[^)]*\)")


def geometry_field(form: Form) -> F.FieldDef | None:
    """Return the form's first geometry field that every record shows to anyone."""
    return next((d for d in form_fields(form) if d.type == "geometry" and shows_always(d)), None)


def commune_field(form: Form) -> F.FieldDef | None:
    """Return the form's first commune field that every record shows to anyone."""
    return next((d for d in form_fields(form) if d.type == "zone" and shows_always(d)), None)


def _summary(form: Form, record: Record) -> str:
    rule = disclosure(form)
    for d in rule.fields:
        if d.type == "longtext" and rule.shows(d, record.data) and record.data.get(d.id):
            text = " ".join(_SUMMARY_MARKUP.sub("", str(record.data[d.id])).split())
            return text if len(text) <= 200 else text[:199].rsplit(" ", 1)[0] + "…"
    return ""


def _field_zones(field: F.FieldDef, value: Any) -> list[tuple[str, str]]:
    """``(level, code)`` of the zones a zone field's value names (codes no level of the field accepts are left out)."""
    found = []
    for item in value if isinstance(value, list) else [value]:
        code = str(item or "")[:16]
        level = F.zone_level(field, code) if code else None
        if level is not None:
            found.append((level, code))
    return found


def sync_record(db: Session, record: Record, *, fresh: bool = False) -> None:
    """Refresh a record's map projection and zones from its current values (``fresh``: just created)."""
    if not fresh:
        db.execute(delete(RecordGeometry).where(RecordGeometry.record_id == record.id), execution_options=BY_KEY)
        db.execute(delete(RecordZone).where(RecordZone.record_id == record.id), execution_options=BY_KEY)
    if record.deleted_at is not None:
        return
    form = record.form
    gfield, cfield = geometry_field(form), commune_field(form)
    geometry = record.data.get(gfield.id) if gfield else None
    communes = _field_zones(cfield, record.data.get(cfield.id)) if cfield else []
    approximate = False
    if not geometry and communes:
        level, code = communes[0]
        zone = db.scalar(select(Zone).where(Zone.level == level, Zone.code == code))
        if zone is not None:
            geometry, approximate = {"type": "Point", "coordinates": [zone.centre_lon, zone.centre_lat]}, True
    zones = set(communes)
    if geometry:
        west, south, east, north = geo.bbox(geometry)
        lon, lat = geometry["coordinates"] if geometry["type"] == "Point" else geo.centre(geometry)
        db.add(
            RecordGeometry(
                record_id=record.id,
                form_id=record.form_id,
                status=record.status,
                kind=geometry["type"],
                title=record.title[:300],
                summary=_summary(form, record),
                geometry=geometry,
                approximate=approximate,
                lon=lon,
                lat=lat,
                min_lon=west,
                min_lat=south,
                max_lon=east,
                max_lat=north,
            )
        )
        if not approximate:
            zones.update(
                zones_touching(db, geometry)
                if spatial_backend(db) == "postgis"
                else zone_index(db).containing(geometry)
            )
    db.add_all(RecordZone(record_id=record.id, zone_level=level, zone_code=code) for level, code in sorted(zones))


def place_new_records(db: Session, records: Sequence[Record]) -> None:
    """:func:`sync_record` for records just created together (an import): one statement per table.

    The same rows as placing each alone: the communes' centres are read in
    one query, and points are found in their zones together.
    """
    planned = [(record, *_planned(record)) for record in records if record.deleted_at is None]
    wanted = {communes[0] for _, geometry, communes in planned if not geometry and communes}
    centres = _centres(db, wanted)
    placed = []
    for record, geometry, communes in planned:
        approximate = False
        if not geometry and communes and communes[0] in centres:
            geometry, approximate = {"type": "Point", "coordinates": list(centres[communes[0]])}, True
        placed.append((record, geometry, approximate, set(communes)))
    precise = [(geometry, zones) for _, geometry, approximate, zones in placed if geometry and not approximate]
    for (_geometry, zones), found in zip(precise, _zones_of(db, [g for g, _ in precise]), strict=True):
        zones.update(found)
    rows = [_geometry_row(record, geometry, approximate) for record, geometry, approximate, _ in placed if geometry]
    if rows:
        db.execute(insert(RecordGeometry), rows)
    links = [{"record_id": record.id, "zone_level": level, "zone_code": code}
             for record, _, _, zones in placed for level, code in sorted(zones)]  # fmt: skip
    if links:
        db.execute(insert(RecordZone), links)


def _planned(record: Record) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    """A record's public geometry and the ``(level, code)`` of the communes its commune field names."""
    gfield, cfield = geometry_field(record.form), commune_field(record.form)
    geometry = record.data.get(gfield.id) if gfield else None
    return geometry, _field_zones(cfield, record.data.get(cfield.id)) if cfield else []


def _centres(db: Session, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[Any, Any]]:
    """The centre of each zone ``(level, code)`` among ``wanted`` that is known."""
    found: dict[tuple[str, str], tuple[Any, Any]] = {}
    codes = sorted({code for _, code in wanted})
    for start in range(0, len(codes), 500):
        query = select(Zone.level, Zone.code, Zone.centre_lon, Zone.centre_lat).where(
            Zone.code.in_(codes[start : start + 500])
        )
        found |= {(level, code): (lon, lat) for level, code, lon, lat in db.execute(query) if (level, code) in wanted}
    return found


def _zones_of(db: Session, geometries: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """The zones each geometry lies in or crosses, as :func:`sync_record` finds them (points together)."""
    if spatial_backend(db) == "postgis":
        return [list(zones_touching(db, geometry)) for geometry in geometries]
    index = zone_index(db)
    points = [i for i, g in enumerate(geometries) if g["type"] == "Point"]
    found = {i: index.containing(g) for i, g in enumerate(geometries) if g["type"] != "Point"}
    found |= dict(zip(points, index.containing_points([geometries[i]["coordinates"] for i in points]), strict=True))
    return [found[i] for i in range(len(geometries))]


def _geometry_row(record: Record, geometry: dict[str, Any], approximate: bool) -> dict[str, Any]:
    west, south, east, north = geo.bbox(geometry)
    lon, lat = geometry["coordinates"] if geometry["type"] == "Point" else geo.centre(geometry)
    return {"record_id": record.id, "form_id": record.form_id, "status": record.status, "kind": geometry["type"],
            "title": record.title[:300], "summary": _summary(record.form, record), "geometry": geometry,
            "approximate": approximate, "lon": lon, "lat": lat, "min_lon": west, "min_lat": south,
            "max_lon": east, "max_lat": north}  # fmt: skip


def forget_record(db: Session, record_id: int) -> None:
    """Remove a deleted record from the map and its zones."""
    db.execute(delete(RecordGeometry).where(RecordGeometry.record_id == record_id), execution_options=BY_KEY)
    db.execute(delete(RecordZone).where(RecordZone.record_id == record_id), execution_options=BY_KEY)


def sync_form(db: Session, form: Form) -> None:
    """Re-project every record of a form (its fields' visibility may have changed)."""
    for record in lookups.live_records_of(db, form):
        sync_record(db, record)


def sync_unlocated(db: Session) -> int:
    """Project the records not yet on the map (a commune of theirs may now be known); return how many were tried."""
    located = select(RecordGeometry.record_id)
    count = 0
    for form in lookups.all_forms(db, live=True):
        if commune_field(form) is None:
            continue
        for record in lookups.live_records_of(db, form, not_in=located):
            sync_record(db, record)
            count += 1
    return count


def reattach_all(db: Session, *, batch: int = 5_000) -> int:
    """Recompute the zones of every located record (after zones changed); return how many.

    With PostGIS, one spatial join per batch finds the zones in the
    database. Otherwise points, the bulk of a map, are looked up many at a
    time in the zone index; lines and areas one by one.
    """
    postgis = spatial_backend(db) == "postgis"
    index = None if postgis else zone_index(db)
    commune_fields = {}
    for form in lookups.all_forms(db):
        cfield = commune_field(form)
        if cfield:
            commune_fields[form.id] = cfield
    count = 0
    last = 0
    while True:
        rows = db.execute(
            select(
                RecordGeometry.record_id,
                RecordGeometry.form_id,
                RecordGeometry.kind,
                RecordGeometry.lon,
                RecordGeometry.lat,
                RecordGeometry.approximate,
                RecordGeometry.geometry,
            )
            .where(RecordGeometry.record_id > last)
            .order_by(RecordGeometry.record_id)
            .limit(batch)
        ).all()
        if not rows:
            break
        last = rows[-1].record_id
        ids = [r.record_id for r in rows]
        explicit: dict[int, set[tuple[str, str]]] = {i: set() for i in ids}
        if commune_fields:
            for rid, form_id, data in lookups.record_values(db, ids):
                if form_id in commune_fields:
                    cfield = commune_fields[form_id]
                    explicit[rid].update(_field_zones(cfield, data.get(cfield.id)))
        if index is None:
            located = [r.record_id for r in rows if not r.approximate]
            for start in range(0, len(located), 1_000):
                pairs = db.execute(
                    select(record_shapes.c.record_id, Zone.level, Zone.code)
                    .join(
                        zone_shapes,
                        and_(
                            zone_shapes.c.geom.intersects(record_shapes.c.geom),
                            func.ST_Intersects(zone_shapes.c.geom, record_shapes.c.geom),
                        ),
                    )
                    .join(Zone, Zone.id == zone_shapes.c.zone_id)
                    .where(record_shapes.c.record_id.in_(located[start : start + 1_000]))
                )
                for rid, level, code in pairs:
                    explicit[rid].add((level, code))
        else:
            points = [r for r in rows if r.kind == "Point" and not r.approximate]
            for row, codes in zip(points, index.points([(r.lon, r.lat) for r in points]), strict=True):
                explicit[row.record_id].update(codes)
            for row in rows:
                if row.kind != "Point" and not row.approximate:
                    explicit[row.record_id].update(index.containing(row.geometry))
        db.execute(delete(RecordZone).where(RecordZone.record_id.in_(ids)), execution_options=BY_KEY)
        links = [
            {"record_id": rid, "zone_level": level, "zone_code": code}
            for rid, keys in explicit.items()
            for level, code in sorted(keys)
        ]
        if links:
            db.execute(insert(RecordZone), links)
        count += len(rows)
    return count
