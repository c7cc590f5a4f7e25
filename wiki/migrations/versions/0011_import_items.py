"""one idempotency table for every importer: import_items

``import_items`` says what each imported item became, keyed by (importer,
source, remote id), for every importer (``importers.models.ImportItem``). It
replaces ``layer_sources`` (form, ``"<format>:<feature id>"`` -> record),
whose rows are copied: importer = the format, source = ``form:<form key>``
(map layers are linked per destination form), remote id = the feature id.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import sqlalchemy as sa
from alembic import op

import wiki.db

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

forms = sa.table('forms', sa.column('id', sa.Integer()), sa.column('key', sa.String()))
layer_sources = sa.table('layer_sources', sa.column('form_id', sa.Integer()), sa.column('source_id', sa.String()),
                         sa.column('record_id', sa.Integer()))
import_items = sa.table('import_items', sa.column('importer', sa.String()), sa.column('source', sa.String()),
                        sa.column('remote_id', sa.String()), sa.column('record_id', sa.Integer()),
                        sa.column('page_id', sa.Integer()), sa.column('imported_at', wiki.db.UTCDateTime()))


def _create_layer_sources() -> None:
    op.create_table('layer_sources',
    sa.Column('form_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.String(length=200), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['form_id'], ['forms.id'], name=op.f('fk_layer_sources_form_id_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_layer_sources_record_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('form_id', 'source_id', name=op.f('pk_layer_sources'))
    )


def upgrade() -> None:
    """Create import_items, copy the layer links into it, drop layer_sources."""
    op.create_table('import_items',
    sa.Column('importer', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('remote_id', sa.String(length=200), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('imported_at', wiki.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_import_items_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_import_items_record_id_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('importer', 'source', 'remote_id', name=op.f('pk_import_items'))
    )
    with op.batch_alter_table('import_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_items_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_items_record_id'), ['record_id'], unique=False)
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(layer_sources.c.source_id, layer_sources.c.record_id, forms.c.key)
        .join(forms, forms.c.id == layer_sources.c.form_id)
    ).all()
    now = datetime.now(UTC)
    links = []
    for source_id, record_id, form_key in rows:
        importer, _, remote_id = source_id.partition(':')
        if importer and remote_id:
            links.append({'importer': importer[:40], 'source': f'form:{form_key}', 'remote_id': remote_id,
                          'record_id': record_id, 'page_id': None, 'imported_at': now})
    if links:
        op.bulk_insert(import_items, links)
    op.drop_table('layer_sources')


def downgrade() -> None:
    """Recreate layer_sources with the map-layer links, drop import_items."""
    _create_layer_sources()
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(import_items.c.importer, import_items.c.remote_id, import_items.c.record_id, forms.c.id)
        .join(forms, sa.literal('form:') + forms.c.key == import_items.c.source)
        .where(import_items.c.record_id.is_not(None))
    ).all()
    links = [{'form_id': form_id, 'source_id': f'{importer}:{remote_id}'[:200], 'record_id': record_id}
             for importer, remote_id, record_id, form_id in rows]
    if links:
        op.bulk_insert(layer_sources, links)
    with op.batch_alter_table('import_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_items_record_id'))
        batch_op.drop_index(batch_op.f('ix_import_items_page_id'))
    op.drop_table('import_items')
