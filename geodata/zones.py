"""Territory zones: save and look them up, their index, outlines and public description, what lies in one.

A zone is a commune, a canton, an intercommunalité, a département, a région
or another territory (« autre »), with its code (unique per level only, see
:mod:`geodata.levels`), a boundary (or only a centre) and a bounding box.
Zones are loaded by :mod:`importers.zones` through :func:`save_zone`, which
only ever touches the zone of the level it is given; records are attached
to them by :mod:`geodata.placement`. No request globals (STYLE R6).
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
from geodata.levels import DEFAULT_LEVEL
from geodata.levels import LEVELS
from geodata.levels import normalise_code
from geodata.levels import parse_zone_key
from geodata.levels import zone_key
from geodata.models import RecordZone
from geodata.models import Zone
from geodata.services import PUBLIC_STATUSES
from geodata.services import zone_condition
from wiki import signals
from wiki.caching import AppCache
from wiki.db import utcnow
from wiki.errors import NotFound
from wiki.records import lookups
from wiki.records.form_services import form_fields

if TYPE_CHECKING:
    from geodata.zone_index import ZoneIndex
    from wiki.records.models import Record

#: What one zone of each level is called.
LEVEL_LABELS = {
    "commune": _l("commune"),
    "canton": _l("canton"),
    "epci": _l("intercommunalité"),
    "departement": _l("département"),
    "region": _l("région"),
    "autre": _l("autre zone"),
}
#: Headings of the zones of each level.
LEVEL_HEADINGS = {
    "commune": _l("Communes"),
    "canton": _l("Cantons"),
    "epci": _l("Intercommunalités"),
    "departement": _l("Départements"),
    "region": _l("Régions"),
    "autre": _l("Autres zones"),
}


def save_zone(
    db: Session,
    *,
    code: str,
    name: str,
    level: str,
    geometry: Mapping[str, Any] | None = None,
    centre: tuple[float, float] | None = None,
) -> str:
    """Create or update the zone of this level and code; return ``created``, ``updated`` or ``unchanged``.

    Only the zone of ``level`` is looked at: a zone of another level with the same code is never touched.

    :raises geo.GeometryError: an unknown level, neither a valid boundary nor a centre.
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
    code = normalise_code(code)
    zone = db.scalar(select(Zone).where(Zone.level == level, Zone.code == code))
    status = "created" if zone is None else "updated"
    if zone is None:
        zone = Zone(code=code, level=level)
        db.add(zone)
    elif geometry is None and zone.geometry is not None:
        geometry, box = (
            zone.geometry,
            (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat),
        )  # keep a loaded boundary
    shape = dict(geometry) if geometry else None
    now = (name[:200], shape, tuple(centre), tuple(box))
    if status == "updated" and now == _state(zone):
        return "unchanged"
    zone.name = name[:200]
    zone.geometry = shape if shape else null()  # SQL NULL, not JSON null
    zone.centre_lon, zone.centre_lat = centre
    zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat = box
    zone.updated_at = utcnow()
    db.flush()
    db.info.pop(_HELD, None)
    signals.zone_saved.send(None, session=db, zone=zone)
    return status


def _state(zone: Zone) -> tuple[Any, ...]:
    return (
        zone.name,
        zone.geometry or None,
        (zone.centre_lon, zone.centre_lat),
        (zone.min_lon, zone.min_lat, zone.max_lon, zone.max_lat),
    )


def list_zones(db: Session, level: str | None = None) -> list[Zone]:
    """Return zones (of one level) by level then name, without their boundaries' weight in mind."""
    query = select(Zone).order_by(Zone.level, Zone.name)
    if level:
        query = query.where(Zone.level == level)
    return list(db.scalars(query))


def zone_names(db: Session, keys: Iterable[str]) -> dict[str, str]:
    """Names of the zones among ``keys`` (``35236``, ``epci:243500139``, see :func:`geodata.levels.zone_key`), by key."""
    wanted = [k for k in dict.fromkeys(parse_zone_key(key) for key in sorted(set(keys))[:1000]) if k is not None]
    if not wanted:
        return {}
    rows = db.execute(select(Zone.level, Zone.code, Zone.name).where(zone_condition(wanted, Zone.level, Zone.code)))
    return {zone_key(level, code): name for level, code, name in rows}


def zone_codes_by_name(db: Session, level: str) -> list[tuple[str, str]]:
    """(code, name) of every zone of ``level``, boundaries left unread (importers find a commune by its name)."""
    return [(code, name) for code, name in db.execute(select(Zone.code, Zone.name).where(Zone.level == level))]


def get_zone(db: Session, code: str, level: str = DEFAULT_LEVEL) -> Zone:
    """Return the zone of ``level`` (a commune unless told) with this code.

    :raises NotFound: no such zone.
    """
    zone = db.scalar(select(Zone).where(Zone.level == level, Zone.code == normalise_code(code)[:16]))
    if zone is None:
        raise NotFound(str(_l("Cette zone n'existe pas.")))
    return zone


def zones_with_code(db: Session, code: str) -> list[Zone]:
    """The zones of every level with this code, from the smallest level (what an old ``/zones/<code>`` meant)."""
    found = db.scalars(select(Zone).where(Zone.code == normalise_code(code)[:16]))
    return sorted(found, key=lambda z: LEVELS.index(z.level) if z.level in LEVELS else len(LEVELS))


def zone_exists(db: Session) -> Any:
    """A predicate ``(level, code) -> bool`` telling whether a zone is known (None: all allowed while none is loaded)."""
    keys = {(level, code) for level, code in db.execute(select(Zone.level, Zone.code))}
    return (lambda level, code: (level, code) in keys) if keys else None


#: The STR-tree of the zones with a boundary, keyed by a stamp of the zones table.
_index_cache: AppCache[ZoneIndex[tuple[str, str]]] = AppCache(
    "geodata.zone_index", maxsize=1, stale_on=(signals.zone_saved,)
)
#: Where a session keeps the index for the rest of its transaction.
_HELD = "geodata.zone_index"


def zone_index(db: Session) -> ZoneIndex[tuple[str, str]]:
    """Return the index of zones that have a boundary, by ``(level, code)`` (rebuilt when zones change).

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
        from geodata.zone_index import ZoneIndex  # shapely, on first use (geodata.geometry)

        rows = db.execute(select(Zone.level, Zone.code, Zone.geometry).where(Zone.geometry.is_not(None)))
        index = ZoneIndex(((level, code), geometry) for level, code, geometry in rows if geometry)
        _index_cache.put(db, key, index)
    db.info[_HELD] = (db.get_transaction(), index)
    return index


def zones_version(db: Session) -> str:
    """Return what changes whenever a zone does (records without a geometry are placed at their commune's centre)."""
    count, latest = db.execute(select(func.count(), func.max(Zone.updated_at)).select_from(Zone)).one()
    return f"{count}-{latest}"


def zone_outlines(db: Session, *, tolerance: float = 0.001, level: str = DEFAULT_LEVEL) -> dict[str, Any]:
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
                "properties": {"code": zone.code, "name": zone.name, "level": zone.level},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def records_in_zone(db: Session, zone: Zone, *, today: date | None = None) -> dict[str, list[Record]]:
    """Return the public records lying in a zone, by form key (upcoming events only, soonest first)."""
    ids = select(RecordZone.record_id).where(RecordZone.zone_level == zone.level, RecordZone.zone_code == zone.code)
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
