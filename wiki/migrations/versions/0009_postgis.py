"""PostGIS storage of record geometries and zone boundaries

On PostgreSQL where the ``postgis`` extension is available (and may be
created by the migrating role), ``record_shapes`` and ``zone_shapes`` hold
the geometries as PostGIS ``geometry(Geometry, 4326)`` with GiST indexes,
filled from the existing rows. Triggers copy ``record_geometries.geometry``
and ``zones.geometry`` (GeoJSON) into them on every insert or update, so
every writer, bulk inserts included, keeps them equal; foreign keys with
``ON DELETE CASCADE`` remove them. Without PostGIS, or on SQLite, nothing
changes and the bounding box columns serve every query.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 04:30:00
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

UPGRADE = (
    """CREATE TABLE record_shapes (
        record_id integer NOT NULL,
        geom geometry(Geometry, 4326) NOT NULL,
        CONSTRAINT pk_record_shapes PRIMARY KEY (record_id),
        CONSTRAINT fk_record_shapes_record_id_record_geometries FOREIGN KEY (record_id)
            REFERENCES record_geometries (record_id) ON DELETE CASCADE
    )""",
    "CREATE INDEX ix_record_shapes_geom ON record_shapes USING gist (geom)",
    """CREATE TABLE zone_shapes (
        zone_id integer NOT NULL,
        geom geometry(Geometry, 4326) NOT NULL,
        CONSTRAINT pk_zone_shapes PRIMARY KEY (zone_id),
        CONSTRAINT fk_zone_shapes_zone_id_zones FOREIGN KEY (zone_id) REFERENCES zones (id) ON DELETE CASCADE
    )""",
    "CREATE INDEX ix_zone_shapes_geom ON zone_shapes USING gist (geom)",
    """CREATE FUNCTION lieudit_record_shape() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO record_shapes (record_id, geom)
        VALUES (NEW.record_id, ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry::text), 4326))
        ON CONFLICT (record_id) DO UPDATE SET geom = EXCLUDED.geom;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER record_geometries_shape AFTER INSERT OR UPDATE OF geometry ON record_geometries
        FOR EACH ROW EXECUTE FUNCTION lieudit_record_shape()""",
    """CREATE FUNCTION lieudit_zone_shape() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        shape geometry;
    BEGIN
        IF NEW.geometry IS NULL OR jsonb_typeof(NEW.geometry) <> 'object' THEN
            DELETE FROM zone_shapes WHERE zone_id = NEW.id;
            RETURN NULL;
        END IF;
        shape := ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry::text), 4326);
        IF NOT ST_IsValid(shape) THEN
            shape := ST_MakeValid(shape);
        END IF;
        INSERT INTO zone_shapes (zone_id, geom) VALUES (NEW.id, shape)
        ON CONFLICT (zone_id) DO UPDATE SET geom = EXCLUDED.geom;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER zones_shape AFTER INSERT OR UPDATE OF geometry ON zones
        FOR EACH ROW EXECUTE FUNCTION lieudit_zone_shape()""",
    # Existing rows, as the triggers would have copied them.
    """INSERT INTO record_shapes (record_id, geom)
        SELECT record_id, ST_SetSRID(ST_GeomFromGeoJSON(geometry::text), 4326) FROM record_geometries""",
    """INSERT INTO zone_shapes (zone_id, geom)
        SELECT id, ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(geometry::text), 4326)) FROM zones
        WHERE jsonb_typeof(geometry) = 'object'""",
    "ANALYZE record_shapes",
    "ANALYZE zone_shapes",
)
DOWNGRADE = (
    "DROP TRIGGER IF EXISTS zones_shape ON zones",
    "DROP TRIGGER IF EXISTS record_geometries_shape ON record_geometries",
    "DROP FUNCTION IF EXISTS lieudit_zone_shape()",
    "DROP FUNCTION IF EXISTS lieudit_record_shape()",
    "DROP TABLE IF EXISTS zone_shapes",
    "DROP TABLE IF EXISTS record_shapes",
)


def _enable_postgis() -> bool:
    """Create the extension if the server has it and the role may; say whether PostGIS is on."""
    bind = op.get_bind()
    if not bind.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").first():
        log.warning("PostGIS is not installed on this PostgreSQL server: bounding boxes will serve map queries.")
        return False
    try:
        with bind.begin_nested():  # a refusal must not abort the whole upgrade
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS postgis")
    except DBAPIError as error:
        log.warning("PostGIS could not be enabled (%s): bounding boxes will serve map queries.", error.orig)
        return False
    return True


def upgrade() -> None:
    """Enable PostGIS and add its tables, indexes and triggers (PostgreSQL with PostGIS only)."""
    if op.get_bind().dialect.name != "postgresql" or not _enable_postgis():
        return
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    """Drop the PostGIS tables and triggers (the extension stays: other objects may use it)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in DOWNGRADE:
        op.execute(statement)
