"""Territory zones: save and look them up, their index, outlines and public description, what lies in one.

A zone is a commune, an intercommunalité, a département or a région with
its INSEE code, a boundary (or only a centre) and a bounding box. Zones are
loaded by :mod:`importers.zones` through :func:`save_zone`; records are
attached to them by :mod:`geodata.placement`. No request globals (STYLE R6).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy import null
from sqlalchemy import select
from sqlalchemy.orm import Session

import geodata.geometry as geo
from geodata.models import LEVELS
from geodata.models import RecordZone
from geodata.models import Zone
from geodata.services import PUBLIC_STATUSES
from wiki import signals
from wiki.caching import AppCache
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.records import lookups
from wiki.records.form_services import form_fields

if TYPE_CHECKING:
    from wiki.records.models import Record


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
    db.info.pop(_HELD, None)
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


def zone_codes_by_name(db: Session, level: str) -> list[tuple[str, str]]:
    """(code, name) of every zone of ``level``, boundaries left unread (importers find a commune by its name)."""
    return [(code, name) for code, name in db.execute(select(Zone.code, Zone.name).where(Zone.level == level))]


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
#: Where a session keeps the index for the rest of its transaction.
_HELD = "geodata.zone_index"


def zone_index(db: Session) -> geo.ZoneIndex:
    """Return the index of zones that have a boundary (rebuilt when zones change).

    Within one transaction the index is asked for once (an import places
    thousands of records in a row); :func:`save_zone` forgets it.
    """
    held = db.info.get(_HELD)
    if held is not None and held[0] is db.get_transaction():
        return held[1]
    stamp = db.execute(select(func.count(), func.max(Zone.updated_at)).where(Zone.geometry.is_not(None))).one()
    key = (stamp[0], stamp[1])
    index = _index_cache.get(db, key)
    if index is None:
        rows = db.execute(select(Zone.code, Zone.geometry).where(Zone.geometry.is_not(None)))
        index = geo.ZoneIndex((code, geometry) for code, geometry in rows if geometry)
        _index_cache.put(db, key, index)
    db.info[_HELD] = (db.get_transaction(), index)
    return index


def zones_version(db: Session) -> str:
    """Return what changes whenever a zone does (records without a geometry are placed at their commune's centre)."""
    count, latest = db.execute(select(func.count(), func.max(Zone.updated_at)).select_from(Zone)).one()
    return f"{count}-{latest}"


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
    records = lookups.live_records_among(db, ids, statuses=PUBLIC_STATUSES, by_title=True, limit=1000)
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
