"""daily facts and report runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op

import app.types

# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

DIMENSIONS = {
    'fact_activity': [sa.Column('device_id', sa.Integer(), nullable=True)],
    'fact_procedures': [sa.Column('procedure_id', sa.Integer(), nullable=True)],
    'fact_outcomes': [sa.Column('outcome', sa.String(length=30), nullable=True),
                      sa.Column('mode', sa.String(length=20), nullable=True),
                      sa.Column('digital_choice', sa.String(length=30), nullable=True)],
    'fact_handling': [sa.Column('outcome', sa.String(length=30), nullable=True),
                      sa.Column('bucket', sa.SmallInteger(), nullable=False)],
    'fact_unmet': [sa.Column('requested_procedure_id', sa.Integer(), nullable=True),
                   sa.Column('requested_text', sa.String(length=250), nullable=True)],
    'fact_returns': [],
}


def _measures(name):
    count = lambda col: sa.Column(col, sa.Integer(), nullable=False)  # noqa: E731
    if name in ('fact_activity', 'fact_outcomes'):
        return [count('tickets'), count('closed'), sa.Column('handling_seconds', sa.BigInteger(), nullable=False)]
    if name == 'fact_procedures':
        return [count('tickets'), count('payment_assisted'), count('protocol_confirmed')]
    if name == 'fact_returns':
        return [count('contacts'), count('returned')]
    return [count('tickets')]


def upgrade():
    for name, dimensions in DIMENSIONS.items():
        op.create_table(
            name,
            sa.Column('day', sa.Date(), nullable=False),
            sa.Column('site_id', sa.Integer(), nullable=False),
            sa.Column('channel_id', sa.Integer(), nullable=False),
            *dimensions,
            *_measures(name),
        )
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.create_index(f'ix_{name}_day', ['day'], unique=False)
    op.create_table(
        'fact_ticket_days',
        sa.Column('ticket_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('seen_updated_at', app.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_fact_ticket_days')),
    )
    with op.batch_alter_table('fact_ticket_days', schema=None) as batch_op:
        batch_op.create_index('ix_fact_ticket_days_day', ['day'], unique=False)
    op.create_table(
        'fact_states',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('watermark', app.types.UTCDateTime(), nullable=True),
        sa.Column('refreshed_at', app.types.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_fact_states')),
    )


def downgrade():
    op.drop_table('fact_states')
    with op.batch_alter_table('fact_ticket_days', schema=None) as batch_op:
        batch_op.drop_index('ix_fact_ticket_days_day')
    op.drop_table('fact_ticket_days')
    for name in reversed(list(DIMENSIONS)):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{name}_day')
        op.drop_table(name)
