"""agenda: occurrence overrides and feed sequence

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        'agenda_events',
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('form_id', sa.Integer(), nullable=False),
        sa.Column('uid', sa.String(length=255), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('overrides', wiki.db.JSONType, nullable=False),
        sa.Column('cancelled', wiki.db.JSONType, nullable=False),
        sa.Column('snapshot', wiki.db.JSONType, nullable=False),
        sa.Column('public', sa.Boolean(), nullable=False),
        sa.Column('recurring', sa.Boolean(), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('location', sa.String(length=500), nullable=False),
        sa.Column('organiser', sa.String(length=200), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=False),
        sa.Column('window_start', wiki.db.UTCDateTime(), nullable=True),
        sa.Column('window_end', wiki.db.UTCDateTime(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('created_at', wiki.db.UTCDateTime(), nullable=False),
        sa.Column('updated_at', wiki.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_agenda_events_form_id_forms'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_agenda_events_record_id_records'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('record_id', name=op.f('pk_agenda_events')),
        sa.UniqueConstraint('uid', name=op.f('uq_agenda_events_uid')),
    )
    with op.batch_alter_table('agenda_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_events_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_events_organiser'), ['organiser'], unique=False)
    op.create_table(
        'agenda_occurrences',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('recurrence_id', sa.String(length=32), nullable=False),
        sa.Column('start', wiki.db.UTCDateTime(), nullable=False),
        sa.Column('end', wiki.db.UTCDateTime(), nullable=False),
        sa.Column('all_day', sa.Boolean(), nullable=False),
        sa.Column('cancelled', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['record_id'], ['agenda_events.record_id'], name=op.f('fk_agenda_occurrences_record_id_agenda_events'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_occurrences')),
    )
    with op.batch_alter_table('agenda_occurrences', schema=None) as batch_op:
        batch_op.create_index('ix_agenda_occurrences_start', ['start', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_occurrences_record_id'), ['record_id'], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table('agenda_occurrences')
    op.drop_table('agenda_events')
