"""telephony: calls, integration tokens, agents' phone extension

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'integration_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=8), nullable=False),
        sa.Column('scopes', sa.String(length=200), nullable=False),
        sa.Column('created_at', app.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', app.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', app.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('use_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['agents.id'],
                                name=op.f('fk_integration_tokens_created_by_id_agents')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_integration_tokens')),
        sa.UniqueConstraint('name', name=op.f('uq_integration_tokens_name')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_integration_tokens_token_hash')),
    )
    op.create_table(
        'calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_id', sa.String(length=120), nullable=False),
        sa.Column('direction', sa.String(length=3), nullable=False),
        sa.Column('number', sa.String(length=20), nullable=True),
        sa.Column('raw_number', sa.String(length=40), nullable=True),
        sa.Column('anonymous', sa.Boolean(), nullable=False),
        sa.Column('dialled', sa.String(length=40), nullable=True),
        sa.Column('queue', sa.String(length=80), nullable=True),
        sa.Column('users', sa.String(length=250), nullable=True),
        sa.Column('state', sa.String(length=10), nullable=False),
        sa.Column('cause', sa.String(length=20), nullable=True),
        sa.Column('started_at', app.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answered_at', app.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ended_at', app.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('wait_seconds', sa.Integer(), nullable=True),
        sa.Column('duration_seconds', sa.Integer(), nullable=True),
        sa.Column('agent_id', sa.Integer(), nullable=True),
        sa.Column('resident_id', sa.Integer(), nullable=True),
        sa.Column('ticket_id', sa.Integer(), nullable=True),
        sa.Column('called_back_at', app.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('called_back_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_calls_direction')),
        sa.CheckConstraint("state IN ('ringing', 'answered', 'missed', 'forwarded')", name=op.f('ck_calls_state')),
        sa.ForeignKeyConstraint(['agent_id'], ['agents.id'], name=op.f('fk_calls_agent_id_agents')),
        sa.ForeignKeyConstraint(['called_back_by_id'], ['agents.id'], name=op.f('fk_calls_called_back_by_id_agents')),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_calls_resident_id_residents')),
        sa.ForeignKeyConstraint(['ticket_id'], ['tickets.id'], name=op.f('fk_calls_ticket_id_tickets')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_calls')),
        sa.UniqueConstraint('call_id', name=op.f('uq_calls_call_id')),
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index('ix_calls_started_at', ['started_at'], unique=False)
        batch_op.create_index('ix_calls_number', ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_agent_id'), ['agent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_ticket_id'), ['ticket_id'], unique=False)
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_agents_extension'), ['extension'])


def downgrade():
    with op.batch_alter_table('agents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_agents_extension'), type_='unique')
        batch_op.drop_column('extension')
    op.drop_table('calls')
    op.drop_table('integration_tokens')
