"""weekly fact rollups for the dashboards

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
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
    # Weekly rollups of the daily facts (the Monday of the ISO week), then filled from them.
    for name, dimensions in DIMENSIONS.items():
        weekly = f'{name}_weekly'
        op.create_table(
            weekly,
            sa.Column('week', sa.Date(), nullable=False),
            sa.Column('site_id', sa.Integer(), nullable=False),
            sa.Column('channel_id', sa.Integer(), nullable=False),
            *dimensions,
            *_measures(name),
        )
        with op.batch_alter_table(weekly, schema=None) as batch_op:
            batch_op.create_index(f'ix_{weekly}_week', ['week'], unique=False)
        columns = ', '.join(['site_id', 'channel_id', *(c.name for c in dimensions)])
        sums = ', '.join(f'sum({c.name})' for c in _measures(name))
        measures = ', '.join(c.name for c in _measures(name))
        if op.get_bind().dialect.name == 'postgresql':
            week = "CAST(date_trunc('week', day) AS DATE)"
        else:
            week = "date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')"
        op.execute(f'INSERT INTO {weekly} (week, {columns}, {measures}) '
                   f'SELECT {week}, {columns}, {sums} FROM {name} GROUP BY {week}, {columns}')


def downgrade():
    for name in reversed(list(DIMENSIONS)):
        weekly = f'{name}_weekly'
        with op.batch_alter_table(weekly, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{weekly}_week')
        op.drop_table(weekly)
