"""Geodata services: zones, the map projection of records, layers, and the located records exports read.

No request globals (STYLE R6). Records are projected into ``RecordGeometry``
and attached to zones by :func:`sync_record`, which the subscribers call on
every record save, so the map, the zone pages and the exports never read a
record's JSON to place it. Only a geometry field every record shows to anyone
is ever projected (public and not personal: consent never places a record,
HOSTILE_INPUTS B6-61); a record without one but with a commune is placed,
approximately, at that commune's centre. Popups and properties show what the
record shows to anyone (:mod:`wiki.records.disclosure`).

Spatial queries take one of two paths, chosen by :func:`spatial_backend`:
``postgis`` (PostgreSQL with the PostGIS tables of migration 0009: bbox
overlap through GiST indexes, point-in-zone with ``ST_Intersects`` in the
database) or ``bbox`` (SQLite, PostgreSQL without PostGIS: the bounding box
columns and an in-memory STR-tree of the zones). Both answer the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import null
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

import geodata.geometry as geo
from geodata.models import LEVELS
from geodata.models import RecordGeometry
from geodata.models import RecordZone
from geodata.models import Zone
from geodata.models import record_shapes
from geodata.models import zone_shapes
from wiki import signals
from wiki.caching import AppCache
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records import taxonomy
from wiki.records.disclosure import shows_always
from wiki.records.form_services import disclosure
from wiki.records.form_services import form_fields
from wiki.records.models import Form
from wiki.records.models import Record
from wiki.records.models import RecordFacet

#: Statuses shown on the public map.
PUBLIC_STATUSES = ("published", "archived")
MAX_FEATURES = 5_000
_SUMMARY_MARKUP = re.compile(r"[#*_`>\[\]]+|\(https?://[^)]*\)")


# --- spatial backend ------------------------------------------------------------------

#: The spatial path of the app's database; an upgrade may add the PostGIS tables.
_backends: AppCache[str] = AppCache("geodata.spatial_backend", maxsize=1, stale_on=(signals.instance_upgraded,))


def spatial_backend(db: Session) -> str:
    """Return ``"postgis"`` when the database has the PostGIS tables, else ``"bbox"`` (cached per app)."""
    backend = _backends.get(db, "backend")
    if backend is None:
        backend = "bbox"
        if db.get_bind().dialect.name == "postgresql":
            found = db.execute(
                select(func.to_regclass("record_shapes").is_not(None) & func.to_regclass("zone_shapes").is_not(None))
            ).scalar()
            backend = "postgis" if found else "bbox"
        _backends.put(db, "backend", backend)
    return backend


def _as_shape(geometry: Mapping[str, Any]) -> Any:
    """A GeoJSON geometry as a PostGIS value in WGS 84."""
    return func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(geometry)), 4326)


def _zones_touching(db: Session, geometry: Mapping[str, Any]) -> list[str]:
    """Codes of the zones a geometry lies in or crosses, found by PostGIS (same rule as ``ZoneIndex.containing``)."""
    shape = _as_shape(geometry)
    return sorted(
        db.scalars(
            select(Zone.code)
            .join(zone_shapes, zone_shapes.c.zone_id == Zone.id)
            .where(zone_shapes.c.geom.intersects(shape), func.ST_Intersects(zone_shapes.c.geom, shape))
        )
    )


# --- zones ------------------------------------------------------------------------


def save_zone(
    db: Session,
    *,
    code: str,
    name: str,
    level: str,
    geometry: Mapping[str, Any] | None = None,
    centre: tuple[float, float] | None = None,
) -> bool:
    """Create or update one zone from a boundary or a centre; return True when created.

    :raises geo.GeometryError: neither a valid boundary nor a centre.
    """
    if level not in LEVELS:
        raise geo.GeometryError(f"Niveau inconnu : {level} (niveaux : {', '.join(LEVELS)}).")
    if geometry is not None:
        box = geo.bbox(geometry)
        centre = centre or geo.centre(geometry)
    elif centre is not None:
        box = (centre[0], centre[1], centre[0], centre[1])
    else:
        raise geo.GeometryError("Zone sans contour ni centre.")
    zone = db.scalar(select(Zone).where(Zone.code == code))
    created = zone is None
    if zone is None:
        zone = Zone(code=code)
        db.add(zone)
    elif geometry is None and zone.geometry is not None:
        geometry, box = (
            zone.geometry,
            (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat),
        )  # keep a loaded boundary
    zone.name, zone.level = name[:200], level
    zone.geometry = dict(geometry) if geometry else null()  # SQL NULL, not JSON null
    zone.centre_lon, zone.centre_lat = centre
    zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat = box
    zone.updated_at = utcnow()
    db.flush()
    signals.zone_saved.send(None, session=db, zone=zone)
    return created


def list_zones(db: Session, level: str | None = None) -> list[Zone]:
    """Return zones (of one level) by level then name, without their boundaries' weight in mind."""
    query = select(Zone).order_by(Zone.level, Zone.name)
    if level:
        query = query.where(Zone.level == level)
    return list(db.scalars(query))


