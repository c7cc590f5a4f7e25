"""The zones table: codes unique per level, and migration 0014 that gave record links their zone's level."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from geodata.models import RecordZone
from geodata.models import Zone
from tests.geodata.test_zone_levels import BAINS
from tests.geodata.test_zone_levels import add_place
from wiki import migrate
from wiki.db import Database
from wiki.db import utcnow


def zone(level, code, name):
    return Zone(code=code, name=name, level=level, centre_lon=-2.0, centre_lat=47.7, min_lon=-2.0, min_lat=47.7,
                max_lon=-2.0, max_lat=47.7, updated_at=utcnow())  # fmt: skip


def test_a_code_is_unique_per_level_only(db):
    db.add_all([zone("commune", "35013", "Bains-sur-Oust"), zone("canton", "35013", "Canton de Redon")])
    db.flush()
    db.add(zone("canton", "35013", "Doublon"))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_migration_0014_gives_existing_links_their_zone_level_both_ways(app, db, zones, moderator):
    place = add_place(db, moderator, "Moulin de Bains", BAINS).id
    db.commit()
    db.close()
    engine = Database.engine(app)
    command.downgrade(migrate.alembic_config(engine), "0013")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT zone_code FROM record_zones WHERE record_id = :r"), {"r": place}).all() == [
            ("35013",)
        ]
        conn.execute(text("UPDATE zones SET level = 'epci' WHERE code = '35236'"))
        conn.execute(text("INSERT INTO record_zones (record_id, zone_code) VALUES (:r, '35236')"), {"r": place})
        conn.execute(text("INSERT INTO record_zones (record_id, zone_code) VALUES (:r, 'GONE')"), {"r": place})
    migrate.upgrade(engine, None, backup=False)
    rows = db.execute(select(RecordZone.zone_level, RecordZone.zone_code).where(RecordZone.record_id == place))
    assert sorted(tuple(r) for r in rows) == [("commune", "35013"), ("commune", "GONE"), ("epci", "35236")]
    db.add_all([zone("canton", "35013", "Canton de Redon"), zone("canton", "53", "X"), zone("region", "53", "Y")])
    db.add(RecordZone(record_id=place, zone_level="canton", zone_code="35013"))
    db.commit()  # the old unique code is gone
    db.close()
    command.downgrade(migrate.alembic_config(engine), "0013")  # homonyms go, the commune stays
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT level, code FROM zones WHERE code IN ('35013', '53') ORDER BY code")).all()
        links = conn.execute(text("SELECT zone_code FROM record_zones WHERE record_id = :r"), {"r": place}).all()
    assert [tuple(r) for r in kept] == [("commune", "35013"), ("canton", "53")]
    assert sorted(r[0] for r in links) == ["35013", "35236", "GONE"]
    migrate.upgrade(engine, None, backup=False)
