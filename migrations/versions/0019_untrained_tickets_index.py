"""tickets flagged "agent non formé": a partial index on their opening instant

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01

The training reports (coverage, trained share, flagged tickets) read the flagged tickets of the
period from `tickets` itself: they are few, so they have no facts. Without an index each of the
three reports scanned a year of tickets (0.3 s each at 6 million tickets); with this partial index,
which holds only the flagged tickets, each read is a short index range scan.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_tickets_untrained_opened', 'tickets', ['opened_at'],
                    postgresql_where=sa.text('untrained_agent'), sqlite_where=sa.text('untrained_agent = 1'))


def downgrade():
    op.drop_index('ix_tickets_untrained_opened', table_name='tickets')