def zone_names(db: Session, codes: Iterable[str]) -> dict[str, str]:
    """Names of the zones among ``codes``, by code."""
    wanted = sorted(set(codes))[:1000]
    return dict(db.execute(select(Zone.code, Zone.name).where(Zone.code.in_(wanted))).all()) if wanted else {}


def get_zone(db: Session, code: str) -> Zone:
    """Return a zone by code.

    :raises NotFound: no such zone.
    """
    zone = db.scalar(select(Zone).where(Zone.code == code.upper()[:16]))
    if zone is None:
        raise NotFound(str(_l("Cette zone n'existe pas.")))
    return zone


def zone_exists(db: Session) -> Any:
    """Return a predicate telling whether a zone code is known (all codes allowed while none is loaded)."""
    codes = set(db.scalars(select(Zone.code)))
    return (lambda code: code in codes) if codes else None


#: The STR-tree of the zones with a boundary, keyed by a stamp of the zones table.
_index_cache: AppCache[geo.ZoneIndex] = AppCache("geodata.zone_index", maxsize=1, stale_on=(signals.zone_saved,))


def zone_index(db: Session) -> geo.ZoneIndex:
    """Return the index of zones that have a boundary (rebuilt when zones change)."""
    stamp = db.execute(select(func.count(), func.max(Zone.updated_at)).where(Zone.geometry.is_not(None))).one()
    key = (stamp[0], stamp[1])
    index = _index_cache.get(db, key)
    if index is None:
        rows = db.execute(select(Zone.code, Zone.geometry).where(Zone.geometry.is_not(None)))
        index = geo.ZoneIndex((code, geometry) for code, geometry in rows if geometry)
        _index_cache.put(db, key, index)
    return index


# --- records on the map ----------------------------------------------------------------


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


def _codes(value: Any) -> list[str]:
    return [str(v) for v in (value if isinstance(value, list) else [value]) if v]


def sync_record(db: Session, record: Record) -> None:
    """Refresh a record's map projection and zones from its current values."""
    db.execute(delete(RecordGeometry).where(RecordGeometry.record_id == record.id))
    db.execute(delete(RecordZone).where(RecordZone.record_id == record.id))
    if record.deleted_at is not None:
        return
    form = record.form
    gfield, cfield = geometry_field(form), commune_field(form)
    geometry = record.data.get(gfield.id) if gfield else None
    communes = _codes(record.data.get(cfield.id)) if cfield else []
    approximate = False
    if not geometry and communes:
        zone = db.scalar(select(Zone).where(Zone.code == communes[0]))
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
                _zones_touching(db, geometry)
                if spatial_backend(db) == "postgis"
                else zone_index(db).containing(geometry)
            )
    db.add_all(RecordZone(record_id=record.id, zone_code=code[:16]) for code in sorted(zones))


def forget_record(db: Session, record_id: int) -> None:
    """Remove a deleted record from the map and its zones."""
    db.execute(delete(RecordGeometry).where(RecordGeometry.record_id == record_id))
    db.execute(delete(RecordZone).where(RecordZone.record_id == record_id))


def sync_form(db: Session, form: Form) -> None:
    """Re-project every record of a form (its fields' visibility may have changed)."""
    for record in db.scalars(select(Record).where(Record.form_id == form.id, Record.deleted_at.is_(None))):
        sync_record(db, record)


