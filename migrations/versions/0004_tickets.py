"""tickets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # Each history entry records the ticket version it produced (what changed since version N).
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ticket_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('ticket_events', schema=None) as batch_op:
        batch_op.drop_column('ticket_version')
