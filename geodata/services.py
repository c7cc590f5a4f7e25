"""Map layers: which public located records a map shows, as GeoJSON with dense points grouped, or as a list.

A layer is a record query (one per form, with the map's filters), read from
the ``RecordGeometry`` projection that :mod:`geodata.placement` keeps; the
GeoJSON download of :mod:`wiki.exports` reads the same rows through
:func:`iter_located_records`. No request globals (STYLE R6).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import Integer
from sqlalchemy import and_
from sqlalchemy import cast
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy.orm import Session

import geodata.geometry as geo
from geodata.levels import parse_zone_keys
from geodata.models import RecordGeometry
from geodata.models import RecordZone
from geodata.models import Zone
from geodata.models import record_shapes
from geodata.spatial import spatial_backend
from wiki.errors import ValidationError
from wiki.records import fields as F
from wiki.records import lookups
from wiki.records import taxonomy
from wiki.records.disclosure import shows_always
from wiki.records.form_services import form_fields

if TYPE_CHECKING:
    from wiki.records.models import Form
    from wiki.records.models import Record

#: Statuses shown on the public map.
PUBLIC_STATUSES = ("published", "archived")
MAX_FEATURES = 5_000


@dataclass(frozen=True)
class LayerQuery:
    """What a map layer shows: forms, filters and the visible area."""

    form_ids: tuple[int, ...]
    bbox: geo.Bbox | None = None
    themes: tuple[str, ...] = ()
    #: ``(level, code)`` of the zones asked for (``?zone=35236`` is a commune, ``?zone=epci:243500139`` an EPCI).
    zones: tuple[tuple[str, str], ...] = ()
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
    zones = parse_zone_keys(args.getlist("zone")[:20])
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
        query = query.where(RecordGeometry.record_id.in_(lookups.ids_with_facet_values(theme_ids, q.themes)))
    if q.zones:
        in_zones = zone_condition(q.zones, RecordZone.zone_level, RecordZone.zone_code)
        query = query.where(RecordGeometry.record_id.in_(select(RecordZone.record_id).where(in_zones)))
    return query


def zone_condition(keys: Iterable[tuple[str, str]], level: Any, code: Any) -> Any:
    """SQL condition: the ``(level, code)`` columns name one of the zones ``keys`` (false when there is none)."""
    by_level: dict[str, list[str]] = {}
    for key_level, key_code in keys:
        by_level.setdefault(key_level, []).append(key_code)
    return or_(false(), *(and_(level == lv, code.in_(codes)) for lv, codes in sorted(by_level.items())))


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
        _name_communes(db, features)
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
        alone = db.execute(select(*columns).where(RecordGeometry.record_id.in_(singles[start : start + 900])))
        features.extend(_feature(row, form_keys, url) for row in alone)
    _name_communes(db, features)
    return {"type": "FeatureCollection", "features": features, "clustered": True, "total": total}


def _name_communes(db: Session, features: list[dict[str, Any]]) -> None:
    """Add to each record's feature the names of the communes it lies in (``properties.communes``, for popups)."""
    ids = [f["id"] for f in features if "id" in f]
    names: dict[int, list[str]] = {}
    for start in range(0, len(ids), 900):
        rows = db.execute(
            select(RecordZone.record_id, Zone.name)
            .join(Zone, and_(Zone.level == RecordZone.zone_level, Zone.code == RecordZone.zone_code))
            .where(RecordZone.zone_level == "commune", RecordZone.record_id.in_(ids[start : start + 900]))
            .order_by(Zone.name)
        )
        for record_id, name in rows:
            names.setdefault(record_id, []).append(name)
    for feature in features:
        found = names.get(feature.get("id"))  # type: ignore[arg-type]
        if found:
            feature["properties"]["communes"] = ", ".join(found[:3]) + (" …" if len(found) > 3 else "")


def located_records(db: Session, q: LayerQuery, *, limit: int = 200, offset: int = 0) -> tuple[Sequence[Any], int]:
    """Return rows (id, form, title, summary, approximate) of a layer, by title, for the list beside the map."""
    base = _filtered(
        select(RecordGeometry.record_id),
        q,
        theme_field_ids(lookups.all_forms(db, ids=q.form_ids)),
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


def iter_located_records(
    db: Session, form: Form, q: LayerQuery, *, since: datetime | None = None, batch: int = 1_000
) -> Iterator[list[tuple[Record, dict[str, Any], bool]]]:
    """Yield a form's public located records matching the layer's filters, ``batch`` at a time, by id.

    Each row is ``(record, geometry, approximate)``: the record and the geometry the map shows for it (the
    :mod:`wiki.exports` GeoJSON download writes them). ``since`` keeps the records changed since then. Memory
    stays constant: the session forgets a batch's records when the next one is asked for.
    """
    ids = _filtered(select(RecordGeometry.record_id), q, theme_field_ids([form]), spatial=spatial_backend(db))
    last = 0
    while True:
        records = lookups.live_records_among(db, ids, after=last, since=since, limit=batch)
        if not records:
            return
        placed = {
            record_id: (geometry, approximate)
            for record_id, geometry, approximate in db.execute(
                select(RecordGeometry.record_id, RecordGeometry.geometry, RecordGeometry.approximate).where(
                    RecordGeometry.record_id.in_([r.id for r in records])
                )
            )
        }
        last = records[-1].id
        yield [(record, *placed[record.id]) for record in records if record.id in placed]
        db.expunge_all()
