"""XLSX exports of a ticket list: the export asked for, and its file in pieces

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01

An agent asks for the XLSX of a ticket list; a worker writes it and keeps the file, in pieces of
1 MB, until it expires (24 h by default). Two new tables: `tickets` itself is not touched.

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ticket_exports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agent_id', sa.Integer(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('filters_key', sa.String(length=64), nullable=False),
    sa.Column('query', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('queued_at', app.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', app.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', app.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_written', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=100), nullable=False),
    sa.Column('metrics', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_ticket_exports_agent_id_agents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_exports'))
    )
    with op.batch_alter_table('ticket_exports', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_exports_agent_key', ['agent_id', 'filters_key'], unique=False)
        batch_op.create_index('ix_ticket_exports_status_expires', ['status', 'expires_at'], unique=False)

    op.create_table('ticket_export_parts',
    sa.Column('export_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['export_id'], ['ticket_exports.id'],
                            name=op.f('fk_ticket_export_parts_export_id_ticket_exports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('export_id', 'number', name=op.f('pk_ticket_export_parts'))
    )


def downgrade():
    op.drop_table('ticket_export_parts')
    with op.batch_alter_table('ticket_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_exports_status_expires')
        batch_op.drop_index('ix_ticket_exports_agent_key')
    op.drop_table('ticket_exports')
