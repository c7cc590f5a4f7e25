"""agenda events keep their serialised VEVENTs

``agenda_events.ical`` holds each event's VEVENTs as the iCalendar feeds write
them, ``ical_zone`` the zone and years their VTIMEZONE covers and
``ical_stamp`` the record's ``updated_at`` they were written from and
``ical_format`` the serialiser (format and ``icalendar`` version), so the
first feed after a restart concatenates stored bytes instead of serialising
every event. Existing rows start empty: the feeds serialise and store the
events they find without bytes (or stale ones) on their next request, and
every save writes them from then on.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-22 06:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    # Plain ALTER TABLE, never a batch copy: on SQLite, dropping the copied table would cascade to
    # agenda_occurrences (foreign keys are on) and empty the occurrence index.
    op.add_column('agenda_events', sa.Column('ical', sa.LargeBinary(), nullable=True))
    op.add_column('agenda_events', sa.Column('ical_zone', sa.String(length=80), nullable=True))
    op.add_column('agenda_events', sa.Column('ical_stamp', wiki.db.UTCDateTime(), nullable=True))
    op.add_column('agenda_events', sa.Column('ical_format', sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Revert this migration (SQLite 3.35 or later drops columns in place)."""
    for name in ('ical_format', 'ical_stamp', 'ical_zone', 'ical'):
        op.drop_column('agenda_events', name)
