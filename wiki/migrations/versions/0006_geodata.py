"""geodata: zones and record geometries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import wiki.db

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    """Apply this migration."""
    op.create_table('zones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('geometry', JSON, nullable=True),
    sa.Column('centre_lon', sa.Double(), nullable=False),
    sa.Column('centre_lat', sa.Double(), nullable=False),
    sa.Column('min_lon', sa.Double(), nullable=False),
    sa.Column('min_lat', sa.Double(), nullable=False),
    sa.Column('max_lon', sa.Double(), nullable=False),
    sa.Column('max_lat', sa.Double(), nullable=False),
    sa.Column('updated_at', wiki.db.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_zones')),
    sa.UniqueConstraint('code', name=op.f('uq_zones_code'))
    )
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.create_index('ix_zones_level_name', ['level', 'name'], unique=False)

    op.create_table('record_geometries',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('geometry', JSON, nullable=False),
    sa.Column('approximate', sa.Boolean(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('min_lon', sa.Double(), nullable=False),
    sa.Column('min_lat', sa.Double(), nullable=False),
    sa.Column('max_lon', sa.Double(), nullable=False),
    sa.Column('max_lat', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_record_geometries_form_id_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_record_geometries_record_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', name=op.f('pk_record_geometries'))
    )
    with op.batch_alter_table('record_geometries', schema=None) as batch_op:
        batch_op.create_index('ix_record_geometries_points', ['kind', 'lat', 'lon', 'status', 'form_id'], unique=False)

    op.create_table('record_zones',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('zone_code', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_record_zones_record_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'zone_code', name=op.f('pk_record_zones'))
    )
    with op.batch_alter_table('record_zones', schema=None) as batch_op:
        batch_op.create_index('ix_record_zones_zone', ['zone_code', 'record_id'], unique=False)

    op.create_table('layer_sources',
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.String(length=200), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_layer_sources_form_id_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_layer_sources_record_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('form_id', 'source_id', name=op.f('pk_layer_sources'))
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table('layer_sources')
    with op.batch_alter_table('record_zones', schema=None) as batch_op:
        batch_op.drop_index('ix_record_zones_zone')
    op.drop_table('record_zones')
    with op.batch_alter_table('record_geometries', schema=None) as batch_op:
        batch_op.drop_index('ix_record_geometries_points')
    op.drop_table('record_geometries')
    with op.batch_alter_table('zones', schema=None) as batch_op:
        batch_op.drop_index('ix_zones_level_name')
    op.drop_table('zones')
