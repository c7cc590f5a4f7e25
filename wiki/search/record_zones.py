"""The map zones a record was placed in, as its search document lists them, read set-wise.

A record's document names the zones the map placed it in (its public
geometry, ``record_zones``) besides those its zone fields name. Reading them
record by record is one query per document: a rebuild or a drain of the
search outbox reads them for a batch of records in one query and keeps them
in the session (:func:`remember`) while the batch's documents are built.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.levels import zone_key
from geodata.models import RecordZone

#: ``session.info`` key: the zones of the records of the batch being indexed, by record id.
CACHE = "lieudit.search.zones"
#: Records whose zones are read per query.
CHUNK = 500


def read(db: Session, record_ids: Sequence[int]) -> dict[int, list[str]]:
    """Return the zone keys (``35236``, ``epci:243500139``) of each record, one query per ``CHUNK`` records."""
    located: dict[int, list[str]] = {record_id: [] for record_id in record_ids}
    ids = list(located)
    for start in range(0, len(ids), CHUNK):
        for record_id, level, code in db.execute(
            select(RecordZone.record_id, RecordZone.zone_level, RecordZone.zone_code)
            .where(RecordZone.record_id.in_(ids[start : start + CHUNK]))
            .order_by(RecordZone.record_id, RecordZone.zone_level, RecordZone.zone_code)
        ):
            located[record_id].append(zone_key(level, code))
    return located


def remember(db: Session, record_ids: Sequence[int], *, replace: bool) -> None:
    """Read the zones of ``record_ids`` into ``db``'s cache (in place of the previous batch's with ``replace``)."""
    found = read(db, record_ids)
    if replace or CACHE not in db.info:
        db.info[CACHE] = found
    else:
        db.info[CACHE].update(found)


def forget(db: Session) -> None:
    """Drop the cached zones (the batch is indexed)."""
    db.info.pop(CACHE, None)


def located_in(db: Session | None, record_id: int) -> list[str]:
    """The zone keys of one record: from the cache when its batch was read, else by one query."""
    if db is None:
        return []
    cached = db.info.get(CACHE)
    if cached is not None and record_id in cached:
        return list(cached[record_id])
    return read(db, [record_id])[record_id]
