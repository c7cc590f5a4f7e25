"""zone codes are unique per level; record_zones names the level of each zone

A commune and an intercommunality (or a canton) may share a code: ``zones``
is unique on ``(level, code)`` instead of ``code``, and ``record_zones``
keeps the zone's level beside its code (primary key ``record_id,
zone_level, zone_code``) so a record's link names one zone. Existing links
take the level of the zone they point to (``commune`` when it is gone).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_constraint("uq_zones_code", type_="unique")
        batch_op.create_unique_constraint("uq_zones_level_code", ["level", "code"])

    with op.batch_alter_table("record_zones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("zone_level", sa.String(length=16), nullable=False, server_default="commune"))
    op.execute(
        "UPDATE record_zones SET zone_level = (SELECT zones.level FROM zones WHERE zones.code = record_zones.zone_code)"
        " WHERE EXISTS (SELECT 1 FROM zones WHERE zones.code = record_zones.zone_code)"
    )
    with op.batch_alter_table("record_zones", schema=None) as batch_op:
        batch_op.alter_column("zone_level", server_default=None, existing_type=sa.String(length=16))
        batch_op.drop_index("ix_record_zones_zone")
        batch_op.drop_constraint("pk_record_zones", type_="primary")
        batch_op.create_primary_key("pk_record_zones", ["record_id", "zone_level", "zone_code"])
        batch_op.create_index("ix_record_zones_zone", ["zone_level", "zone_code", "record_id"], unique=False)


def downgrade() -> None:
    """Revert this migration: of zones sharing a code, the commune (else the first loaded) is kept."""
    op.execute(
        "DELETE FROM record_zones WHERE zone_level <> 'commune' AND EXISTS (SELECT 1 FROM record_zones AS other"
        " WHERE other.record_id = record_zones.record_id AND other.zone_code = record_zones.zone_code"
        " AND (other.zone_level = 'commune' OR other.zone_level < record_zones.zone_level))"
    )
    op.execute(
        "DELETE FROM zones WHERE level <> 'commune' AND EXISTS (SELECT 1 FROM zones AS other"
        " WHERE other.code = zones.code AND (other.level = 'commune' OR other.id < zones.id))"
    )
    with op.batch_alter_table("record_zones", schema=None) as batch_op:
        batch_op.drop_index("ix_record_zones_zone")
        batch_op.drop_constraint("pk_record_zones", type_="primary")
        batch_op.create_primary_key("pk_record_zones", ["record_id", "zone_code"])
        batch_op.create_index("ix_record_zones_zone", ["zone_code", "record_id"], unique=False)
        batch_op.drop_column("zone_level")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_constraint("uq_zones_level_code", type_="unique")
        batch_op.create_unique_constraint("uq_zones_code", ["code"])
