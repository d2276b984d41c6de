"""reference data (channels, sites, devices, procedures)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

"""
from alembic import op
import sqlalchemy as sa

import app.types


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # No schema change: the reference tables were created with the initial schema (0001).
    # The revision stays so that the chain every database has recorded remains valid.
    pass


def downgrade():
    pass
