"""the stored VEVENTs of the iCalendar feeds move to a table of the exports

``export_vevents`` holds each public event's VEVENTs as the feeds write them
(``ical``), the zone and years their VTIMEZONE covers (``zone``), the
record's ``updated_at`` they were written from (``stamp``) and the serialiser
(``serialiser``): what migration 0010 put on ``agenda_events``, a domain
table that a projection (the exports) had to write. The bytes already stored
are copied, then the four agenda columns are dropped.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_COLUMNS = ('ical', 'ical_zone', 'ical_stamp', 'ical_format')


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        'export_vevents',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('ical', sa.LargeBinary(), nullable=False),
        sa.Column('zone', sa.String(length=80), nullable=True),
        sa.Column('stamp', wiki.db.UTCDateTime(), nullable=False),
        sa.Column('serialiser', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['agenda_events.record_id'],
                                name=op.f('fk_export_vevents_record_id_agenda_events'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('record_id', name=op.f('pk_export_vevents')),
    )
    op.execute(
        'INSERT INTO export_vevents (record_id, ical, zone, stamp, serialiser) '
        'SELECT record_id, ical, ical_zone, ical_stamp, ical_format FROM agenda_events '
        'WHERE ical IS NOT NULL AND ical_stamp IS NOT NULL AND ical_format IS NOT NULL'
    )
    # Plain ALTER TABLE, never a batch copy (as in 0010): on SQLite, dropping the copied table would cascade to
    # agenda_occurrences and export_vevents (foreign keys are on) and empty them. SQLite 3.35 or later drops in place.
    for name in _COLUMNS:
        op.drop_column('agenda_events', name)


def downgrade() -> None:
    """Revert this migration: the bytes go back onto the agenda rows."""
    op.add_column('agenda_events', sa.Column('ical', sa.LargeBinary(), nullable=True))
    op.add_column('agenda_events', sa.Column('ical_zone', sa.String(length=80), nullable=True))
    op.add_column('agenda_events', sa.Column('ical_stamp', wiki.db.UTCDateTime(), nullable=True))
    op.add_column('agenda_events', sa.Column('ical_format', sa.String(length=64), nullable=True))
    stored = 'SELECT {} FROM export_vevents AS v WHERE v.record_id = agenda_events.record_id'
    op.execute(
        'UPDATE agenda_events SET '
        + ', '.join(f'{column} = ({stored.format(source)})'
                    for column, source in zip(_COLUMNS, ('v.ical', 'v.zone', 'v.stamp', 'v.serialiser'), strict=True))
        + ' WHERE record_id IN (SELECT record_id FROM export_vevents)'
    )
    op.drop_table('export_vevents')