def sync_unlocated(db: Session) -> int:
    """Project the records not yet on the map (a commune of theirs may now be known); return how many were tried."""
    located = select(RecordGeometry.record_id)
    count = 0
    for form in db.scalars(select(Form).where(Form.deleted_at.is_(None))):
        if commune_field(form) is None:
            continue
        for record in db.scalars(
            select(Record).where(Record.form_id == form.id, Record.deleted_at.is_(None), Record.id.not_in(located))
        ):
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
    commune_ids = {}
    for form in db.scalars(select(Form)):
        cfield = commune_field(form)
        if cfield:
            commune_ids[form.id] = cfield.id
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
        explicit: dict[int, set[str]] = {i: set() for i in ids}
        if commune_ids:
            for rid, form_id, data in db.execute(
                select(Record.id, Record.form_id, Record.data).where(Record.id.in_(ids))
            ):
                if form_id in commune_ids:
                    explicit[rid].update(c[:16] for c in _codes(data.get(commune_ids[form_id])))
        if index is None:
            located = [r.record_id for r in rows if not r.approximate]
            for start in range(0, len(located), 1_000):
                pairs = db.execute(
                    select(record_shapes.c.record_id, Zone.code)
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
                for rid, code in pairs:
                    explicit[rid].add(code)
        else:
            points = [r for r in rows if r.kind == "Point" and not r.approximate]
            for row, codes in zip(points, index.points([(r.lon, r.lat) for r in points]), strict=True):
                explicit[row.record_id].update(codes)
            for row in rows:
                if row.kind != "Point" and not row.approximate:
                    explicit[row.record_id].update(index.containing(row.geometry))
        db.execute(delete(RecordZone).where(RecordZone.record_id.in_(ids)))
        links = [{"record_id": rid, "zone_code": code} for rid, codes in explicit.items() for code in sorted(codes)]
        if links:
            db.execute(RecordZone.__table__.insert(), links)
        count += len(rows)
    return count


# --- layers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerQuery:
    """What a map layer shows: forms, filters and the visible area."""

    form_ids: tuple[int, ...]
    bbox: geo.Bbox | None = None
    themes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    statuses: tuple[str, ...] = PUBLIC_STATUSES
    #: Points beyond this count in the area are grouped into grid clusters.
    cluster_above: int = 500
    grid: int = 32


def layer_query(db: Session, forms: Iterable[Form], args: Any, *, cluster_above: int = 500) -> LayerQuery:
    """Build a layer query from URL arguments (``theme``, ``zone``, ``statut``, ``bbox``), bounded and allowlisted.

    :param args: the arguments, a mapping with ``getlist`` (``request.args``).
    :raises ValidationError: a ``bbox`` that is not four numbers in range.
    """
    ctx = taxonomy.cleaning_context(db)
    themes = tuple(
        dict.fromkeys(
            k
            for raw in args.getlist("theme")[:20]
            if (k := ctx.theme_lookup.get(F.fold(raw)) or (raw if raw in ctx.theme_keys else None))
        )
    )
    zones = tuple(dict.fromkeys(z.strip().upper()[:16] for z in args.getlist("zone")[:20] if z.strip()))
    statuses = tuple(s for s in args.getlist("statut") if s in PUBLIC_STATUSES) or PUBLIC_STATUSES
    try:
        box = geo.parse_bbox(args.get("bbox"))
    except geo.GeometryError as error:
        raise ValidationError(error.message) from None
    return LayerQuery(
        form_ids=tuple(f.id for f in forms),
        bbox=box,
        themes=themes,
        zones=zones,
        statuses=statuses,
        cluster_above=cluster_above,
    )


def theme_field_ids(forms: Iterable[Form]) -> list[str]:
    """Ids of the public theme fields of ``forms``."""
    return [d.id for form in forms for d in form_fields(form) if d.type == "theme" and shows_always(d)]


SHAPE_KINDS = ("LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon")


def _filtered(
    query: Any, q: LayerQuery, theme_ids: list[str], *, points: bool | None = None, spatial: str = "bbox"
) -> Any:
    """Apply the layer's filters; ``points`` True/False narrows to points or to other shapes.

    With ``spatial="postgis"`` the area is an ``&&`` overlap test against the
    GiST index of ``record_shapes``. Otherwise points are found through the
    ``(kind, lat, lon)`` index with two-sided ranges, which is what keeps a
    small bbox over many points cheap; other shapes are few and tested for
    bbox overlap. Both mean the same: the bounding boxes overlap.
    """
    statuses = [s for s in q.statuses if s in PUBLIC_STATUSES] or list(PUBLIC_STATUSES)
    query = query.where(RecordGeometry.status.in_(statuses), RecordGeometry.form_id.in_(q.form_ids))
    if points is True:
        query = query.where(RecordGeometry.kind == "Point")
    elif points is False:
        query = query.where(RecordGeometry.kind.in_(SHAPE_KINDS))
    if q.bbox is not None and spatial == "postgis":
        envelope = func.ST_MakeEnvelope(*q.bbox, 4326)
        query = query.where(
            RecordGeometry.record_id.in_(
                select(record_shapes.c.record_id).where(record_shapes.c.geom.intersects(envelope))
            )
        )
    elif q.bbox is not None:
        west, south, east, north = q.bbox
        in_box = (RecordGeometry.lat.between(south, north), RecordGeometry.lon.between(west, east))
        overlap = (
            RecordGeometry.min_lat <= north,
            RecordGeometry.max_lat >= south,
            RecordGeometry.min_lon <= east,
            RecordGeometry.max_lon >= west,
        )
        if points is True:
            query = query.where(*in_box)
        elif points is False:
            query = query.where(*overlap)
        else:
            query = query.where(
                or_(and_(RecordGeometry.kind == "Point", *in_box), and_(RecordGeometry.kind.in_(SHAPE_KINDS), *overlap))
            )
    if q.themes:
        query = query.where(
            RecordGeometry.record_id.in_(
                select(RecordFacet.record_id).where(
                    RecordFacet.field_id.in_(theme_ids or ["-"]), RecordFacet.value.in_(q.themes)
                )
            )
        )
    if q.zones:
        query = query.where(
            RecordGeometry.record_id.in_(select(RecordZone.record_id).where(RecordZone.zone_code.in_(q.zones)))
        )
    return query


def _feature(row: Any, form_keys: Mapping[int, str], url: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": row.record_id,
        "geometry": row.geometry,
        "properties": {
            "id": row.record_id,
            "form": form_keys.get(row.form_id, ""),
            "title": row.title,
            "summary": row.summary,
            "url": url(row.record_id),
            "approximate": row.approximate,
        },
    }


def layer(
    db: Session, q: LayerQuery, *, form_keys: Mapping[int, str], url: Any, theme_ids: list[str]
) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection of a map layer, with dense points grouped.

    Lines and areas always come whole; points come one by one while there
    are at most ``cluster_above`` of them in the area, else as grid clusters
    (``properties.cluster`` with a ``count``) computed by the database.
    """
    columns = (
        RecordGeometry.record_id,
        RecordGeometry.form_id,
        RecordGeometry.title,
        RecordGeometry.summary,
        RecordGeometry.geometry,
        RecordGeometry.approximate,
    )
    spatial = spatial_backend(db)
    shapes = db.execute(
        _filtered(select(*columns), q, theme_ids, points=False, spatial=spatial)
        .order_by(RecordGeometry.record_id)
        .limit(MAX_FEATURES)
    ).all()
    features = [_feature(row, form_keys, url) for row in shapes]
    # Read at most one point more than shown unclustered: no full count of a dense area.
    rows = db.execute(
        _filtered(select(*columns), q, theme_ids, points=True, spatial=spatial).limit(q.cluster_above + 1)
    ).all()
    if len(rows) <= q.cluster_above:
        features.extend(_feature(row, form_keys, url) for row in sorted(rows, key=lambda r: r.record_id))
        return {"type": "FeatureCollection", "features": features, "clustered": False, "total": len(rows) + len(shapes)}
    west, south, east, north = q.bbox or (-180.0, -90.0, 180.0, 90.0)
    cell_x, cell_y = max((east - west) / q.grid, 1e-9), max((north - south) / q.grid, 1e-9)
    gx = cast((RecordGeometry.lon - west) / cell_x, Integer)
    gy = cast((RecordGeometry.lat - south) / cell_y, Integer)
    grouped = _filtered(
        select(
            func.count(), func.avg(RecordGeometry.lon), func.avg(RecordGeometry.lat), func.min(RecordGeometry.record_id)
        ),
        q,
        theme_ids,
        points=True,
        spatial=spatial,
    ).group_by(gx * 100_000 + gy)  # one key: cheaper to sort or hash
    singles = []
    total = len(shapes)
    for count, lon, lat, first in db.execute(grouped):
        total += count
        if count == 1:
            singles.append(first)
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {"cluster": True, "count": count},
            }
        )
    for start in range(0, len(singles), 900):  # alone in their cell: shown as themselves
        rows = db.execute(select(*columns).where(RecordGeometry.record_id.in_(singles[start : start + 900])))
        features.extend(_feature(row, form_keys, url) for row in rows)
    return {"type": "FeatureCollection", "features": features, "clustered": True, "total": total}


def located_records(db: Session, q: LayerQuery, *, limit: int = 200, offset: int = 0) -> tuple[list[Any], int]:
    """Return rows (id, form, title, summary, approximate) of a layer, by title, for the list beside the map."""
    base = _filtered(
        select(RecordGeometry.record_id),
        q,
        theme_field_ids(db.scalars(select(Form).where(Form.id.in_(q.form_ids)))),
        spatial=spatial_backend(db),
    )
    total = db.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.execute(
        select(
            RecordGeometry.record_id,
            RecordGeometry.form_id,
            RecordGeometry.title,
            RecordGeometry.summary,
            RecordGeometry.approximate,
            RecordGeometry.kind,
        )
        .where(RecordGeometry.record_id.in_(base))
        .order_by(func.lower(RecordGeometry.title), RecordGeometry.record_id)
        .offset(offset)
        .limit(limit)
    ).all()
    return rows, total


def zone_outlines(db: Session, *, tolerance: float = 0.001, level: str = "commune") -> dict[str, Any]:
    """Return the zones of a level as a simplified GeoJSON FeatureCollection (centres when no boundary)."""
    features = []
    for zone in db.scalars(select(Zone).where(Zone.level == level).order_by(Zone.code)):
        geometry = (
            geo.simplify(zone.geometry, tolerance)
            if zone.geometry
            else {"type": "Point", "coordinates": [zone.centre_lon, zone.centre_lat]}
        )
        features.append(
            {
                "type": "Feature",
                "id": zone.code,
                "geometry": geometry,
                "properties": {"code": zone.code, "name": zone.name},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def records_in_zone(db: Session, zone: Zone, *, today: date | None = None) -> dict[str, list[Record]]:
    """Return the public records lying in a zone, by form key (upcoming events only, soonest first)."""
    ids = select(RecordZone.record_id).where(RecordZone.zone_code == zone.code)
    records = db.scalars(
        select(Record)
        .where(Record.id.in_(ids), Record.deleted_at.is_(None), Record.status.in_(PUBLIC_STATUSES))
        .order_by(func.lower(Record.title))
        .limit(1000)
    )
    today_text = (today or utcnow().date()).isoformat()
    by_form: dict[str, list[Record]] = {}
    starts: dict[int, str] = {}
    for record in records:
        schedule = next((d for d in form_fields(record.form) if d.type == "schedule"), None)
        if schedule is not None:
            value = record.data.get(schedule.id) or {}
            start = str(value.get("start") or "")
            if not value.get("rrule") and (
                start[:10] < today_text and str(value.get("end") or start)[:10] < today_text
            ):
                continue
            starts[record.id] = start
        by_form.setdefault(record.form.key, []).append(record)
    for items in by_form.values():
        if items and items[0].id in starts:
            items.sort(key=lambda r: starts.get(r.id, ""))
    return by_form


# --- export ----------------------------------------------------------------------------------


def iter_located_records(
    db: Session, form: Form, q: LayerQuery, *, since: datetime | None = None, batch: int = 1_000
) -> Iterator[list[Any]]:
    """Yield a form's public located records matching the layer's filters, ``batch`` at a time, by id.

    Each row is ``(record, geometry, approximate)``: the record and the geometry the map shows for it (the
    :mod:`wiki.exports` GeoJSON download writes them). ``since`` keeps the records changed since then. Memory
    stays constant: the session forgets a batch's records when the next one is asked for.
    """
    ids = _filtered(select(RecordGeometry.record_id), q, theme_field_ids([form]), spatial=spatial_backend(db))
    last = 0
    while True:
        query = (
            select(Record, RecordGeometry.geometry, RecordGeometry.approximate)
            .join(RecordGeometry, RecordGeometry.record_id == Record.id)
            .where(Record.id.in_(ids), Record.id > last, Record.deleted_at.is_(None))
        )
        if since is not None:
            query = query.where(Record.updated_at >= since)
        rows = db.execute(query.order_by(Record.id).limit(batch)).all()
        if not rows:
            return
        last = rows[-1][0].id
        yield rows
        db.expunge_all()


def zones_version(db: Session) -> str:
    """Return what changes whenever a zone does (records without a geometry are placed at their commune's centre)."""
    count, latest = db.execute(select(func.count(), func.max(Zone.updated_at)).select_from(Zone)).one()
    return f"{count}-{latest}"


def public_zone(zone: Zone, url: str) -> dict[str, Any]:
    """The public JSON description of a zone (without its boundary)."""
    return {
        "code": zone.code,
        "name": zone.name,
        "level": zone.level,
        "centre": [zone.centre_lon, zone.centre_lat],
        "bbox": [zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat],
        "has_boundary": zone.geometry is not None,
        "url": url,
    }
